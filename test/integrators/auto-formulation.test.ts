/**
 * The size rule of simulate's `auto` formulation (src/experiments/simulate.ts lowRankMinSize):
 * low-rank stages from d·n = 16 for softmax with the square or regression loss, 64 for softmax
 * with cross-entropy, 256 for every other normalisation; full below, and full whenever low-rank
 * does not apply (rk4, gd, cash-karp, a frozen block). An `auto` run is the forced formulation's
 * run bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowRankMinSize, LOW_RANK_MIN_SIZE, LOW_RANK_MIN_SIZE_SOFTMAX, simulate, type SimulateOptions } from '../../src/experiments/simulate.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem, type LossName } from '../../src/models/problem.js';
import type { NormalizationName } from '../../src/models/normalizations.js';

const spec = (loss: LossName, d: number, n: number, normalization: NormalizationName = 'softmax', samples = 1) => randomProblem({ loss, d, n, samples, normalization, seed: 2, vScale: 0.3, aScale: 0.5 });
const o: Partial<SimulateOptions> = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd: 5, saveAt: [0, 1, 5] };

test('lowRankMinSize: 16 for softmax square/regression, 64 for softmax cross-entropy, 256 otherwise', () => {
  assert.deepEqual({ ...LOW_RANK_MIN_SIZE_SOFTMAX }, { square: 16, regression: 16, 'cross-entropy': 64 });
  assert.equal(LOW_RANK_MIN_SIZE, 256);
  assert.equal(lowRankMinSize(resolveProblem(spec('square', 2, 8))), 16);
  assert.equal(lowRankMinSize(resolveProblem(spec('regression', 2, 8))), 16);
  assert.equal(lowRankMinSize(resolveProblem(spec('cross-entropy', 2, 8))), 64);
  for (const nm of ['relu', 'l2sq', 'sigmoid', 'l1', 'sum'] as const) assert.equal(lowRankMinSize(resolveProblem(spec('square', 2, 8, nm))), 256, nm);
  assert.equal(lowRankMinSize(resolveProblem(spec('logistic', 2, 8))), 256);
});

test('auto: low-rank exactly from the threshold, full below it and where low-rank does not apply', () => {
  const cases: [LossName, number, number, NormalizationName, number, 'low-rank' | 'full'][] = [
    ['square', 3, 5, 'softmax', 1, 'full'],
    ['square', 2, 8, 'softmax', 1, 'low-rank'],
    ['square', 4, 4, 'softmax', 3, 'low-rank'],
    ['regression', 5, 3, 'softmax', 2, 'full'],
    ['regression', 4, 4, 'softmax', 1, 'low-rank'],
    ['cross-entropy', 9, 7, 'softmax', 1, 'full'],
    ['cross-entropy', 8, 8, 'softmax', 2, 'low-rank'],
    ['square', 15, 17, 'relu', 1, 'full'],
    ['square', 16, 16, 'relu', 1, 'low-rank'],
    ['regression', 16, 16, 'l2sq', 1, 'low-rank'],
  ];
  for (const [loss, d, n, nm, K, want] of cases) {
    const s = spec(loss, d, n, nm, K);
    const auto = simulate(s, o);
    assert.equal(auto.config.formulation, want, `${loss} ${nm} ${d}×${n} K = ${K}`);
    const forced = simulate(s, { ...o, formulation: want });
    assert.deepEqual(auto.records, forced.records, `${loss} ${d}×${n}: auto is the forced run`);
    assert.deepEqual(auto.state, forced.state);
  }
  const s = spec('square', 4, 8);
  assert.equal(simulate(s, o).config.formulation, 'low-rank');
  assert.equal(simulate(s, { ...o, method: 'rk4', dt: 0.5 }).config.formulation, 'full');
  assert.equal(simulate(s, { ...o, method: 'gd', lr: 0.1 }).config.formulation, 'full');
  assert.equal(simulate(s, { ...o, method: 'cash-karp' }).config.formulation, 'full');
  assert.equal(simulate(s, { ...o, freeze: ['a'] }).config.formulation, 'full');
  assert.equal(simulate(s, { ...o, method: 'dopri5' }).config.formulation, 'low-rank');
});
