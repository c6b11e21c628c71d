/**
 * The low-rank evaluator's direct interpolant (`denseAt`: y_n + h Σ_j w_j(θ) k_j, the V block as
 * one rank-term combination) against its dense coefficients through interpolateNested (the same
 * polynomial in the nested form): equal to round-off at θ across [0, 1] on every step of a solve,
 * with the kernels and with the twins, for dopri5 and dop853, K = 1 and K = 2; calling it several
 * times in a step, and before or after dense(), evaluates the extra stages once (rhsEvals); and a
 * wrong interpolant would be caught (a θ off by 1e-3 is far outside the tolerance).
 */
import { test } from 'node:test';
import { lowRankStepper } from '../../src/integrators/low-rank-stages.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem } from '../../src/models/problem.js';
import { packState } from '../../src/models/value-softmax.js';
import { setWasmKernelsEnabled } from '../../src/wasm/kernels.js';
import { checkDenseAtAgainstNested } from './dense-at-check.js';

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
          checkDenseAtAgainstNested(stepper, () => stages.rhsEvals, method === 'dop853' ? 3 : 0, 50);
        } finally {
          setWasmKernelsEnabled(true);
        }
      });
    }
  }
}
