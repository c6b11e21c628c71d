import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';

test('same seed gives the same numbers; different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xa = Array.from({ length: 5 }, () => a.uniform());
  assert.deepEqual(xa, Array.from({ length: 5 }, () => b.uniform()));
  assert.notDeepEqual(xa, Array.from({ length: 5 }, () => c.uniform()));
});

test('uniform and normal moments match theory (seeded, 2e5 draws, 5 standard errors)', () => {
  const rng = new Rng(7);
  const n = 200_000;
  let su = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = rng.normal();
    sn += z;
    sn2 += z * z;
  }
  assertClose(su / n, 0.5, { atol: 5 * Math.sqrt(1 / 12 / n), label: 'mean U' });
  assertClose(sn / n, 0, { atol: 5 / Math.sqrt(n), label: 'mean N' });
  assertClose(sn2 / n, 1, { atol: 5 * Math.sqrt(2 / n), label: 'var N' });
});

test('permutation is a permutation', () => {
  const p = Array.from(new Rng(1).permutation(50)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 50 }, (_, i) => i));
});
