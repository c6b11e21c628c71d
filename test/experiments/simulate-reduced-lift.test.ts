import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/experiments/simulate.js';
import { createObserver, createReducedObserver, type SimRecord } from '../../src/analysis/observables.js';
import { resolveProblem, type ProblemSpec } from '../../src/models/problem.js';
import { reducedFlow } from '../../src/models/reduced-flow.js';
import { packState } from '../../src/models/value-softmax.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { toRows } from '../../src/core/row-arrays.js';
import { Rng } from '../../src/core/rng.js';

// simulate's reduced path records each saved reduced state with createReducedObserver (loss from
// z = ⟨u, N(a)⟩, ‖V‖_F² = ‖P⊥V(0)‖² + ‖u‖²/‖β‖², u itself) and lifts only the end state. The
// logits' fields must be the full observer's bits on the lifted state; loss, ‖V‖_F and u agree
// with it to round-off (the full observer sums over the lifted V); the state is the lift's bits.

/** Asserts `b` is `a` with the logits' fields bit for bit and loss, normV, u within `tol` relative. */
function assertRecordClose(b: SimRecord, a: SimRecord, tol: number, label: string): void {
  for (const key of ['t', 'entropy', 'maxProb', 'oneMinusMax', 'argmax', 'sumA', 'a'] as const) assert.deepStrictEqual(b[key], a[key], `${label}: ${key}`);
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), `${label}: fields`);
  const close = (x: number, y: number, what: string): void => assert.ok(Math.abs(x - y) <= tol * Math.max(Math.abs(y), 1e-300), `${label}: ${what} ${x} vs ${y}`);
  close(b.loss, a.loss, 'loss');
  close(b.normV, a.normV, 'normV');
  const ua = a.u!;
  const scale = Math.max(...ua.map(Math.abs));
  b.u!.forEach((x, j) => assert.ok(Math.abs(x - ua[j]!) <= tol * scale, `${label}: u[${j}] ${x} vs ${ua[j]}`));
}

const cases: Record<string, ProblemSpec> = {
  'no −0 in V': { loss: 'logistic', V: [[0.2, 0.1, -0.2], [0.3, -0.1, 0.05]], a: [0, 0.1, -0.1], beta: [1, -0.5] },
  '−0 in V (lifts to +0)': { loss: 'logistic', V: [[-0, 0.1, -0.2], [0.3, -0, 0]], a: [0, 0.1, -0.1], beta: [1, -0.5] },
  'K = 2': { loss: 'logistic', V: [[-0, 0.1, -0.2], [0.3, 0.2, 0]], a: [[0, 0.1, -0.1], [0.2, 0, 0]], beta: [1, -0.5], labels: [1, -1] },
};

for (const [label, spec] of Object.entries(cases)) {
  test(`simulate reduced: records are the full observer's of the lifted states (logits' fields bit for bit, loss/‖V‖/u to round-off), the state the lift (${label})`, () => {
    const P = resolveProblem(spec);
    const R = reducedFlow(P);
    const observe = createObserver(P);
    const times = [0, 5, 20];
    const r = simulate(P, { method: 'dop853', rtol: 1e-9, atol: 1e-11, tEnd: 20, saveAt: times, formulation: 'reduced' });
    assert.equal(r.config.formulation, 'reduced');
    const start = R.lift(R.y0, new Float64Array(packState(P).length));
    assertRecordClose(r.records[0]!, observe(0, start), 1e-14, 'start');
    const n = P.n;
    const yEnd = new Float64Array(start.length);
    yEnd.set(r.state.V.flat(), 0);
    yEnd.set(P.batched ? (r.state.a as number[][]).flat() : (r.state.a as number[]), P.d * n);
    assertRecordClose(r.records[2]!, observe(20, yEnd), 1e-13, 'end');
    assert.deepStrictEqual(toRows(yEnd, P.d, n), r.state.V);
  });
}

// The reduced observer on reduced states far from the start (u grown, logits spread), against the
// full observer on their lifts: K = 1 and 3, several normalisations, a user margin loss, and a V
// nearly along β (‖P⊥V(0)‖ ≪ ‖V‖: the identity has no cancellation there either).
test('createReducedObserver = createObserver on the lift (round-off), over random reduced states', () => {
  const g = new Rng(7);
  const rng = (): number => g.uniform();
  const specs: ProblemSpec[] = [
    randomProblem({ loss: 'logistic', d: 7, n: 9, seed: 2 }),
    randomProblem({ loss: 'logistic', d: 5, n: 6, samples: 3, normalization: 'sigmoid', seed: 3 }),
    randomProblem({ loss: 'logistic', d: 4, n: 5, samples: 2, normalization: 'l2sq', seed: 4 }),
    { ...randomProblem({ loss: 'logistic', d: 6, n: 4, samples: 2, seed: 5 }), lossExpr: 'exp(-z)' },
    { loss: 'logistic', V: [[1, 2, -1], [2, 4, -2.000001]], a: [0, 0.5, -0.5], beta: [1, 2] },
  ];
  for (const [s, spec] of specs.entries()) {
    const P = resolveProblem(spec);
    const R = reducedFlow(P);
    const full = createObserver(P);
    const red = createReducedObserver(P, R);
    const lifted = new Float64Array(P.d * P.n + P.K * P.n);
    for (let trial = 0; trial < 20; trial++) {
      const r = Float64Array.from(R.y0, (x, q) => (q < P.n ? x * (1 + 10 * trial * rng()) + 3 * (rng() - 0.5) * trial : x + 2 * (rng() - 0.5)));
      assertRecordClose(red(trial, r), full(trial, R.lift(r, lifted)), 1e-12, `spec ${s} trial ${trial}`);
    }
  }
});
