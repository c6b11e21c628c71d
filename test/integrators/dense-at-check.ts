/**
 * The check both denseAt tests run on a stepper: over up to `steps` steps towards tEnd, denseAt
 * at θ ∈ {0, 0.013, 0.37, 0.5, 0.81, 1} against dense() + interpolateNested (max difference
 * relative to the state < 1e-14); the extra stages evaluated once per step whichever comes first
 * (`extra` evaluations, counted by `evals`); and on the first step a θ off by 1e-3 must differ
 * by more than 1e-10 (the check can fail).
 */
import assert from 'node:assert/strict';
import { interpolateNested } from '../../src/integrators/dense-output.js';
import type { RkStepper } from '../../src/integrators/rk-stepper.js';
import { maxRelDiff } from '../helpers/tolerance.js';

export function checkDenseAtAgainstNested(stepper: RkStepper, evals: () => number, extra: number, tEnd: number, steps = 40): void {
  assert.ok(stepper.denseAt !== undefined);
  const n = stepper.n;
  const nested = new Float64Array(n);
  const direct = new Float64Array(n);
  let t = 0;
  let worst = 0;
  for (let k = 0; k < steps && t < tEnd; k++) {
    const tNew = stepper.step(t, tEnd);
    assert.ok(Number.isFinite(tNew));
    const before = evals();
    stepper.denseAt(0.37, direct);
    const after = evals();
    assert.equal(after - before, extra, 'the extra stages of the dense output, once');
    const coeffs = stepper.dense();
    for (const theta of [0, 0.013, 0.37, 0.5, 0.81, 1]) {
      interpolateNested(coeffs, 0, stepper.denseWidth, n, theta, nested);
      stepper.denseAt(theta, direct);
      worst = Math.max(worst, maxRelDiff(direct, nested));
    }
    assert.equal(evals(), after, 'dense() and further denseAt calls evaluate no stage again');
    if (k === 0) {
      interpolateNested(coeffs, 0, stepper.denseWidth, n, 0.5, nested);
      stepper.denseAt(0.5 + 1e-3, direct);
      assert.ok(maxRelDiff(direct, nested) > 1e-10, `control ${maxRelDiff(direct, nested)}`);
    }
    t = tNew;
  }
  assert.ok(worst < 1e-14, `max relative difference ${worst}`);
}
