/**
 * Convergence order of every method on a smooth nonlinear problem with a closed form
 * (problems.ts: logistic + e^{sin t}, t ∈ [0, 4]). The global error at t = 4 is fitted against the
 * step h on a log–log scale; the slope must be within ±0.3 of the theoretical order. Step ranges
 * are chosen in the asymptotic regime and with errors ≥ 1e-13 (well above round-off, ~1e-15).
 * Adaptive methods are stepped with fixed h through their `fixedStep` (no error control).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ode45 from 'ode45-cash-karp';
import { dopri5Stepper } from '../../src/integrators/dormand-prince.js';
import { dop853Stepper } from '../../src/integrators/dop853.js';
import { solve } from '../../src/integrators/solve.js';
import { arenstorf, ARENSTORF_T, ARENSTORF_Y0, fittedSlope, logisticSine, LOGISTIC_SINE_Y0, logisticSineExact } from './problems.js';

const T = 4;
const EXACT = logisticSineExact(T);

function maxErr(y: ArrayLike<number>): number {
  return Math.max(Math.abs(y[0]! - EXACT[0]), Math.abs(y[1]! - EXACT[1]));
}

function assertOrder(name: string, hs: number[], errs: number[], order: number): void {
  assert.ok(Math.min(...errs) > 1e-13, `${name}: smallest error ${Math.min(...errs)} is too close to round-off`);
  const slope = fittedSlope(hs, errs);
  assert.ok(Math.abs(slope - order) <= 0.3, `${name}: fitted order ${slope.toFixed(3)}, expected ${order} ± 0.3 (errors ${errs.map((e) => e.toExponential(2)).join(', ')})`);
}

const setup = { rtol: 1, atol: Float64Array.of(1, 1), dt0: 0.1, dtMax: Infinity };

for (const [name, makeStepper, Ns, order] of [
  ['dopri5', dopri5Stepper, [20, 40, 80, 160], 5],
  ['dop853', dop853Stepper, [8, 10, 12, 16, 20], 8],
] as const) {
  test(`${name} converges with order ${order} (fixed steps)`, () => {
    const hs: number[] = [];
    const errs: number[] = [];
    for (const N of Ns) {
      const st = makeStepper(logisticSine, 0, Float64Array.from(LOGISTIC_SINE_Y0), T, setup);
      const h = T / N;
      for (let k = 0; k < N; k++) st.fixedStep(k * h, h);
      hs.push(h);
      errs.push(maxErr(st.y));
    }
    assertOrder(name, hs, errs, order);
  });
}

for (const [method, Ns, order] of [
  ['rk4', [20, 40, 80, 160, 320], 4],
  ['gd', [200, 400, 800, 1600, 3200], 1],
] as const) {
  test(`${method} converges with order ${order}`, () => {
    const hs: number[] = [];
    const errs: number[] = [];
    for (const N of Ns) {
      const sol = solve(logisticSine, LOGISTIC_SINE_Y0, 0, T, { method, dt: T / N, saveAt: [T] });
      assert.equal(sol.tEnd, T);
      hs.push(T / N);
      errs.push(maxErr(sol.yEnd));
    }
    assertOrder(method, hs, errs, order);
  });
}

test('cash-karp (ode45-cash-karp package) converges with order 5 at fixed steps', () => {
  // tol = Infinity accepts every step; maxIncreaseFactor 1 keeps dt fixed: the package's own step.
  const hs: number[] = [];
  const errs: number[] = [];
  for (const N of [20, 40, 80, 160, 320]) {
    const y = Float64Array.from(LOGISTIC_SINE_Y0);
    const integ = ode45(y, (dydt, yy, t) => logisticSine(t, yy, dydt), 0, T / N, { tol: Infinity, maxIncreaseFactor: 1, verbose: false });
    for (let k = 0; k < N; k++) integ.step();
    assert.ok(Math.abs(integ.t - T) < 1e-12);
    hs.push(T / N);
    errs.push(maxErr(y));
  }
  assertOrder('cash-karp', hs, errs, 5);
});

test('adaptive methods meet the tolerance on y\' = −y (global error ≤ 10·rtol·|y|)', () => {
  // For y' = −y on [0, 10] the global error must stay within a small multiple of rtol·max|y|
  // (≤ 10·rtol: global error accumulates over ~100 steps but each is controlled to rtol).
  const decay = (_t: number, y: Float64Array, d: Float64Array): void => {
    d[0] = -y[0]!;
  };
  for (const method of ['dopri5', 'dop853', 'cash-karp'] as const) {
    for (const rtol of [1e-5, 1e-7, 1e-9, 1e-11]) {
      const sol = solve(decay, [1], 0, 10, { method, rtol, atol: rtol * 1e-3 });
      const err = Math.abs(sol.yEnd[0]! - Math.exp(-10));
      assert.ok(err <= 10 * rtol * Math.exp(-10) + rtol * 1e-3 * 10, `${method} rtol ${rtol}: error ${err.toExponential(2)}`);
    }
  }
});

test('tolerance proportionality on the Arenstorf orbit: error after one period ≤ 100·rtol for rtol 1e-7..1e-12', () => {
  // The orbit is periodic (period and y0 published to 30 digits), so the exact state at T is y0.
  // Measured error/rtol lies in [1.5, 60] for all three methods over these five decades; 100
  // leaves headroom for platform round-off while still failing for a lost order or a broken
  // controller (error/rtol then grows by decades as rtol shrinks).
  for (const method of ['dopri5', 'dop853', 'cash-karp'] as const) {
    for (const rtol of [1e-7, 1e-9, 1e-11, 1e-12]) {
      const sol = solve(arenstorf, ARENSTORF_Y0, 0, ARENSTORF_T, { method, rtol, atol: rtol * 1e-2 });
      const err = Math.hypot(sol.yEnd[0]! - ARENSTORF_Y0[0]!, sol.yEnd[1]! - ARENSTORF_Y0[1]!);
      assert.ok(err <= 100 * rtol, `${method} rtol ${rtol}: position error ${err.toExponential(2)} > 100·rtol`);
    }
  }
});
