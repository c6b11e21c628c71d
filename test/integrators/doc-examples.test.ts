/** Every example stated in the integrators' doc comments, executed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brentRoot, DOP853, DOPRI5, interpolateNested, resolveSaveAt, solve } from '../../src/integrators/index.js';
import { initialStep, minStepAt, stepFactor } from '../../src/integrators/step-control.js';
import { assertClose } from '../helpers/tolerance.js';

test('doc examples', () => {
  const decay = (_t: number, y: Float64Array, d: Float64Array): void => {
    d[0] = -y[0]!;
  };
  assertClose(solve(decay, [1], 0, 1).yEnd[0]!, Math.exp(-1), { atol: 2e-7, label: 'solve' });
  assert.deepEqual(Array.from(resolveSaveAt({ log: [1, 100, 3] }, 0, 100)), [1, 10, 100]);
  const out = new Float64Array(1);
  interpolateNested(Float64Array.of(1, 2), 0, 2, 1, 0.5, out);
  assert.equal(out[0], 2);
  assertClose(brentRoot((t) => t * t - 2, 1, 2, -1, 2, 1e-14), 1.4142135623730951, { atol: 4e-16, label: 'brent' });
  assert.equal(minStepAt(1e6), 1e-8);
  const h = initialStep(decay, 0, Float64Array.of(1), Float64Array.of(-1), 10, Infinity, 4, 1e-6, Float64Array.of(1e-9), new Float64Array(1), new Float64Array(1));
  assertClose(h, 0.0251, { atol: 1e-4, label: 'initialStep' });
  assert.equal(stepFactor(1, 1e-4, false, { safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 4, beta: 0 }), 0.9);
  assertClose(DOPRI5.b.reduce((s, x) => s + x, 0), 1, { atol: 1e-15, label: 'dopri5 b' });
  assertClose(DOP853.b.reduce((s, x) => s + x, 0), 1, { atol: 1e-14, label: 'dop853 b' });
});
