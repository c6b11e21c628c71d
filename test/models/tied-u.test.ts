/**
 * Tied-U toy (src/models/tied-u.ts): the RHS is minus the gradient of the loss, checked against
 * central finite differences of the loss (independent of the hand-written backward pass), the
 * closed-form loss at the identity, and bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tiedUFlow } from '../../src/models/tied-u.js';
import { Rng } from '../../src/core/rng.js';
import { OptionError, DimensionError } from '../../src/core/errors.js';
import { assertClose } from '../helpers/tolerance.js';

test('loss at U = I, a = 0 is log(1 + exp(−mean β))', () => {
  const flow = tiedUFlow([1, 0], [0, 0]);
  assertClose(flow.loss(flow.y0), Math.log1p(Math.exp(-0.5)), { atol: 1e-15, label: 'L' });
});

test('RHS = −∇L: central finite differences, random U and a (D = 5)', () => {
  const rng = new Rng(3);
  const D = 5;
  const beta = Array.from({ length: D }, () => rng.normal());
  const a = Array.from({ length: D }, () => 1 + 0.5 * rng.normal());
  const U = Array.from({ length: D }, () => Array.from({ length: D }, () => rng.normal()));
  const flow = tiedUFlow(beta, a, U);
  const y = flow.y0.slice();
  const dydt = new Float64Array(y.length);
  flow.rhs(0, y, dydt);
  const h = 1e-6;
  const fd = new Float64Array(y.length);
  for (let q = 0; q < y.length; q++) {
    const yp = y.slice();
    const ym = y.slice();
    yp[q]! += h;
    ym[q]! -= h;
    fd[q] = -(flow.loss(yp) - flow.loss(ym)) / (2 * h);
  }
  // Central differences: truncation O(h²·L''') ≈ 1e-12 and round-off O(eps·L/h) ≈ 1e-10.
  assertClose(dydt, fd, { atol: 1e-8, label: '−∇L' });
});

test('gradient flow decreases the loss (explicit Euler with a small step)', () => {
  const flow = tiedUFlow([0.6, 0.8, 0], [1.1, 0.9, 1.0]);
  const y = flow.y0.slice();
  const d = new Float64Array(y.length);
  let prev = flow.loss(y);
  for (let k = 0; k < 100; k++) {
    flow.rhs(0, y, d);
    for (let q = 0; q < y.length; q++) y[q]! += 1e-2 * d[q]!;
    const l = flow.loss(y);
    assert.ok(l < prev, `step ${k}: ${l} ≥ ${prev}`);
    prev = l;
  }
});

test('bad input names the argument', () => {
  assert.throws(() => tiedUFlow([1, 0], [0]), (e: unknown) => e instanceof DimensionError && e.option === 'a');
  assert.throws(() => tiedUFlow([1, NaN], [0, 0]), (e: unknown) => e instanceof OptionError && e.option === 'beta[1]');
  assert.throws(() => tiedUFlow([1, 0], [0, 0], [[1, 0]]), (e: unknown) => e instanceof DimensionError && e.option === 'U');
  assert.throws(() => tiedUFlow([], []), (e: unknown) => e instanceof OptionError && e.option === 'beta');
});
