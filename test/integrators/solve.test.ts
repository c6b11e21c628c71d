/**
 * `solve`: option validation (a loop of bad values per option, each raising an error that names
 * the option), no mutation of y0, saving, failure statuses and onFailure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DimensionError, IntegrationError, OptionError } from '../../src/core/errors.js';
import { solve, SOLVE_DEFAULTS, METHOD_NAMES } from '../../src/integrators/solve.js';
import type { Rhs, SolveOptions } from '../../src/integrators/types.js';
import { assertClose } from '../helpers/tolerance.js';

const decay: Rhs = (_t, y, d) => {
  d[0] = -y[0]!;
  d[1] = -2 * y[1]!;
};
const Y0 = [1, 1];

function assertNamesOption(fn: () => unknown, option: string, label: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OptionError || e instanceof DimensionError, `${label}: expected OptionError/DimensionError, got ${String(e)}`);
    assert.ok(e.option === option || e.option.startsWith(`${option}[`) || e.option.startsWith(`${option}.`), `${label}: error names '${e.option}', expected '${option}' (${e.message})`);
    assert.ok(!e.message.includes('\n'), 'one-line message');
    return true;
  });
}

test('SOLVE_DEFAULTS are frozen and match the contract', () => {
  assert.ok(Object.isFrozen(SOLVE_DEFAULTS));
  assert.equal(SOLVE_DEFAULTS.method, 'dopri5');
  assert.equal(SOLVE_DEFAULTS.rtol, 1e-6);
  assert.equal(SOLVE_DEFAULTS.atol, 1e-9);
  assert.equal(SOLVE_DEFAULTS.maxSteps, 1e7);
  assert.equal(SOLVE_DEFAULTS.onFailure, 'throw');
  assert.deepEqual(METHOD_NAMES, ['dopri5', 'dop853', 'cash-karp', 'rk4', 'gd']);
});

test('bad values of every option raise an error naming it', () => {
  const bad: Record<string, { values: unknown[]; base?: Partial<SolveOptions> }> = {
    method: { values: ['rk45', '', 3, null, 'DOPRI5'] },
    rtol: { values: [0, -1e-6, NaN, Infinity, '1e-6', null] },
    atol: { values: [-1, NaN, Infinity, 'x', [1e-9], [1e-9, -1], [1e-9, NaN], [1e-9, 1e-9, 1e-9], {}] },
    dt0: { values: [0, -0.1, NaN, Infinity, '0.1'] },
    dt: { values: [0, -0.1, NaN, Infinity, '0.1', undefined], base: { method: 'rk4' } },
    dtMax: { values: [0, -1, NaN, 'big'] },
    maxSteps: { values: [0, -5, 1.5, NaN, Infinity, '100'] },
    saveAt: { values: [[], [0.5, 0.2], [-1], [0, 2], [0.1, 0.1], [NaN], 'log', { log: [0, 1, 5] }, { log: [1e-3, 2, 5] }, { log: [1e-3, 1, 0] }, { log: [1e-3, 1, 2.5] }, { log: [1, 1e-3, 5] }, { log: [1e-3, 1] }] },
    events: { values: ['x', [null], [{ name: '', fn: () => 0 }], [{ name: 'e', fn: 3 }], [{ name: 'e', fn: () => 0, direction: 2 }], [{ name: 'e', fn: () => 0, terminal: 'yes' }]] },
    dense: { values: ['true', 1, null] },
    onFailure: { values: ['ignore', true, null] },
    onStep: { values: ['f', 3] },
    signal: { values: [{ aborted: true }, 'stop'] },
  };
  for (const [option, { values, base }] of Object.entries(bad)) {
    for (const v of values) {
      // `dt: undefined` is only bad for fixed-step methods (covered by `base`).
      assertNamesOption(() => solve(decay, Y0, 0, 1, { ...base, [option]: v }), option, `${option} = ${JSON.stringify(v)}`);
    }
  }
  // gd also needs dt.
  assertNamesOption(() => solve(decay, Y0, 0, 1, { method: 'gd' }), 'dt', 'gd without dt');
  // Unknown option keys are typos, not silently ignored.
  assertNamesOption(() => solve(decay, Y0, 0, 1, { rtoll: 1e-3 } as unknown as Partial<SolveOptions>), 'options', 'typo');
});

test('bad rhs, y0, t0, t1 raise errors naming them', () => {
  assertNamesOption(() => solve('f' as unknown as Rhs, Y0, 0, 1), 'rhs', 'rhs');
  for (const y0 of [[], [1, NaN], [Infinity], 'abc', null]) assertNamesOption(() => solve(decay, y0 as unknown as number[], 0, 1), 'y0', `y0 = ${String(y0)}`);
  for (const t0 of [NaN, Infinity, '0']) assertNamesOption(() => solve(decay, Y0, t0 as number, 1), 't0', `t0 = ${String(t0)}`);
  for (const t1 of [NaN, Infinity, 0, -1, '1']) assertNamesOption(() => solve(decay, Y0, 0, t1 as number), 't1', `t1 = ${String(t1)}`);
});

test('explicit undefined keeps the default; y0 is never mutated', () => {
  for (const method of METHOD_NAMES) {
    const y0 = Float64Array.of(1, 1);
    const arr = [1, 1];
    const sol = solve(decay, y0, 0, 1, { method, dt: 0.01, rtol: undefined, atol: undefined });
    solve(decay, arr, 0, 1, { method, dt: 0.01 });
    assert.deepEqual(Array.from(y0), [1, 1], `${method} mutated a Float64Array y0`);
    assert.deepEqual(arr, [1, 1], `${method} mutated an array y0`);
    assert.equal(sol.status, 'success');
    // Saved states are independent copies.
    assert.notEqual(sol.y[0], sol.y[1]);
    assert.notEqual(sol.y[sol.y.length - 1], sol.yEnd);
    // gd is first order: relative error ≈ dt·λ²·t/2 = 0.02 for λ = −2, dt = 0.01, t = 1.
    assertClose(sol.yEnd, [Math.exp(-1), Math.exp(-2)], { rtol: method === 'gd' ? 3e-2 : 1e-5, label: method });
  }
});

test('default saving: every accepted step, t0 and t1 included; per-component atol accepted', () => {
  const sol = solve(decay, Y0, 0, 2, { atol: [1e-9, 1e-12] });
  assert.equal(sol.t[0], 0);
  assert.equal(sol.t[sol.t.length - 1], 2);
  assert.equal(sol.t.length, sol.stats.accepted + 1);
  for (let i = 1; i < sol.t.length; i++) assert.ok(sol.t[i]! > sol.t[i - 1]!);
  const tight = solve(decay, Y0, 0, 2, { atol: [1e-9, 1e-20], rtol: 1e-3 });
  const loose = solve(decay, Y0, 0, 2, { atol: [1e-9, 1e-2], rtol: 1e-3 });
  assert.ok(tight.stats.accepted > loose.stats.accepted, 'the per-component atol is used');
});

test('saveAt: explicit list and log grid are interpolated without constraining the steps', () => {
  const free = solve(decay, Y0, 0, 100, { rtol: 1e-10, atol: 1e-14 });
  const sol = solve(decay, Y0, 0, 100, { rtol: 1e-10, atol: 1e-14, saveAt: { log: [1e-2, 100, 25] } });
  assert.equal(sol.stats.accepted, free.stats.accepted, 'same steps with and without saveAt');
  assert.equal(sol.stats.rhsEvals, free.stats.rhsEvals, 'dopri5 dense output costs no RHS evaluations');
  assert.equal(sol.t.length, 25);
  assertClose(sol.t[0]!, 1e-2, { rtol: 0, label: 'first' });
  assertClose(sol.t[24]!, 100, { rtol: 0, label: 'last' });
  for (let i = 0; i < 25; i++) {
    const t = sol.t[i]!;
    assertClose(t, 1e-2 * Math.pow(1e4, i / 24), { rtol: 1e-14, label: 'log grid' });
    // Dense output (4th order) at rtol 1e-10: relative error well below 1e-7.
    assertClose(sol.y[i]!, [Math.exp(-t), Math.exp(-2 * t)], { rtol: 1e-7, atol: 1e-14, label: `y(${t})` });
  }
  const list = solve(decay, Y0, 0, 1, { method: 'dop853', rtol: 1e-12, atol: 1e-14, saveAt: [0, 0.25, 0.5, 1] });
  assert.deepEqual(list.t, [0, 0.25, 0.5, 1]);
  for (let i = 0; i < 4; i++) assertClose(list.y[i]!, [Math.exp(-list.t[i]!), Math.exp(-2 * list.t[i]!)], { rtol: 1e-11, label: 'dop853 saveAt' });
});

test('gd: t = lr·k, saveAt rounded to the nearest step, stops at the last whole step', () => {
  const sol = solve(decay, Y0, 0, 1.05, { method: 'gd', dt: 0.1, saveAt: [0, 0.26, 0.5, 1.04] });
  assert.deepEqual(sol.t, [0, 0.30000000000000004, 0.5, 1]);
  assert.equal(sol.tEnd, 1);
  assertClose(sol.y[2]!, [0.9 ** 5, 0.8 ** 5], { rtol: 1e-14, label: 'Euler iterates' });
  assert.equal(sol.stats.rhsEvals, 11);
});

test('rk4 lands on t1 when (t1 − t0)/dt is not an integer', () => {
  const sol = solve(decay, Y0, 0, 1.05, { method: 'rk4', dt: 0.1 });
  assert.equal(sol.tEnd, 1.05);
  assert.equal(sol.stats.accepted, 11);
  // Global relative error of rk4 ≈ (λ·dt)⁴·|λ|·t/120 ≈ 3e-5 for λ = −2, dt = 0.1, t = 1.05.
  assertClose(sol.yEnd, [Math.exp(-1.05), Math.exp(-2.1)], { rtol: 1e-4, label: 'rk4' });
});

test('long horizons: t to 1e6 with steps growing like t', () => {
  // y' = −y/(1 + t): y = 1/(1 + t); the step grows ~ t, so 1e6 takes a few hundred steps.
  const rhs: Rhs = (t, y, d) => {
    d[0] = -y[0]! / (1 + t);
  };
  for (const method of ['dopri5', 'dop853'] as const) {
    const sol = solve(rhs, [1], 0, 1e6, { method, rtol: 1e-8, atol: 1e-14, saveAt: { log: [1, 1e6, 7] } });
    assert.equal(sol.status, 'success');
    assert.ok(sol.stats.accepted < 2000, `${method}: ${sol.stats.accepted} steps`);
    sol.t.forEach((t, i) => assertClose(sol.y[i]![0]!, 1 / (1 + t), { rtol: 1e-6, label: `${method} y(${t})` }));
  }
});

test('failure statuses: non-finite, step-underflow, max-steps; IntegrationError vs onFailure return', () => {
  const square: Rhs = (_t, y, d) => {
    d[0] = y[0]! * y[0]!;
  };
  // y' = y², y(0) = 1 blows up at t = 1. Fixed steps overflow to Infinity: 'non-finite'.
  const rk = solve(square, [1], 0, 2, { method: 'rk4', dt: 0.05, onFailure: 'return' });
  assert.equal(rk.status, 'non-finite');
  assert.ok(Number.isFinite(rk.yEnd[0]!) && rk.tEnd < 2, 'last good state is finite');
  // Adaptive steps shrink towards the singularity: step-size underflow before t = 1.
  const dp = solve(square, [1], 0, 2, { onFailure: 'return' });
  assert.equal(dp.status, 'step-underflow');
  assert.ok(Math.abs(dp.tEnd - 1) < 1e-3 && Number.isFinite(dp.yEnd[0]!), `stopped at ${dp.tEnd}`);
  // An RHS returning NaN at a finite state: adaptive methods report non-finite.
  const nanRhs: Rhs = (_t, y, d) => {
    d[0] = y[0]! > 2 ? NaN : y[0]!;
  };
  for (const method of ['dopri5', 'dop853', 'cash-karp'] as const) {
    const s = solve(nanRhs, [1], 0, 5, { method, onFailure: 'return' });
    assert.equal(s.status, 'non-finite', method);
    assert.ok(s.tEnd < Math.log(2) + 0.1 && s.tEnd > 0.5, `${method} stopped at ${s.tEnd}`);
  }
  const ms = solve(decay, Y0, 0, 100, { maxSteps: 10, onFailure: 'return' });
  assert.equal(ms.status, 'max-steps');
  assert.ok(ms.stats.steps <= 10);
  assert.match(ms.message, /maxSteps/);
  assert.throws(
    () => solve(decay, Y0, 0, 100, { maxSteps: 10 }),
    (e: unknown) => e instanceof IntegrationError && e.status === 'max-steps' && (e.partial as { tEnd: number }).tEnd === ms.tEnd,
  );
  assert.throws(() => solve(square, [1], 0, 100, { method: 'gd', dt: 0.1 }), (e: unknown) => e instanceof IntegrationError && e.status === 'non-finite');
});

test('abort signal stops the run with status interrupted (not thrown); onStep sees every accepted step', () => {
  const controller = new AbortController();
  let calls = 0;
  const sol = solve(decay, Y0, 0, 1e3, {
    method: 'rk4',
    dt: 1e-3,
    onStep: (t) => {
      calls++;
      if (t >= 0.5) controller.abort();
    },
    signal: controller.signal,
  });
  assert.equal(sol.status, 'interrupted');
  assert.ok(sol.tEnd >= 0.5 && sol.tEnd < 0.7, `stopped at ${sol.tEnd}`);
  assert.equal(calls, sol.stats.accepted);
  const pre = new AbortController();
  pre.abort();
  assert.equal(solve(decay, Y0, 0, 1, { signal: pre.signal }).stats.accepted, 0);
});

test('stats: rhsEvals counts every call; steps = accepted + rejected; wall time measured', () => {
  let calls = 0;
  const counted: Rhs = (t, y, d) => {
    calls++;
    decay(t, y, d);
  };
  for (const method of METHOD_NAMES) {
    calls = 0;
    const sol = solve(counted, Y0, 0, 3, { method, dt: 0.01, saveAt: [0.5, 1.5], events: [{ name: 'half', fn: (_t, y) => y[0]! - 0.5, terminal: false }] });
    assert.equal(sol.stats.rhsEvals, calls, method);
    assert.equal(sol.stats.steps, sol.stats.accepted + sol.stats.rejected);
    assert.ok(sol.stats.wallTimeMs >= 0);
  }
});
