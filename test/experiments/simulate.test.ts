/**
 * simulate(): agreement with independent reference trajectories (test/fixtures/flow, scipy
 * DOP853 at rtol 1e-12 from generate.py), invariants at the saved times (VS-8 Σa, loss
 * non-increasing), gd save times t = lr·k, stopping events, failure statuses, bad options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { assertClose } from '../helpers/tolerance.js';
import { simulate, SIMULATE_DEFAULTS } from '../../src/experiments/simulate.js';
import { IntegrationError } from '../../src/core/errors.js';
import { resolveProblem, type ProblemSpec } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';

const FIX = new URL('../fixtures/flow/', import.meta.url);
interface Fixture {
  case: string;
  problem: ProblemSpec;
  tEnd: number;
  saveAt: number[];
  records: { t: number; V: number[][]; a: number[] | number[][]; loss: number }[];
}
const fixtures: Fixture[] = readdirSync(FIX)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, FIX), 'utf8')) as Fixture);

test('fixtures exist for every loss, K = 1 and 2, and non-softmax normalisations', () => {
  const names = fixtures.map((f) => f.case);
  for (const n of ['logistic-k1', 'logistic-k2', 'square-k1', 'square-k2', 'regression-k1', 'cross-entropy-k1', 'cross-entropy-k2', 'square-l2sq', 'logistic-sigmoid']) assert.ok(names.includes(n), n);
});

for (const method of ['dop853', 'dopri5'] as const) {
  test(`agreement with scipy DOP853 (rtol 1e-12) reference trajectories: ${method}`, () => {
    for (const fx of fixtures) {
      // Our run at rtol 1e-11/atol 1e-13 plus the reference's own ~1e-11 error stay far below the
      // 1e-6 relative target; atol 1e-8 covers components that pass through 0 (state is O(1)).
      const r = simulate(fx.problem, { method, rtol: 1e-11, atol: 1e-13, tEnd: fx.tEnd, saveAt: fx.saveAt });
      assert.equal(r.status, 'success', `${fx.case}: ${r.message}`);
      assert.equal(r.records.length, fx.records.length);
      const P = resolveProblem(fx.problem);
      r.records.forEach((rec, i) => {
        const ref = fx.records[i]!;
        assertClose(rec.t, ref.t, { rtol: 1e-14, label: `${fx.case} t` });
        const a = (Array.isArray(rec.a[0]) ? (rec.a as number[][]).flat() : rec.a) as number[];
        const refA = (Array.isArray(ref.a[0]) ? (ref.a as number[][]).flat() : ref.a) as number[];
        assertClose(a, refA, { rtol: 1e-6, atol: 1e-8, label: `${fx.case}/${method} a at t=${ref.t}` });
        assertClose(rec.loss, ref.loss, { rtol: 1e-6, atol: 1e-12, label: `${fx.case}/${method} loss at t=${ref.t}` });
        if (i === r.records.length - 1) assertClose(r.state.V.flat(), ref.V.flat(), { rtol: 1e-6, atol: 1e-8, label: `${fx.case}/${method} V(tEnd)` });
      });
      assert.equal(P.K, Array.isArray(r.records[0]!.entropy) ? (r.records[0]!.entropy as number[]).length : 1);
    }
  });
}

test('VS-8 and monotone loss at the saved times (dop853, softmax fixtures)', () => {
  for (const fx of fixtures.filter((f) => f.problem.normalization === undefined)) {
    const r = simulate(fx.problem, { method: 'dop853', rtol: 1e-10, atol: 1e-12, tEnd: fx.tEnd, saveAt: fx.saveAt });
    const s0 = ([] as number[]).concat(r.records[0]!.sumA);
    let prev = Infinity;
    for (const rec of r.records) {
      const a = ([] as number[]).concat(...(rec.a as number[][]));
      const scale = Math.max(1, ...a.map(Math.abs));
      // Every RK stage has Σȧ = 0 up to rounding: drift ≤ 1e-12 relative to the logit scale.
      assertClose(([] as number[]).concat(rec.sumA), s0, { rtol: 1e-12, atol: 1e-12 * scale, label: `${fx.case} Σa at t=${rec.t}` });
      assert.ok(rec.loss <= prev * (1 + 1e-12) + 1e-300, `${fx.case}: loss rose to ${rec.loss} from ${prev} at t=${rec.t}`);
      prev = rec.loss;
    }
  }
});

test('gd saves at t = lr·k (nearest step), records u = Vᵀβ for logistic', () => {
  const spec = randomProblem({ seed: 123, d: 4, n: 4 });
  const r = simulate(spec, { method: 'gd', lr: 0.25, tEnd: 10, saveAt: [0, 1, 2.6, 10] });
  assert.deepEqual(r.records.map((x) => x.t), [0, 0.25 * 4, 0.25 * 10, 0.25 * 40]);
  assert.equal(r.stats.steps, 40);
  const u = r.records[3]!.u!;
  const V = r.state.V;
  const beta = spec.beta!;
  assertClose(u, V[0]!.map((_, j) => V.reduce((s, row, i) => s + row[j]! * beta[i]!, 0)), { rtol: 1e-14, atol: 1e-15, label: 'u' });
  // a Resolved Problem gives the same result as its spec
  const again = simulate(resolveProblem(spec), { method: 'gd', lr: 0.25, tEnd: 10, saveAt: [0, 1, 2.6, 10] });
  assert.deepEqual(again.records, r.records);
});

test('stopping events: until-max-prob, until-entropy, until-loss; already-true condition stops at 0', () => {
  const spec = randomProblem({ seed: 123, d: 4, n: 4 });
  const r = simulate(spec, { tEnd: 1e5, untilMaxProb: 0.9, rtol: 1e-10, atol: 1e-12 });
  assert.equal(r.status, 'terminated');
  assert.equal(r.events[0]!.name, 'until-max-prob');
  const last = r.records[r.records.length - 1]!;
  assert.equal(last.t, r.events[0]!.t);
  // event located by root finding on the dense output: max σ = 0.9 to ~solver tolerance.
  assertClose(last.maxProb as number, 0.9, { rtol: 1e-6, label: 'maxProb at event' });
  const e = simulate(spec, { tEnd: 1e5, untilEntropy: 1 });
  assertClose(e.records[e.records.length - 1]!.entropy as number, 1, { rtol: 1e-6, label: 'entropy at event' });
  const l = simulate(spec, { tEnd: 1e5, untilLoss: 0.1 });
  assertClose(l.records[l.records.length - 1]!.loss, 0.1, { rtol: 1e-6, label: 'loss at event' });
  const z = simulate(spec, { tEnd: 10, untilEntropy: 5 });
  assert.equal(z.status, 'terminated');
  assert.equal(z.records.length, 1);
});

test('K = 2 records carry per-sample arrays', () => {
  const r = simulate(randomProblem({ loss: 'square', samples: 2, d: 2, n: 3, aScale: 1, seed: 1 }), { tEnd: 1, saveAt: [0, 1] });
  const rec = r.records[1]!;
  for (const key of ['entropy', 'maxProb', 'oneMinusMax', 'argmax', 'sumA'] as const) assert.equal((rec[key] as number[]).length, 2, key);
  assert.equal((rec.a as number[][]).length, 2);
});

test('a stalled solve (l1 normalisation, chattering at a kink) ends as stalled on every formulation that steps adaptively, with its records; stallSteps is checked and recorded', () => {
  const P = randomProblem({ loss: 'square', d: 4, n: 6, normalization: 'l1', seed: 1, vScale: 1, aScale: 0.5 });
  for (const formulation of ['full', 'low-rank'] as const) {
    const r = simulate(P, { tEnd: 100, formulation, onFailure: 'return' });
    assert.equal(r.status, 'stalled', `${formulation}: ${r.message}`);
    assert.equal(r.config.stallSteps, 20000);
    assert.ok(r.stats.accepted <= 40000, `${formulation}: ${r.stats.accepted} accepted steps`);
    assert.ok(Math.abs(r.state.t - 2.7535) < 1e-3, `${formulation}: stopped at t = ${r.state.t}`);
    assert.ok(r.records.length >= 2 && r.records.every((x) => Number.isFinite(x.loss)));
    assert.throws(() => simulate(P, { tEnd: 100, formulation }), (e: unknown) => e instanceof IntegrationError && e.status === 'stalled');
  }
  assert.equal(simulate(P, { tEnd: 100, stallSteps: 0, maxSteps: 50_000, onFailure: 'return' }).status, 'max-steps');
  assert.throws(() => simulate(P, { tEnd: 100, stallSteps: -1 }), /stallSteps: expected an integer >= 0, received -1/);
});

test('failures: max-steps and non-finite → status + last good state, IntegrationError unless onFailure return', () => {
  const spec = randomProblem({ loss: 'square', d: 2, n: 3, seed: 1 });
  const r = simulate(spec, { tEnd: 1e3, maxSteps: 3, onFailure: 'return' });
  assert.equal(r.status, 'max-steps');
  assert.ok(r.records.length >= 1 && r.records.every((x) => Number.isFinite(x.loss)));
  assert.throws(() => simulate(spec, { tEnd: 1e3, maxSteps: 3 }), (e: unknown) => e instanceof IntegrationError && e.status === 'max-steps' && (e.partial as { status: string }).status === 'max-steps');
  // gd with a huge step on the square loss diverges geometrically until it overflows.
  const big = simulate(spec, { method: 'gd', lr: 1e3, tEnd: 1e6, onFailure: 'return' });
  assert.equal(big.status, 'non-finite');
  assert.ok(big.state.V.flat().every(Number.isFinite), 'last good state is finite');
  const ac = new AbortController();
  ac.abort();
  assert.equal(simulate(spec, { signal: ac.signal }).status, 'interrupted');
});

test('bad options: each raises an error naming the option', () => {
  const spec = randomProblem({ loss: 'square', d: 2, n: 3, seed: 1 });
  const bad: [string, unknown][] = [
    ['method', 'euler'], ['method', 3],
    ['rtol', 0], ['rtol', -1e-8], ['rtol', NaN], ['rtol', '1e-8'],
    ['atol', -1], ['atol', Infinity], ['atol', [1, 2]],
    ['tEnd', 0], ['tEnd', -5], ['tEnd', Infinity],
    ['lr', 0], ['lr', -0.1],
    ['dt', -1],
    ['maxSteps', 0], ['maxSteps', 1.5],
    ['untilEntropy', -1], ['untilMaxProb', 1], ['untilMaxProb', 0], ['untilLoss', NaN],
    ['events', 'x'], ['events', [{ name: 'e' }]],
    ['freeze', ['W']],
    ['onFailure', 'ignore'], ['onStep', 5], ['onProgress', 'x'], ['signal', {}],
    ['saveAt', [5, 1]], ['saveAt', [0, 2000]],
    ['bogus', 1],
  ];
  for (const [key, value] of bad) {
    assert.throws(
      () => simulate(spec, { [key]: value } as never),
      (e: Error & { option?: string }) => (e.option ?? '').replace(/^simulate\./, '').startsWith(key),
      `${key} = ${String(value)}`,
    );
  }
  assert.throws(() => simulate(spec, { method: 'rk4' }), (e: Error & { option?: string }) => e.option === 'dt');
  assert.throws(() => simulate({ ...spec, loss: 'hinge' } as never), (e: Error & { option?: string }) => e.option === 'loss');
  assert.equal(SIMULATE_DEFAULTS.method, 'dop853');
});

test('onProgress is called with the time of every accepted step, as onStep, on every formulation', () => {
  const cases = [
    [randomProblem({ loss: 'logistic', d: 3, n: 4, seed: 2 }), 'reduced'],
    [randomProblem({ loss: 'square', d: 3, n: 4, seed: 2, aScale: 0.5 }), 'low-rank'],
    [randomProblem({ loss: 'square', d: 3, n: 4, seed: 2, aScale: 0.5 }), 'full'],
  ] as const;
  for (const [spec, formulation] of cases) {
    const both: number[] = [];
    const progress: number[] = [];
    const a = simulate(spec, { tEnd: 20, rtol: 1e-8, atol: 1e-10, formulation, onStep: (t) => both.push(t) });
    const b = simulate(spec, { tEnd: 20, rtol: 1e-8, atol: 1e-10, formulation, onProgress: (t) => progress.push(t) });
    assert.deepEqual(progress, both, formulation);
    assert.equal(progress.length, a.stats.accepted, `${formulation}: one call per accepted step`);
    assert.deepEqual(b.state, a.state, `${formulation}: same run`);
  }
});
