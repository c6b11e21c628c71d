/**
 * logisticInitialStep (integrators/logistic-initial-step.ts) against the generic Hairer heuristic
 * `initialStep` on valueSoftmaxRhs's one-sample logistic kernel: the same h bit for bit
 * (Object.is), over seeded random problems, labels ±1, scalar and per-component atol, both error
 * orders, a short span and a dtMax that bind, and a non-finite start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logisticInitialStep } from '../../src/integrators/logistic-initial-step.js';
import { initialStep } from '../../src/integrators/step-control.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem, type Problem } from '../../src/models/problem.js';
import { isLogisticOne, valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { Rng } from '../../src/core/rng.js';

function generic(P: Problem, y0: Float64Array, span: number, dtMax: number, order: number, rtol: number, atol: Float64Array): number {
  const flow = valueSoftmaxRhs(P);
  const f0 = new Float64Array(y0.length);
  flow.rhs(0, y0, f0);
  return initialStep(flow.rhs, 0, y0, f0, span, dtMax, order, rtol, atol, new Float64Array(y0.length), new Float64Array(y0.length));
}

test('logisticInitialStep equals initialStep on the logistic kernel bit for bit', () => {
  const rng = new Rng(11);
  let cases = 0;
  for (const [d, n] of [[1, 1], [2, 3], [5, 7], [16, 64], [33, 65]] as const) {
    for (let seed = 1; seed <= 4; seed++) {
      const spec = randomProblem({ loss: 'logistic', d, n, seed, vScale: seed === 1 ? 0.1 : 2, aScale: seed === 2 ? 0 : 1.5 });
      if (seed === 3) spec.labels = [-1];
      const P = resolveProblem(spec);
      assert.ok(isLogisticOne(P, []));
      const y0 = valueSoftmaxRhs(P).y0;
      const size = y0.length;
      for (const order of [4, 7]) {
        for (const [rtol, span, dtMax] of [[1e-8, 1e5, Infinity], [1e-3, 1e-4, Infinity], [1e-10, 10, 1e-3]] as const) {
          const scalar = new Float64Array(size).fill(1e-10);
          const varied = Float64Array.from({ length: size }, () => 1e-12 + 1e-6 * rng.uniform());
          for (const atol of [scalar, varied]) {
            const want = generic(P, y0, span, dtMax, order, rtol, atol);
            const got = logisticInitialStep(P, y0, span, dtMax, order, rtol, atol);
            assert.ok(Object.is(got, want), `d=${d} n=${n} seed=${seed} order=${order} rtol=${rtol}: ${got} vs ${want}`);
            cases++;
          }
        }
      }
    }
  }
  assert.equal(cases, 5 * 4 * 2 * 3 * 2);
});

test('logisticInitialStep follows initialStep on a non-finite state (the small fallback step)', () => {
  const P = resolveProblem({ loss: 'logistic', V: [[0.1, 0, -0.1], [0, 0.2, 0]], a: [0, 0, 0], beta: [1, 0] });
  const y0 = valueSoftmaxRhs(P).y0;
  y0[1] = Number.POSITIVE_INFINITY;
  const atol = new Float64Array(y0.length).fill(1e-10);
  const want = generic(P, y0, 1e5, Infinity, 7, 1e-8, atol);
  assert.ok(Object.is(logisticInitialStep(P, y0, 1e5, Infinity, 7, 1e-8, atol), want));
});
