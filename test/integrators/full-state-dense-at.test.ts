/**
 * The plain evaluator's direct interpolant (FullStateStages `denseAt`: y_n + h Σ_j w_j(θ) k_j in
 * one stage-sum pass, the weights from denseWeights) against its dense coefficients through
 * interpolateNested (the nested form of the same polynomial): equal to round-off at θ across
 * [0, 1] on every step, with the kernels and with the TypeScript stage sums, for dopri5, dop853,
 * rk4 and Euler; dense() after denseAt (and denseAt again) evaluates no extra stage twice; a θ
 * off by 1e-3 is far outside the tolerance (the check can fail).
 */
import { test } from 'node:test';
import { dop853Stepper } from '../../src/integrators/dop853.js';
import { dopri5Stepper } from '../../src/integrators/dormand-prince.js';
import { eulerStepper, rk4Stepper } from '../../src/integrators/fixed-step.js';
import type { RkStepper } from '../../src/integrators/rk-stepper.js';
import type { Rhs } from '../../src/integrators/types.js';
import { setWasmKernelsEnabled } from '../../src/wasm/kernels.js';
import { checkDenseAtAgainstNested } from './dense-at-check.js';

/** A small nonlinear system (a rotating, decaying pair plus a logistic component). */
const n = 7;
let evals = 0;
const rhs: Rhs = (_t, y, dy) => {
  evals++;
  for (let i = 0; i < n - 1; i += 2) {
    dy[i] = -0.3 * y[i]! - (1 + i) * y[i + 1]!;
    dy[i + 1] = (1 + i) * y[i]! - 0.2 * y[i + 1]!;
  }
  dy[n - 1] = y[n - 1]! * (1 - y[n - 1]!);
};
const y0 = Float64Array.from([1, 0, 0.5, -0.5, 0.2, 0.1, 0.01]);

const setup = { rtol: 1e-8, atol: new Float64Array(n).fill(1e-10), dt0: undefined, dtMax: Infinity };
const MAKERS: [string, () => RkStepper, number][] = [
  ['dopri5', () => dopri5Stepper(rhs, 0, y0, 10, setup), 0],
  ['dop853', () => dop853Stepper(rhs, 0, y0, 10, setup), 3],
  ['rk4', () => rk4Stepper(rhs, 0, y0, 0.05), 0],
  ['euler', () => eulerStepper(rhs, 0, y0, 0.01), 0],
];

for (const wasm of [true, false]) {
  for (const [name, make, extra] of MAKERS) {
    test(`full-state denseAt = dense() + interpolateNested to round-off: ${name}, ${wasm ? 'kernels' : 'TypeScript'}`, () => {
      setWasmKernelsEnabled(wasm);
      try {
        checkDenseAtAgainstNested(make(), () => evals, extra, 10, 30);
      } finally {
        setWasmKernelsEnabled(true);
      }
    });
  }
}
