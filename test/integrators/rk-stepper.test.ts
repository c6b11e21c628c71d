/**
 * The Runge–Kutta engine is driven by tableau data alone: a method that vsflow does not ship
 * (Bogacki–Shampine 3(2), Bogacki & Shampine 1989; MATLAB's ode23: FSAL, embedded 2nd order,
 * Hermite dense output of order 3) is built, checked and run through the same engine and plain
 * stage evaluator as dopri5/dop853. Checked: fixed-step convergence order 3 (fitted slope ± 0.3,
 * as convergence.test.ts), an adaptive run to t = 4 within 100·rtol of the closed form with RHS
 * count 3 per attempt + 2, and its dense output inside a step against the closed form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveStepper } from '../../src/integrators/dormand-prince.js';
import { countingRhs } from '../../src/integrators/stepper.js';
import { interpolateNested } from '../../src/integrators/dense-output.js';
import { buildTableau } from '../../src/integrators/tableau.js';
import { fittedSlope, logisticSine, LOGISTIC_SINE_Y0, logisticSineExact } from './problems.js';

const BS3 = buildTableau({
  name: 'bs3',
  order: 3,
  stages: 3,
  c: [0, 1 / 2, 3 / 4, 1],
  a: [[], [1 / 2], [0, 3 / 4], [2 / 9, 1 / 3, 4 / 9]],
  b: [2 / 9, 1 / 3, 4 / 9],
  // e = b − b̂ with b̂ = (7/24, 1/4, 1/3, 1/8).
  errors: [{ order: 2, e: [2 / 9 - 7 / 24, 1 / 3 - 1 / 4, 4 / 9 - 1 / 3, -1 / 8] }],
  dense: { order: 3, width: 4, rows: [] },
});
const CONTROL = Object.freeze({ safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 2, beta: 0 });

const maxErr = (y: ArrayLike<number>, t: number): number => {
  const ex = logisticSineExact(t);
  return Math.max(Math.abs(y[0]! - ex[0]), Math.abs(y[1]! - ex[1]));
};

test('a tableau given as data (Bogacki–Shampine 3(2)) runs on the engine with order 3', () => {
  const T = 4;
  const hs: number[] = [];
  const errs: number[] = [];
  for (const N of [40, 80, 160, 320]) {
    const st = adaptiveStepper(BS3, CONTROL, logisticSine, 0, Float64Array.from(LOGISTIC_SINE_Y0), T, { rtol: 1, atol: Float64Array.of(1, 1), dt0: 0.1, dtMax: Infinity });
    const h = T / N;
    for (let k = 0; k < N; k++) st.fixedStep(k * h, h);
    hs.push(h);
    errs.push(maxErr(st.y, T));
  }
  const slope = fittedSlope(hs, errs);
  assert.ok(Math.abs(slope - 3) <= 0.3, `fitted order ${slope.toFixed(3)}, expected 3 ± 0.3 (errors ${errs.map((e) => e.toExponential(2)).join(', ')})`);
});

test('the engine runs the data-only tableau adaptively, with FSAL and dense output', () => {
  const counter = { n: 0 };
  const rtol = 1e-7;
  const st = adaptiveStepper(BS3, CONTROL, countingRhs(logisticSine, counter), 0, Float64Array.from(LOGISTIC_SINE_Y0), 4, { rtol, atol: Float64Array.of(1e-10, 1e-10), dt0: undefined, dtMax: Infinity });
  let t = 0;
  let steps = 0;
  let checked = false;
  const out = new Float64Array(2);
  while (t < 4) {
    const tOld = t;
    t = st.step(t, 4);
    assert.ok(!Number.isNaN(t), st.failure);
    steps++;
    if (!checked && tOld > 1) {
      const coeffs = st.dense();
      const tm = tOld + 0.4 * (t - tOld);
      interpolateNested(coeffs, 0, st.denseWidth, 2, 0.4, out);
      assert.ok(maxErr(out, tm) <= 100 * rtol, `dense output at t = ${tm}: error ${maxErr(out, tm)}`);
      checked = true;
    }
  }
  assert.equal(t, 4);
  assert.ok(maxErr(st.y, 4) <= 100 * rtol, `error at t = 4: ${maxErr(st.y, 4)}`);
  // FSAL: 3 evaluations per attempt, plus f(t0) and the initial-step heuristic's one.
  assert.equal(counter.n, 3 * (steps + st.rejected) + 2);
  assert.ok(checked);
});
