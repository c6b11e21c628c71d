import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/experiments/simulate.js';
import { createObserver } from '../../src/analysis/observables.js';
import { resolveProblem } from '../../src/models/problem.js';
import { reducedFlow } from '../../src/models/reduced-flow.js';
import { packState } from '../../src/models/value-softmax.js';
import { toRows } from '../../src/core/row-arrays.js';

// simulate's reduced path lifts its saved states on demand into one buffer and takes y0 itself
// for the start state when the lift gives y0's bits: records and state must be the observer's of
// the lifted states, bit for bit (Object.is: the sign of a zero included).
const cases = {
  'no −0 in V': { loss: 'logistic', V: [[0.2, 0.1, -0.2], [0.3, -0.1, 0.05]], a: [0, 0.1, -0.1], beta: [1, -0.5] },
  '−0 in V (lifts to +0)': { loss: 'logistic', V: [[-0, 0.1, -0.2], [0.3, -0, 0]], a: [0, 0.1, -0.1], beta: [1, -0.5] },
  'K = 2': { loss: 'logistic', V: [[-0, 0.1, -0.2], [0.3, 0.2, 0]], a: [[0, 0.1, -0.1], [0.2, 0, 0]], beta: [1, -0.5], labels: [1, -1] },
};

for (const [label, spec] of Object.entries(cases)) {
  test(`simulate reduced: records and state are the observer's of the lifted states (${label})`, () => {
    const P = resolveProblem(spec);
    const R = reducedFlow(P);
    const observe = createObserver(P);
    const times = [0, 5, 20];
    const r = simulate(P, { method: 'dop853', rtol: 1e-9, atol: 1e-11, tEnd: 20, saveAt: times, formulation: 'reduced' });
    assert.equal(r.config.formulation, 'reduced');
    // The start: the lifted reduced start (y0 unless a −0 in V turns +0).
    const start = R.lift(R.y0, new Float64Array(packState(P).length));
    assert.deepStrictEqual(r.records[0], observe(0, start));
    // The end state agrees with the last record (the same lifted state).
    const n = P.n;
    const yEnd = new Float64Array(start.length);
    yEnd.set(r.state.V.flat(), 0);
    yEnd.set((P.batched ? (r.state.a as number[][]).flat() : (r.state.a as number[])), P.d * n);
    assert.deepStrictEqual(r.records[2], observe(20, yEnd));
    assert.deepStrictEqual(toRows(yEnd, P.d, n), r.state.V);
  });
}
