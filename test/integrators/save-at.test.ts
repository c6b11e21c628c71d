import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../src/core/errors.js';
import { resolveSaveAt } from '../../src/integrators/save-at.js';
import { assertClose } from '../helpers/tolerance.js';

test('log grid: count log-spaced points, end points exact (doc example)', () => {
  assert.deepEqual(Array.from(resolveSaveAt({ log: [1, 100, 3] }, 0, 100)), [1, 10, 100]);
  const g = resolveSaveAt({ log: [1e-2, 1e5, 60] }, 0, 1e5);
  assert.equal(g.length, 60);
  assert.equal(g[0], 1e-2);
  assert.equal(g[59], 1e5);
  for (let i = 1; i < 60; i++) assertClose(g[i]! / g[i - 1]!, Math.pow(1e7, 1 / 59), { rtol: 1e-12, label: 'ratio' });
  assert.deepEqual(Array.from(resolveSaveAt({ log: [2, 2, 1] }, 0, 3)), [2]);
});

test('explicit lists are copied and checked', () => {
  const list = [0, 0.5, 1];
  const r = resolveSaveAt(list, 0, 1);
  assert.deepEqual(Array.from(r), list);
  for (const bad of [[0.5, 0.5], [1, 0.5], [-0.1], [1.1], [NaN]]) {
    assert.throws(() => resolveSaveAt(bad, 0, 1), (e: unknown) => e instanceof OptionError && e.option.startsWith('saveAt'));
  }
});
