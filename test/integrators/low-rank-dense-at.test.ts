/**
 * The low-rank evaluator's direct interpolant (`denseAt`: y_n + h Σ_j w_j(θ) k_j, the V block as
 * one rank-term combination) against its dense coefficients through interpolateNested (the same
 * polynomial in the nested form): equal to round-off at θ across [0, 1] on every step of a solve,
 * with the kernels and with the twins, for dopri5 and dop853, K = 1 and K = 2; calling it several
 * times in a step, and before or after dense(), evaluates the extra stages once (rhsEvals); and a
 * wrong interpolant would be caught (a θ off by 1e-3 is far outside the tolerance).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowRankStepper } from '../../src/integrators/low-rank-stages.js';
import { interpolateNested } from '../../src/integrators/dense-output.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem } from '../../src/models/problem.js';
import { packState } from '../../src/models/value-softmax.js';
import { setWasmKernelsEnabled } from '../../src/wasm/kernels.js';

function maxRel(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

const CASES = [
  { label: 'square 6×10, K = 1', spec: randomProblem({ loss: 'square', d: 6, n: 10, seed: 7, aScale: 0.5 }) },
  { label: 'regression 5×9, K = 2, sigmoid', spec: randomProblem({ loss: 'regression', d: 5, n: 9, samples: 2, seed: 8, aScale: 0.5, normalization: 'sigmoid' }) },
];

for (const wasm of [true, false]) {
  for (const c of CASES) {
    for (const method of ['dopri5', 'dop853'] as const) {
      test(`low-rank denseAt = dense() + interpolateNested to round-off: ${c.label}, ${method}, ${wasm ? 'kernels' : 'twins'}`, () => {
        setWasmKernelsEnabled(wasm);
        try {
          const P = resolveProblem(c.spec);
          const y0 = packState(P);
          const { stepper, stages } = lowRankStepper(P, 0, y0, { method, rtol: 1e-8, atol: new Float64Array(y0.length).fill(1e-10), dt0: 1e-2, dtMax: Infinity });
          assert.ok(stepper.denseAt !== undefined);
          const nested = new Float64Array(y0.length);
          const direct = new Float64Array(y0.length);
          let t = 0;
          let worst = 0;
          for (let k = 0; k < 40 && t < 50; k++) {
            const tNew = stepper.step(t, 50);
            assert.ok(Number.isFinite(tNew));
            const evals = stages.rhsEvals;
            // denseAt first, then dense(), then denseAt again: the extra stages once.
            stepper.denseAt(0.37, direct);
            const afterFirst = stages.rhsEvals;
            const coeffs = stepper.dense();
            assert.equal(stages.rhsEvals, afterFirst, 'dense() after denseAt evaluates no stage again');
            for (const theta of [0, 0.013, 0.37, 0.5, 0.81, 1]) {
              interpolateNested(coeffs, 0, stepper.denseWidth, y0.length, theta, nested);
              stepper.denseAt(theta, direct);
              worst = Math.max(worst, maxRel(direct, nested));
            }
            assert.equal(stages.rhsEvals, afterFirst, 'repeated denseAt evaluates no stage again');
            assert.equal(afterFirst - evals, method === 'dop853' ? 3 : 0, 'the extra stages of the dense output');
            if (k === 0) {
              // Negative control on the first step (the state moves most): θ off by 1e-3 is far outside the tolerance.
              interpolateNested(coeffs, 0, stepper.denseWidth, y0.length, 0.5, nested);
              stepper.denseAt(0.5 + 1e-3, direct);
              assert.ok(maxRel(direct, nested) > 1e-10, `control ${maxRel(direct, nested)}`);
            }
            t = tNew;
          }
          assert.ok(worst < 1e-14, `max relative difference ${worst}`);
        } finally {
          setWasmKernelsEnabled(true);
        }
      });
    }
  }
}
