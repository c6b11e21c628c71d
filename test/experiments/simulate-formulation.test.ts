/**
 * simulate's formulations: the reduced (u, a) path (VS-6) against the full [V, a] reference path
 * on logistic problems (K = 1 and K > 1, several normalisations, every method), with saveAt
 * interpolation, stopping and custom events, frozen blocks, the scipy reference fixtures, and the
 * choice `auto` records. The adaptive methods measure the error over the full state, so the step
 * sequence must be the full path's: accepted/rejected/RHS counts are compared exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { assertClose, maxRelDiff } from '../helpers/tolerance.js';
import { simulate, type SimulateOptions, type SimulateResult } from '../../src/experiments/simulate.js';
import { randomProblem } from '../../src/models/random-problem.js';
import type { ProblemSpec } from '../../src/models/problem.js';
import { OptionError } from '../../src/core/errors.js';

/** Flattens every number of a record (t, loss, entropy, maxProb, normV, a, u, ...). */
function numbers(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (Array.isArray(x)) x.forEach((v) => numbers(v, out));
  else if (typeof x === 'object' && x !== null) for (const k of Object.keys(x).sort()) numbers((x as Record<string, unknown>)[k], out);
  return out;
}

/** Same records, events and final state within `tol` relative to each quantity's scale. */
function assertSame(a: SimulateResult, b: SimulateResult, tol: number, label: string): void {
  assert.equal(b.status, a.status, `${label}: status`);
  assert.equal(b.records.length, a.records.length, `${label}: record count`);
  a.records.forEach((ra, i) => {
    const rb = b.records[i]!;
    assert.deepEqual(Object.keys(rb).sort(), Object.keys(ra).sort(), `${label}: record fields`);
    assert.deepEqual(rb.argmax, ra.argmax, `${label}: argmax at ${ra.t}`);
    const xa = numbers(ra);
    const xb = numbers(rb);
    const scale = Math.max(...xa.map(Math.abs));
    assertClose(xb, xa, { rtol: tol, atol: tol * 1e-3 * scale, label: `${label} record ${i} (t = ${ra.t})` });
  });
  assert.deepEqual(b.events.map((e) => e.name), a.events.map((e) => e.name), `${label}: events`);
  assertClose(b.events.map((e) => e.t), a.events.map((e) => e.t), { rtol: tol, label: `${label}: event times` });
  const sa = numbers(a.state);
  assertClose(numbers(b.state), sa, { rtol: tol, atol: tol * Math.max(...sa.map(Math.abs)), label: `${label}: final state` });
}

function pair(spec: ProblemSpec, o: Partial<SimulateOptions>): [SimulateResult, SimulateResult] {
  const full = simulate(spec, { ...o, formulation: 'full' });
  const red = simulate(spec, { ...o, formulation: 'reduced' });
  assert.equal(full.config.formulation, 'full');
  assert.equal(red.config.formulation, 'reduced');
  return [full, red];
}

const CASES = [
  { d: 3, n: 5, samples: 1, normalization: 'softmax' },
  { d: 16, n: 12, samples: 1, normalization: 'softmax' },
  { d: 6, n: 7, samples: 3, normalization: 'softmax' },
  { d: 4, n: 6, samples: 2, normalization: 'l2sq' },
  { d: 5, n: 4, samples: 2, normalization: 'sigmoid' },
] as const;

for (const c of CASES) {
  for (const method of ['dopri5', 'dop853'] as const) {
    test(`reduced = full, same step sequence: logistic ${c.d}×${c.n}, K = ${c.samples}, ${c.normalization}, ${method}`, () => {
      const spec = randomProblem({ loss: 'logistic', seed: 21, ...c });
      const [full, red] = pair(spec, { method, rtol: 1e-10, atol: 1e-12, tEnd: 1e4 });
      assert.equal(full.status, 'success');
      assertSame(full, red, 1e-9, `${method}`);
      assert.equal(red.stats.accepted, full.stats.accepted, 'accepted steps');
      assert.equal(red.stats.rejected, full.stats.rejected, 'rejected steps');
      assert.equal(red.stats.rhsEvals, full.stats.rhsEvals, 'RHS evaluations');
    });
  }
}

// The reduced path with the piecewise normalisations (l1, sum, relu: logits ≈ 1 + 0.5·N(0,1), a
// short horizon so that none reaches a kink), K = 1 and 2, with save times inside steps.
for (const [normalization, samples] of [['l1', 2], ['sum', 1], ['relu', 2], ['relu', 1]] as const) {
  for (const method of ['dopri5', 'dop853'] as const) {
    test(`reduced = full, same step sequence: logistic 3×5, K = ${samples}, ${normalization}, ${method}`, () => {
      const spec = randomProblem({ loss: 'logistic', d: 3, n: 5, samples, normalization, seed: 13, aScale: 0.5 });
      const [full, red] = pair(spec, { method, rtol: 1e-10, atol: 1e-12, tEnd: 5, saveAt: [0, 0.1, 0.77, 2, 5] });
      assert.equal(full.status, 'success');
      assertSame(full, red, 1e-9, `${method}`);
      assert.equal(red.stats.accepted, full.stats.accepted, 'accepted steps');
      assert.equal(red.stats.rhsEvals, full.stats.rhsEvals, 'RHS evaluations');
    });
  }
}

// A user margin loss h(y·βᵀf) (lossExpr) is a scalar-output loss too: the reduced path must use
// its h′, not the logistic loss's (before 2026-12-02 its RHS and kernels ignored lossExpr, and
// `auto` gave the logistic dynamics with the user loss's records).
for (const [expr, normalization, samples] of [['exp(-z)', 'softmax', 1], ['log(1 + exp(-z)) + 0.1 * exp(-2 * z)', 'softmax', 2], ['exp(-z)', 'l2sq', 2]] as const) {
  test(`reduced = full with lossExpr '${expr}' (${normalization}, K = ${samples}): every method, same step sequence; auto picks reduced`, () => {
    const spec = { ...randomProblem({ loss: 'logistic', d: 5, n: 6, samples, normalization, seed: 33 }), lossExpr: expr } as ProblemSpec;
    for (const method of ['dopri5', 'dop853'] as const) {
      const [full, red] = pair(spec, { method, rtol: 1e-10, atol: 1e-12, tEnd: 200 });
      assert.equal(full.status, 'success');
      assertSame(full, red, 1e-9, `${method}`);
      assert.equal(red.stats.accepted, full.stats.accepted, 'accepted steps');
      assert.equal(red.stats.rhsEvals, full.stats.rhsEvals, 'RHS evaluations');
    }
    const [f1, r1] = pair(spec, { method: 'rk4', dt: 0.05, tEnd: 20 });
    assertSame(f1, r1, 1e-11, 'rk4');
    const [f2, r2] = pair(spec, { method: 'gd', lr: 0.05, tEnd: 20 });
    assertSame(f2, r2, 1e-11, 'gd');
    assert.equal(simulate(spec, { tEnd: 1, saveAt: [0, 1] }).config.formulation, 'reduced');
  });
}

test('reduced = full: rk4 and gd (fixed steps, with and without events)', () => {
  const spec = randomProblem({ loss: 'logistic', d: 6, n: 7, samples: 3, seed: 4 });
  const [f1, r1] = pair(spec, { method: 'rk4', dt: 0.05, tEnd: 50 });
  assertSame(f1, r1, 1e-11, 'rk4');
  const [f2, r2] = pair(spec, { method: 'gd', lr: 0.1, tEnd: 200 });
  assertSame(f2, r2, 1e-11, 'gd (lean loop)');
  assert.equal(r2.stats.rhsEvals, f2.stats.rhsEvals);
  const [f3, r3] = pair(spec, { method: 'gd', lr: 0.1, tEnd: 200, untilLoss: 0.9 * f2.records[0]!.loss });
  assert.equal(f3.status, 'terminated');
  assertSame(f3, r3, 1e-11, 'gd with a stopping event');
});

test('reduced = full: explicit saveAt (dense output), stopping and custom events, frozen blocks', () => {
  const spec = randomProblem({ loss: 'logistic', d: 8, n: 6, samples: 2, seed: 9 });
  const saveAt = [0, 0.37, 1.1, 3.3, 10.7, 33, 100];
  for (const method of ['dopri5', 'dop853'] as const) {
    const [f, r] = pair(spec, { method, rtol: 1e-10, atol: 1e-12, tEnd: 100, saveAt });
    assertSame(f, r, 1e-9, `${method} saveAt`);
    const h0 = (f.records[0]!.entropy as number[])[0]!;
    const [fe, re] = pair(spec, {
      method,
      rtol: 1e-10,
      atol: 1e-12,
      tEnd: 1e5,
      untilEntropy: 0.5 * h0,
      // A custom event over the full state: V_00 crosses its mid-value (non-terminal), a reading of V.
      events: [{ name: 'v00', fn: (_t, y) => y[0]! - 0.5 * (spec.V[0]![0]! + 0), terminal: false }],
    });
    assert.equal(fe.status, 'terminated');
    assertSame(fe, re, 1e-9, `${method} events`);
    // A stopping condition that holds at t = 0: both paths stop there with the start's record.
    const [f0, r0] = pair(spec, { method, tEnd: 100, untilLoss: 2 * f.records[0]!.loss });
    assert.equal(r0.status, 'terminated');
    assert.equal(r0.records.length, 1);
    assertSame(f0, r0, 1e-12, `${method} until-loss at t = 0`);
    // until-loss: the reduced path evaluates it on (u, a) (its own loss), not on a lifted state.
    const [fl, rl] = pair(spec, { method, rtol: 1e-10, atol: 1e-12, tEnd: 1e5, untilLoss: 0.3 * f.records[0]!.loss });
    assert.equal(fl.status, 'terminated');
    assert.equal(rl.events[0]!.name, 'until-loss');
    assertSame(fl, rl, 1e-9, `${method} until-loss`);
    for (const freeze of [['a'], ['V']] as const) {
      const [ff, rf] = pair(spec, { method, rtol: 1e-10, atol: 1e-12, tEnd: 100, saveAt, freeze: [...freeze] });
      assertSame(ff, rf, 1e-9, `${method} freeze ${freeze[0]}`);
    }
  }
});

test('reduced: agreement with the scipy DOP853 (rtol 1e-12) logistic fixtures', () => {
  const FIX = new URL('../fixtures/flow/', import.meta.url);
  const fixtures = readdirSync(FIX)
    .filter((f) => f.startsWith('logistic') && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(new URL(f, FIX), 'utf8')) as { case: string; problem: ProblemSpec; tEnd: number; saveAt: number[]; records: { V: number[][]; a: number[] | number[][]; loss: number }[] });
  assert.ok(fixtures.length >= 3, 'logistic fixtures: k1, k2, sigmoid');
  for (const fx of fixtures) {
    for (const method of ['dopri5', 'dop853'] as const) {
      const r = simulate(fx.problem, { method, rtol: 1e-11, atol: 1e-13, tEnd: fx.tEnd, saveAt: fx.saveAt, formulation: 'reduced' });
      assert.equal(r.config.formulation, 'reduced');
      r.records.forEach((rec, i) => {
        const ref = fx.records[i]!;
        assertClose(numbers(rec.a), numbers(ref.a), { rtol: 1e-6, atol: 1e-8, label: `${fx.case}/${method} a` });
        assertClose(rec.loss, ref.loss, { rtol: 1e-6, atol: 1e-12, label: `${fx.case}/${method} loss` });
      });
      assertClose(numbers(r.state.V), numbers(fx.records[fx.records.length - 1]!.V), { rtol: 1e-6, atol: 1e-8, label: `${fx.case}/${method} V(tEnd)` });
    }
  }
});

test('formulation auto: reduced for logistic (not with cash-karp), full otherwise; bad choices are OptionErrors', () => {
  const logi = randomProblem({ loss: 'logistic', d: 3, n: 4, seed: 1 });
  const sq = randomProblem({ loss: 'square', d: 3, n: 4, seed: 1 });
  const o = { tEnd: 1, saveAt: [0, 1] };
  assert.equal(simulate(logi, o).config.formulation, 'reduced');
  assert.equal(simulate(logi, { ...o, method: 'cash-karp' }).config.formulation, 'full');
  assert.equal(simulate(sq, o).config.formulation, 'full');
  assert.throws(() => simulate(sq, { ...o, formulation: 'reduced' }), (e: unknown) => e instanceof OptionError && /formulation/.test(e.message));
  assert.throws(() => simulate(logi, { ...o, method: 'cash-karp', formulation: 'reduced' }), (e: unknown) => e instanceof OptionError && /cash-karp/.test(e.message));
  assert.throws(() => simulate(logi, { ...o, formulation: 'fast' as never }), (e: unknown) => e instanceof OptionError && /formulation/.test(e.message));
  assert.throws(
    () => simulate({ loss: 'logistic', V: [[1, 0]], a: [0, 0], beta: [0] }, { ...o, formulation: 'reduced' }),
    (e: unknown) => e instanceof OptionError && /β ≠ 0/.test(e.message),
  );
});

const LOW_RANK_CASES = [
  { loss: 'square', d: 3, n: 5, samples: 1, normalization: 'softmax' },
  { loss: 'square', d: 6, n: 4, samples: 3, normalization: 'softmax' },
  { loss: 'square', d: 4, n: 6, samples: 2, normalization: 'l2sq' },
  { loss: 'square', d: 3, n: 5, samples: 2, normalization: 'l1' },
  { loss: 'square', d: 3, n: 5, samples: 1, normalization: 'sum' },
  { loss: 'square', d: 3, n: 5, samples: 2, normalization: 'relu' },
  { loss: 'cross-entropy', d: 5, n: 4, samples: 2, normalization: 'softmax' },
  { loss: 'regression', d: 4, n: 5, samples: 1, normalization: 'softmax' },
  { loss: 'regression', d: 3, n: 4, samples: 2, normalization: 'sigmoid' },
  { loss: 'logistic', d: 3, n: 4, samples: 2, normalization: 'sigmoid' },
] as const;

for (const c of LOW_RANK_CASES) {
  for (const method of ['dopri5', 'dop853'] as const) {
    test(`low-rank = full: ${c.loss} ${c.d}×${c.n}, K = ${c.samples}, ${c.normalization}, ${method}`, () => {
      const spec = randomProblem({ seed: 13, aScale: 0.5, ...c });
      // Short horizon: the flow is still moving, so the error estimates are not round-off noise
      // and the step sequence must be the full path's exactly.
      const o: Partial<SimulateOptions> = { method, rtol: 1e-10, atol: 1e-12, tEnd: 5, saveAt: [0, 0.1, 0.77, 2, 5] };
      const full = simulate(spec, { ...o, formulation: 'full' });
      const low = simulate(spec, { ...o, formulation: 'low-rank' });
      assert.equal(low.config.formulation, 'low-rank');
      assert.equal(full.status, 'success');
      assertSame(full, low, 1e-9, `${method}`);
      assert.equal(low.stats.accepted, full.stats.accepted, 'accepted steps');
      assert.equal(low.stats.rejected, full.stats.rejected, 'rejected steps');
      assert.equal(low.stats.rhsEvals, full.stats.rhsEvals, 'RHS evaluations (dense-output stages included)');
      // Long horizon to convergence: steps may differ where the error estimate is round-off, the
      // states agree to the tolerance.
      // (l1 with a logit crossing 0 is non-smooth: both paths then exhaust the step budget.)
      const lo: Partial<SimulateOptions> = { method, rtol: 1e-10, atol: 1e-12, tEnd: 1000, saveAt: [0, 1000], maxSteps: 20000, onFailure: 'return' };
      const lf = simulate(spec, { ...lo, formulation: 'full' });
      const ll = simulate(spec, { ...lo, formulation: 'low-rank' });
      assert.equal(ll.status, lf.status, 'long-horizon status');
      if (lf.status === 'success') assert.ok(maxRelDiff(numbers(ll.state), numbers(lf.state)) < 1e-7, `final state to t = 1000: ${maxRelDiff(numbers(ll.state), numbers(lf.state))}`);
    });
  }
}

test('low-rank = full: stopping and custom events; auto picks low-rank for large non-scalar problems', () => {
  const spec = randomProblem({ loss: 'square', d: 8, n: 6, samples: 2, seed: 9, aScale: 0.5 });
  const h0 = (simulate(spec, { tEnd: 1, saveAt: [0] }).records[0]!.entropy as number[])[0]!;
  for (const method of ['dopri5', 'dop853'] as const) {
    const o: Partial<SimulateOptions> = {
      method,
      rtol: 1e-10,
      atol: 1e-12,
      tEnd: 1e3,
      untilEntropy: 0.9 * h0,
      events: [{ name: 'v00', fn: (_t, y) => y[0]! - 0.5 * spec.V[0]![0]!, terminal: false }],
    };
    const full = simulate(spec, { ...o, formulation: 'full' });
    const low = simulate(spec, { ...o, formulation: 'low-rank' });
    assertSame(full, low, 1e-9, `${method} events`);
  }
  const big = randomProblem({ loss: 'square', d: 16, n: 16, seed: 1 });
  assert.equal(simulate(big, { tEnd: 1, saveAt: [0, 1] }).config.formulation, 'low-rank');
  assert.equal(simulate(big, { tEnd: 1, saveAt: [0, 1], freeze: ['a'] }).config.formulation, 'full');
  // Softmax with the square loss: low-rank from d·n = 16 (lowRankMinSize), full below.
  assert.equal(simulate(randomProblem({ loss: 'square', d: 2, n: 8, seed: 1 }), { tEnd: 1, saveAt: [0, 1] }).config.formulation, 'low-rank');
  assert.equal(simulate(randomProblem({ loss: 'square', d: 3, n: 5, seed: 1 }), { tEnd: 1, saveAt: [0, 1] }).config.formulation, 'full');
  assert.throws(() => simulate(big, { tEnd: 1, method: 'rk4', dt: 0.1, formulation: 'low-rank' }), (e: unknown) => e instanceof OptionError && /low-rank/.test(e.message));
  assert.throws(() => simulate(big, { tEnd: 1, freeze: ['V'], formulation: 'low-rank' }), (e: unknown) => e instanceof OptionError && /frozen/.test(e.message));
});

// The low-rank path makes its records as the states are saved when their copies would take
// 1 MiB or more (STREAM_RECORDS_MIN_BYTES in simulate.ts), else from stored copies: both ways,
// many saves and a run that ends at an invalid observation (normalization sum: a weight leaves
// [0, 1]) must give the full path's status, message time, kept records and last valid state
// (the state one save before the invalid one: a wrong buffer would be a state of another save
// time, far off at this tolerance).
test('low-rank = full: many saves, and an invalid observation (records as the states are saved, and from stored copies)', () => {
  const o: Partial<SimulateOptions> = { method: 'dop853', rtol: 1e-10, atol: 1e-12, tEnd: 100, onFailure: 'return' };
  const spec = randomProblem({ loss: 'square', d: 4, n: 6, normalization: 'sum', seed: 1, vScale: 1, aScale: 0.5 });
  // 30 state entries: 61 saves are 15 KB of copies (stored), 5000 are 1.2 MB (made as saved).
  for (const saveAt of [undefined, { log: [1e-4, 100, 5000] as [number, number, number] }]) {
    const full = simulate(spec, { ...o, saveAt, formulation: 'full' });
    const low = simulate(spec, { ...o, saveAt, formulation: 'low-rank' });
    const label = `sum, invalid observation, ${saveAt === undefined ? 61 : 5000} saves`;
    assert.equal(full.status, 'non-finite', label);
    assert.match(full.message, /^invalid observation at t = /);
    assert.ok(full.records.length > 10 && full.records.length < (saveAt === undefined ? 61 : 5000), `${label}: ${full.records.length} records kept`);
    assert.equal(low.message, full.message, `${label}: the same save time and reason`);
    assertSame(full, low, 1e-7, label);
  }
  const ok = randomProblem({ loss: 'square', d: 5, n: 7, samples: 2, seed: 3, aScale: 0.5 });
  // 49 entries: 3000 saves are 1.2 MB of copies.
  for (const saveAt of [undefined, { log: [1e-3, 100, 3000] as [number, number, number] }]) {
    const a = simulate(ok, { ...o, saveAt, formulation: 'full' });
    const b = simulate(ok, { ...o, saveAt, formulation: 'low-rank' });
    assert.equal(a.records.length, saveAt === undefined ? 61 : 3000);
    assertSame(a, b, 1e-9, `softmax K = 2, ${a.records.length} records`);
  }
});

// A per-component atol (a full-state vector, three magnitudes interleaved): the reduced and
// low-rank paths take it into their full-state error norms (not the scalar fast path), with
// the full path's step sequence.
test('reduced and low-rank = full with a per-component atol vector (same step sequence)', () => {
  for (const [loss, formulation, samples] of [['logistic', 'reduced', 1], ['logistic', 'reduced', 2], ['square', 'low-rank', 1], ['square', 'low-rank', 3], ['cross-entropy', 'low-rank', 2]] as const) {
    const spec = randomProblem({ loss, d: 6, n: 9, samples, seed: 5, aScale: 0.5 });
    const size = 6 * 9 + samples * 9;
    const atol = Array.from({ length: size }, (_, i) => (i % 3 === 0 ? 1e-12 : i % 3 === 1 ? 1e-8 : 1e-10));
    for (const method of ['dopri5', 'dop853'] as const) {
      const o: Partial<SimulateOptions> = { method, rtol: 1e-9, atol, tEnd: 50, saveAt: [0, 3.3, 50] };
      const full = simulate(spec, { ...o, formulation: 'full' });
      const fast = simulate(spec, { ...o, formulation });
      assert.equal(fast.config.formulation, formulation);
      const label = `${loss} K = ${samples} ${formulation} ${method}`;
      assertSame(full, fast, 1e-9, label);
      assert.equal(fast.stats.accepted, full.stats.accepted, `${label}: accepted steps`);
      assert.equal(fast.stats.rhsEvals, full.stats.rhsEvals, `${label}: RHS evaluations`);
    }
  }
});
