/**
 * Contract test for `ode45-cash-karp` (v1.1.0) and its adapter: each sharp edge the adapter
 * assumes is pinned on the package itself (so an upgrade that changes it fails here), and the
 * adapter is shown to hide it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ode45 from 'ode45-cash-karp';
import { solve } from '../../src/integrators/solve.js';
import type { Rhs } from '../../src/integrators/types.js';
import { assertClose } from '../helpers/tolerance.js';

const decayDeriv = (dydt: Float64Array, y: Float64Array): void => {
  dydt[0] = -y[0]!;
};
const decay: Rhs = (_t, y, d) => {
  d[0] = -y[0]!;
};

function captureConsole<T>(fn: () => T): { result: T; lines: string[] } {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.join(' '));
  };
  try {
    return { result: fn(), lines };
  } finally {
    console.log = original;
  }
}

test('package: integrates y0 in place and keeps it as its one state buffer; adapter copies', () => {
  const y0 = Float64Array.of(1);
  const integ = ode45(y0, decayDeriv, 0, 0.1, { verbose: false });
  assert.equal(integ.y, y0, 'state is the caller array');
  integ.step();
  integ.step();
  assert.equal(integ.y, y0, 'same buffer after steps');
  assert.notEqual(y0[0], 1, 'y0 was overwritten');

  const mine = Float64Array.of(1);
  const sol = solve(decay, mine, 0, 1, { method: 'cash-karp' });
  assert.equal(mine[0], 1, 'adapter never touches y0');
  const firsts = sol.y.map((v) => v[0]!);
  assert.equal(new Set(sol.y).size, sol.y.length, 'saved states are distinct arrays');
  for (let i = 1; i < firsts.length; i++) assert.ok(firsts[i]! < firsts[i - 1]!, 'saved values are not overwritten later');
});

test('package: logs to console.log by default; adapter is silent', () => {
  const { lines } = captureConsole(() => {
    const integ = ode45(Float64Array.of(1), decayDeriv, 0, 0.5, { dtMaxMag: 0.01 });
    integ.step();
  });
  assert.ok(lines.some((l) => l.startsWith('ode45-cash-karp::step()')), `expected a log line, got ${JSON.stringify(lines)}`);
  const quiet = captureConsole(() => solve(decay, [1], 0, 1, { method: 'cash-karp', dtMax: 0.01, dt0: 0.5 }));
  assert.deepEqual(quiet.lines, []);
});

test('package: deriv is called as (dydt, y, t); error hooks are called per component with (i, dt, y, dydt)', () => {
  const calls: unknown[][] = [];
  const scaleCalls: number[][] = [];
  let reduced = 0;
  let posted = 0;
  const integ = ode45(
    Float64Array.of(1, 2),
    (dydt: Float64Array, y: Float64Array, t: number) => {
      calls.push([dydt.length, y[0], t]);
      dydt[0] = -y[0]!;
      dydt[1] = -y[1]!;
    },
    0,
    0.1,
    {
      verbose: false,
      tol: 1,
      errorScaleFunction: (i, dt, y, dydt) => {
        scaleCalls.push([i, dt, y, dydt]);
        return 1;
      },
      errorReduceFunction: (_i, acc, e) => {
        reduced++;
        return acc + e * e;
      },
      errorPostFunction: (acc) => {
        posted++;
        return Math.sqrt(acc);
      },
    },
  );
  integ.step();
  assert.deepEqual(calls[0], [2, 1, 0], 'first call: (dydt, y, t) at t0');
  assert.deepEqual(scaleCalls.slice(0, 2), [
    [0, 0.1, 1, -1],
    [1, 0.1, 2, -2],
  ]);
  assert.equal(reduced, 2 * posted, 'reduce once per component per attempt');
  assert.equal(calls.length, 1 + 5 * posted, 'RHS calls = 1 + 5 per attempt (rejections are hidden)');
});

test('package: a single scalar tol (relative: |y| + |h f| scale, max norm); adapter maps rtol and per-component atol', () => {
  // Default scale is relative: a component at 1e-12 is controlled as tightly as one at 1.
  const y = Float64Array.of(1, 1e-12);
  const integ = ode45(y, (d, yy) => {
    d[0] = -yy[0]!;
    d[1] = -yy[1]!;
  }, 0, 0.1, { verbose: false, tol: 1e-8 });
  while (integ.step(5));
  const pkgSteps = integ.t;
  assert.ok(Math.abs(pkgSteps - 5) < 1e-9);
  // Adapter: atol per component loosens the tiny component; fewer steps than with atol 0 on it.
  const rhs: Rhs = (_t, yy, d) => {
    d[0] = -yy[0]!;
    d[1] = -yy[1]! * 50;
  };
  const loose = solve(rhs, [1, 1], 0, 5, { method: 'cash-karp', rtol: 1e-8, atol: [1e-12, 1] });
  const tight = solve(rhs, [1, 1], 0, 5, { method: 'cash-karp', rtol: 1e-8, atol: [1e-12, 1e-12] });
  assert.ok(loose.stats.accepted < tight.stats.accepted, `per-component atol used (${loose.stats.accepted} vs ${tight.stats.accepted})`);
  assertClose(tight.yEnd[0]!, Math.exp(-5), { rtol: 1e-6, label: 'accuracy' });
});

test('package: stops short of tLimit by round-off and step() returns false there; adapter lands on t1 exactly', () => {
  const integ = ode45(Float64Array.of(1), decayDeriv, 0, 0.1, { verbose: false });
  let guard = 0;
  while (integ.step(0.7) && guard++ < 1000);
  assert.equal(integ.step(0.7), false, 'false once at the limit');
  assert.ok(Math.abs(integ.t - 0.7) < 1e-12);
  for (const t1 of [0.7, 1 / 3, 10.1]) {
    const sol = solve(decay, [1], 0, t1, { method: 'cash-karp' });
    assert.equal(sol.tEnd, t1);
    assert.equal(sol.t[sol.t.length - 1], t1);
  }
});

test('package: NaN throws a plain Error; adapter returns status non-finite', () => {
  const integ = ode45(Float64Array.of(1), (d) => {
    d[0] = NaN;
  }, 0, 0.1, { verbose: false });
  assert.throws(() => integ.step(), /NaN encountered/);
  const sol = solve((_t, _y, d) => {
    d[0] = NaN;
  }, [1], 0, 1, { method: 'cash-karp', onFailure: 'return' });
  assert.equal(sol.status, 'non-finite');
  assert.equal(sol.yEnd[0], 1, 'last good state');
});

test('adapter: RHS count = f0 + initial-step probe + 1 per step + 5 per attempt (no interpolation needed)', () => {
  const sol = solve(decay, [1], 0, 10, { method: 'cash-karp', rtol: 1e-8, atol: 1e-12 });
  const { accepted, rejected, rhsEvals } = sol.stats;
  assert.equal(rhsEvals, 2 + accepted + 5 * (accepted + rejected));
});
