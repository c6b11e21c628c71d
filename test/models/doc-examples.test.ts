/**
 * The @example blocks of the model/simulate exports, executed with their stated results
 * (STYLE: every example in the docs runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/tolerance.js';
import { logSoftmax, logSumExp, softmax } from '../../src/core/softmax.js';
import { softmaxEntropy } from '../../src/core/softmax-entropy.js';
import { argmax, softmaxOneMinusMax } from '../../src/core/one-minus-max.js';
import { sigmoid } from '../../src/core/sigmoid.js';
import { log1pexp } from '../../src/core/log1pexp.js';
import { normalize, normalizationVjp } from '../../src/models/normalizations.js';
import { resolveProblem } from '../../src/models/problem.js';
import { sampleLossGradient } from '../../src/models/losses.js';
import { packState, valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { observe } from '../../src/analysis/observables.js';
import { simulate } from '../../src/experiments/simulate.js';

test('core kernel examples', () => {
  assert.equal(logSumExp(new Float64Array([1000, 1000])), 1000.6931471805599);
  const s = new Float64Array(3);
  assertClose(softmax(new Float64Array([0, 0, Math.log(2)]), s), Math.log(4), { rtol: 1e-15 });
  assertClose(s, [0.25, 0.25, 0.5], { rtol: 1e-15 });
  const l = new Float64Array(2);
  logSoftmax(new Float64Array([1000, -1000]), l);
  assert.deepEqual(Array.from(l), [0, -2000]);
  assert.equal(softmaxEntropy(new Float64Array([0, 0, 0, 0])), 1.3862943611198906);
  assert.equal(softmaxEntropy(new Float64Array([1e3, -1e3])), 0);
  assertClose(softmaxOneMinusMax(new Float64Array([0, -50])), 1.9287498479639178e-22, { rtol: 1e-15 });
  assert.equal(argmax(new Float64Array([0.1, 0.7, 0.2])), 1);
  assert.equal(sigmoid(0), 0.5);
  assert.equal(sigmoid(-1000), 0);
  assert.equal(log1pexp(0), 0.6931471805599453);
  assert.equal(log1pexp(1000), 1000);
  assert.equal(log1pexp(-1000), 0);
  assertClose(log1pexp(-40), 4.248354255291589e-18, { rtol: 1e-15 });
});

test('model examples', () => {
  const out = new Float64Array(2);
  assert.equal(normalize('l2sq', new Float64Array([1, 2]), 0, 2, out, 0), 5);
  assertClose(out, [0.2, 0.8], { rtol: 1e-15 });
  const vjp = new Float64Array(2);
  normalizationVjp('softmax', new Float64Array(2), 0, 2, new Float64Array([0.5, 0.5]), 0, 2, new Float64Array([1, 0]), 0, vjp, 0, 1);
  assert.deepEqual(Array.from(vjp), [0.25, -0.25]);
  const p = resolveProblem({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] });
  assert.deepEqual([p.d, p.n, p.K], [1, 2, 1]);
  const P1 = resolveProblem({ loss: 'square', V: [[1]], a: [0], y: [1] });
  const g = new Float64Array(1);
  assert.equal(sampleLossGradient(P1, 0, new Float64Array([3]), 0, g, 0, new Float64Array(0)), 2);
  assert.deepEqual(Array.from(g), [2]);
  const { rhs, y0 } = valueSoftmaxRhs(p);
  const dy = new Float64Array(y0.length);
  rhs(0, y0, dy);
  assert.deepEqual(Array.from(dy), [0.25, 0.25, 0.125, -0.125]);
  const spec = randomProblem({ loss: 'square', d: 2, n: 3, seed: 1 });
  assert.equal(spec.V.length, 2);
  assert.deepEqual(spec.a, [0, 0, 0]);
  assert.equal((spec.y as number[]).length, 2);
  const rec = observe(p, packState(p));
  assert.equal(rec.t, 0);
  assert.equal(rec.loss, 0.125);
  assertClose(rec.entropy as number, Math.LN2, { rtol: 1e-15 });
  assert.equal(rec.maxProb, 0.5);
  assert.equal(rec.argmax, 0);
  assert.equal(rec.normV, 1);
  assert.equal(rec.sumA, 0);
  const r = simulate({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }, { tEnd: 10, saveAt: [0, 10] });
  assert.equal(r.status, 'success');
  assert.ok(r.records[1]!.loss < r.records[0]!.loss);
});

test('reduced-flow examples (VS-6)', async () => {
  const { reducedApplies, reducedFlow } = await import('../../src/models/reduced-flow.js');
  assert.equal(reducedApplies(resolveProblem({ loss: 'square', V: [[1]], a: [0], y: [1] })), false);
  const P = resolveProblem({ loss: 'logistic', V: [[1, 0], [0, 0]], a: [0, 0], beta: [1, 0] });
  assert.deepEqual(Array.from(reducedFlow(P).y0), [1, 0, 0, 0]);
});
