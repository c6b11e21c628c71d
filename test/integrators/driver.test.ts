/**
 * Events and dense output (driver.ts + each method's interpolant).
 * - Event location against closed forms: y' = −y crosses 0.5 at ln 2 (downward); y' = y crosses
 *   2 at ln 2 (upward); g = sin t crosses zero at kπ (non-terminal, both directions).
 *   Tolerance 1e-9 in t: the root finder resolves 1e-12·max(|t|, h), the remaining error is the
 *   dense output's (rtol 1e-10 → ~1e-10 in y, hence in t since |y'| ≈ 0.5).
 * - Dense-output order: one step of size h from the exact state, interpolant error at
 *   θ = 0.3, 0.7 against the closed form; fitted slope must match the local order of each
 *   interpolant (dopri5 4th-order → h⁵, dop853 7th → h⁸, Hermite → h⁴, linear → h²) ± 0.3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntegrationError } from '../../src/core/errors.js';
import { STALL_STEPS } from '../../src/integrators/driver.js';
import { solve } from '../../src/integrators/solve.js';
import type { MethodName, Rhs } from '../../src/integrators/types.js';
import { assertClose } from '../helpers/tolerance.js';
import { fittedSlope, logisticSine, LOGISTIC_SINE_Y0, logisticSineExact } from './problems.js';

const decay: Rhs = (_t, y, d) => {
  d[0] = -y[0]!;
};
const growth: Rhs = (_t, y, d) => {
  d[0] = y[0]!;
};
const ADAPTIVE = ['dopri5', 'dop853', 'cash-karp'] as const;

test('terminal downward event: y\' = −y crosses 0.5 at ln 2 (state from dense output)', () => {
  for (const method of ADAPTIVE) {
    const sol = solve(decay, [1], 0, 10, { method, rtol: 1e-10, atol: 1e-14, events: [{ name: 'half', fn: (_t, y) => y[0]! - 0.5, direction: -1 }] });
    assert.equal(sol.status, 'terminated', method);
    assert.equal(sol.events.length, 1);
    assert.equal(sol.events[0]!.name, 'half');
    // cash-karp interpolates with cubic Hermite (3rd order): its event time is looser.
    const tol = method === 'cash-karp' ? 1e-6 : 1e-9;
    assertClose(sol.events[0]!.t, Math.LN2, { atol: tol, label: `${method} event t` });
    assertClose(sol.tEnd, Math.LN2, { atol: tol, label: `${method} tEnd` });
    assertClose(sol.yEnd[0]!, 0.5, { atol: tol, label: `${method} yEnd` });
    assert.equal(sol.t[sol.t.length - 1], sol.tEnd, 'default saving ends at the event');
    assert.ok(sol.t[sol.t.length - 2]! < sol.tEnd);
  }
});

test('direction is respected: an upward-only event on a decreasing g never fires', () => {
  const sol = solve(decay, [1], 0, 3, { events: [{ name: 'half', fn: (_t, y) => y[0]! - 0.5, direction: 1 }] });
  assert.equal(sol.status, 'success');
  assert.equal(sol.events.length, 0);
  assert.equal(sol.tEnd, 3);
});

test('terminal upward event: y\' = y crosses 2 at ln 2; saveAt points after it are not saved', () => {
  for (const method of ['dopri5', 'dop853'] as const) {
    const sol = solve(growth, [1], 0, 5, {
      method,
      rtol: 1e-10,
      atol: 1e-14,
      saveAt: [0.1, 0.5, 1, 2],
      events: [{ name: 'double', fn: (_t, y) => y[0]! - 2, direction: 1, terminal: true }],
    });
    assert.equal(sol.status, 'terminated');
    assertClose(sol.events[0]!.t, Math.LN2, { atol: 1e-9, label: `${method} t` });
    assert.deepEqual(sol.t, [0.1, 0.5]);
  }
});

test('non-terminal events in both directions: sin t = 0 at kπ, run continues', () => {
  const rhs: Rhs = (t, y, d) => {
    d[0] = Math.cos(t);
  };
  for (const method of [...ADAPTIVE, 'rk4'] as MethodName[]) {
    const sol = solve(rhs, [Math.sin(0.5)], 0.5, 10, { method, dt: 1e-3, rtol: 1e-10, atol: 1e-12, events: [{ name: 'zero', fn: (_t, y) => y[0]!, terminal: false }] });
    assert.equal(sol.status, 'success', method);
    assert.equal(sol.tEnd, 10);
    assert.deepEqual(sol.events.map((e) => e.name), ['zero', 'zero', 'zero'], method);
    const tol = method === 'dopri5' || method === 'dop853' ? 1e-8 : 1e-6;
    sol.events.forEach((e, k) => {
      assertClose(e.t, (k + 1) * Math.PI, { atol: tol, label: `${method} root ${k}` });
      assertClose(e.y[0]!, 0, { atol: tol, label: `${method} y at root ${k}` });
    });
  }
});

test('events at step resolution for gd: linear interpolation between iterates', () => {
  const sol = solve(decay, [1], 0, 5, { method: 'gd', dt: 0.01, events: [{ name: 'half', fn: (_t, y) => y[0]! - 0.5 }] });
  assert.equal(sol.status, 'terminated');
  // Euler iterate: y_k = 0.99^k; 0.5 crossed between k = 68 and 69, located linearly.
  const k = Math.floor(Math.log(0.5) / Math.log(0.99));
  const yk = 0.99 ** k;
  const expected = 0.01 * (k + (yk - 0.5) / (yk - 0.99 * yk));
  assertClose(sol.events[0]!.t, expected, { atol: 1e-12, label: 'gd event' });
});

test('dense: true gives interpolate(t) over the whole run', () => {
  for (const method of ['dopri5', 'dop853'] as const) {
    const sol = solve(logisticSine, LOGISTIC_SINE_Y0, 0, 6, { method, rtol: 1e-11, atol: 1e-13, dense: true });
    const f = sol.interpolate!;
    for (let t = 0; t <= 6; t += 0.123) assertClose(f(t), logisticSineExact(t), { rtol: 1e-8, atol: 1e-10, label: `${method} interpolate(${t})` });
    assertClose(f(6), sol.yEnd, { rtol: 1e-14, label: 'end' });
    assert.throws(() => f(6.5), /t: expected a time inside/);
  }
  assert.equal(solve(decay, [1], 0, 1).interpolate, undefined);
});

test('dense-output error order per method (one step from the exact state)', () => {
  const cases: [MethodName, number, number[]][] = [
    ['dopri5', 5, [0.4, 0.2, 0.1, 0.05]],
    ['dop853', 8, [0.8, 0.6, 0.4, 0.3]],
    ['rk4', 4, [0.4, 0.2, 0.1, 0.05]],
    ['gd', 2, [0.4, 0.2, 0.1, 0.05]],
  ];
  for (const [method, order, hs] of cases) {
    const t0 = 0.3;
    const y0 = logisticSineExact(t0);
    const errs = hs.map((h) => {
      const sol = solve(logisticSine, y0, t0, t0 + h, { method, dt: h, dt0: h, rtol: 0.5, atol: 1e3, saveAt: [t0 + 0.3 * h, t0 + 0.7 * h] });
      assert.equal(sol.stats.accepted, 1, `${method}: one step`);
      let e = 0;
      sol.t.forEach((t, i) => {
        const ex = logisticSineExact(t);
        e = Math.max(e, Math.abs(sol.y[i]![0]! - ex[0]), Math.abs(sol.y[i]![1]! - ex[1]));
      });
      return e;
    });
    const slope = fittedSlope(hs, errs);
    assert.ok(Math.abs(slope - order) <= 0.3, `${method}: dense-output local order ${slope.toFixed(2)}, expected ${order} (errors ${errs.map((x) => x.toExponential(2))})`);
  }
});

test('saveAt and dense output for cash-karp, rk4 and gd (Hermite / linear interpolants)', () => {
  // Tolerances from each interpolant's order at these step sizes: Hermite (local O(h⁴)) on
  // cash-karp steps at rtol 1e-10 (h ≈ 0.05): ~1e-8; rk4 at dt = 0.01: ~1e-9; gd (first order,
  // dt = 1e-3, t ≤ 6): global error ~3e-3.
  const times = [0.05, 0.5, 1.234, 3, 5.5];
  const cases: [MethodName, number][] = [
    ['cash-karp', 1e-7],
    ['rk4', 1e-8],
    ['gd', 5e-3],
  ];
  for (const [method, tol] of cases) {
    const sol = solve(logisticSine, LOGISTIC_SINE_Y0, 0, 6, { method, rtol: 1e-10, atol: 1e-12, dt: method === 'rk4' ? 0.01 : 1e-3, saveAt: times, dense: true });
    sol.t.forEach((t, i) => assertClose(sol.y[i]!, logisticSineExact(t), { atol: tol, rtol: tol, label: `${method} saveAt ${t}` }));
    for (const t of [0.777, 4.321]) assertClose(sol.interpolate!(t), logisticSineExact(t), { atol: tol, rtol: tol, label: `${method} interpolate ${t}` });
  }
});

test('an exhausted step budget: the usual advice, or, when the steps have collapsed at a non-smooth point, that more steps will not help', () => {
  // Smooth, budget too small: t1 is a few budgets away.
  const short = solve(decay, [1], 0, 10, { method: 'dop853', rtol: 1e-10, atol: 1e-12, maxSteps: 3, onFailure: 'return' });
  assert.equal(short.status, 'max-steps');
  assert.match(short.message, /; raise maxSteps or loosen rtol\/atol$/);
  // y' = −sign(y): y reaches 0 at t = 1 and the adaptive steps collapse there (chattering).
  const kink: Rhs = (_t, y, d) => {
    d[0] = -Math.sign(y[0]!);
  };
  for (const method of ['dopri5', 'dop853'] as const) {
    const stuck = solve(kink, [1], 0, 2, { method, rtol: 1e-10, atol: 1e-12, maxSteps: 2000, onFailure: 'return' });
    assert.equal(stuck.status, 'max-steps', method);
    assert.ok(Math.abs(stuck.tEnd - 1) < 1e-6, `${method}: stuck at t = ${stuck.tEnd}`);
    assert.match(stuck.message, /the solve has stalled, most likely at a non-smooth point of the right-hand side.*raising maxSteps will not reach t1$/, method);
    assert.doesNotMatch(stuck.message, /raise maxSteps/, method);
  }
});

test('a stalled solve stops early with status stalled; stallSteps 0, or a budget that t1 is within, lets it run', () => {
  // y' = −sign(y): y reaches 0 at t = 1, where the adaptive steps collapse (chattering) for ever.
  const kink: Rhs = (_t, y, d) => {
    d[0] = -Math.sign(y[0]!);
  };
  for (const method of ['dopri5', 'dop853'] as const) {
    const stuck = solve(kink, [1], 0, 2, { method, rtol: 1e-10, atol: 1e-12, onFailure: 'return' });
    assert.equal(stuck.status, 'stalled', method);
    // Stopped at the kink (t creeps on by the collapsed steps while the run chatters there).
    assert.ok(Math.abs(stuck.tEnd - 1) < 1e-4, `${method}: stopped at t = ${stuck.tEnd}`);
    // At the end of the first or second window of 20 000 accepted steps, not after the 10⁷ budget.
    assert.ok(stuck.stats.accepted <= 2 * STALL_STEPS, `${method}: ${stuck.stats.accepted} accepted steps`);
    assert.match(stuck.message, /^the solve stalled at t = .*each of the last 20000 accepted steps was below 1e-6 of the run's largest.*over 1000 step budgets \(maxSteps = 10000000\) away; stopped, most likely at a non-smooth point/, method);
    assert.throws(
      () => solve(kink, [1], 0, 2, { method, rtol: 1e-10, atol: 1e-12 }),
      (e: unknown) => e instanceof IntegrationError && e.status === 'stalled' && (e.partial as { tEnd: number }).tEnd === stuck.tEnd,
    );
    // Off: the budget runs out as before, with the advice that the steps had collapsed.
    const off = solve(kink, [1], 0, 2, { method, rtol: 1e-10, atol: 1e-12, maxSteps: 3 * STALL_STEPS, stallSteps: 0, onFailure: 'return' });
    assert.equal(off.status, 'max-steps', method);
    assert.match(off.message, /the solve has stalled.*raising maxSteps will not reach t1$/, method);
  }
  // The chattering ends by itself at t = 1 + 2e-6 (the drift turns positive) after ≈ 2.5·10⁵
  // collapsed steps: the check cannot see that coming and stops the run (the documented cost),
  // unless it is off, or the budget is large enough for t1 to be within 1000 budgets at the
  // collapsed step size (maxSteps 1e9).
  const release: Rhs = (t, y, d) => {
    d[0] = -Math.sign(y[0]!) + (t > 1 + 2e-6 ? 2 : 0);
  };
  const o = { method: 'dop853', rtol: 1e-10, atol: 1e-12, saveAt: [0, 2], onFailure: 'return' } as const;
  assert.equal(solve(release, [1], 0, 2, o).status, 'stalled');
  for (const extra of [{ stallSteps: 0 }, { maxSteps: 1e9 }]) {
    const r = solve(release, [1], 0, 2, { ...o, ...extra });
    assert.equal(r.status, 'success', `${JSON.stringify(extra)}: ${r.message}`);
    assert.ok(r.stats.accepted > 2 * STALL_STEPS, `${JSON.stringify(extra)}: ${r.stats.accepted} accepted steps (the chattering must outlast the check's windows)`);
    assert.ok(Math.abs(r.yEnd[0]! - (1 - 2e-6)) < 1e-6, `${JSON.stringify(extra)}: y(2) = ${r.yEnd[0]}`);
  }
});
