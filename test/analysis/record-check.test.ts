import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordProblem } from '../../src/analysis/record-check.js';
import type { SimRecord } from '../../src/analysis/observables.js';

const ok: SimRecord = { t: 1, loss: 0.1, entropy: 0.5, maxProb: 0.7, oneMinusMax: 0.3, argmax: 0, normV: 1, sumA: 1, a: [1, 0] };

test('recordProblem: a valid record (one sample and batched) has no problem', () => {
  assert.equal(recordProblem(ok, 2), undefined);
  const batched = { ...ok, entropy: [0.5, 0.6], maxProb: [0.7, 0.6], oneMinusMax: [0.3, 0.4], argmax: [0, 1], sumA: [1, 2], a: [[1, 0], [0, 2]] } as unknown as SimRecord;
  assert.equal(recordProblem(batched, 2), undefined);
});

test('recordProblem: the first non-finite entry in field order, then the bounds in order', () => {
  assert.equal(recordProblem({ ...ok, entropy: NaN, maxProb: 1.7, oneMinusMax: -0.7 }, 2), 'entropy is NaN');
  assert.equal(recordProblem({ ...ok, loss: Infinity, entropy: NaN }, 2), 'loss is Infinity');
  assert.equal(recordProblem({ ...ok, a: [[0, 1], [2, -Infinity]] } as unknown as SimRecord, 2), 'a is -Infinity');
  assert.equal(recordProblem({ ...ok, u: [0, NaN] }, 2), 'u is NaN');
  assert.equal(recordProblem({ ...ok, entropy: [0.1, 0.9], maxProb: 1.5 } as unknown as SimRecord, 2), `entropy 0.9 outside [0, ln n = ${Math.log(2)}]`);
  assert.equal(recordProblem({ ...ok, maxProb: [0.5, 1.5], oneMinusMax: -1 } as unknown as SimRecord, 2), 'max σ 1.5 outside [0, 1]');
  assert.equal(recordProblem({ ...ok, oneMinusMax: -0.01 }, 2), '1 − max σ -0.01 outside [0, 1]');
  // Round-off slack 1e-9 on the bounds.
  assert.equal(recordProblem({ ...ok, maxProb: 1 + 1e-10 }, 2), undefined);
});
