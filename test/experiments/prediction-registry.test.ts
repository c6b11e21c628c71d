/**
 * The prediction registry (src/experiments/prediction-registry.ts): one list for `check`,
 * `sweep`, `entropy`, `bounds` and the sims. Every entry has a unique stable name and a theory
 * id that theory/*.md defines and that a test cites; the commands report exactly the registered
 * names (so no command checks a prediction outside the registry).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { findPrediction, PREDICTIONS, registeredIds } from '../../src/experiments/prediction-registry.js';
import { checkPredictions } from '../../src/analysis/predictions.js';
import { runEntropyExperiment } from '../../src/experiments/entropy.js';
import { runBoundsExperiment } from '../../src/experiments/bounds.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { checkBound } from '../../src/experiments/bound-predictions.js';
import { GAUSSIAN_ENTROPY, LOGIT_VARIANCE, SMALL_SIGMA_ENTROPY, smallSigmaEntropy } from '../../src/experiments/entropy-predictions.js';

const theory = readdirSync('theory').filter((f) => f.endsWith('.md')).map((f) => readFileSync(`theory/${f}`, 'utf8')).join('\n');

test('unique names; every id is defined in theory/*.md', () => {
  const names = PREDICTIONS.map((p) => p.prediction.name);
  assert.equal(new Set(names).size, names.length, names.join(', '));
  for (const id of registeredIds()) assert.match(theory, new RegExp(`(\\*\\*|## )${id}\\b`), id);
  assert.equal(findPrediction('eps-slope-logt')?.prediction.id, 'P-8c');
  assert.equal(findPrediction('logit-variance')?.family, 'entropy');
  assert.equal(findPrediction('no-such-prediction'), undefined);
});

test('check, entropy and bounds report only registered predictions (and check its solver health)', () => {
  const known = new Set(PREDICTIONS.map((p) => p.prediction.name));
  const check = checkPredictions(randomProblem({ loss: 'logistic', d: 2, n: 3, seed: 1 }), { tEnd: 100 });
  const fromCheck = check.checks.map((c) => c.name);
  assert.deepEqual(fromCheck, PREDICTIONS.filter((p) => p.family === 'polarization').map((p) => p.prediction.name), 'every polarisation prediction, in registry order');
  const entropy = runEntropyExperiment({ kinds: ['softmax'], sigmas: [0.5, 2], trials: 500 });
  for (const p of entropy.predictions) assert.ok(known.has(p.name), p.name);
  const bounds = runBoundsExperiment({ draws: 3, wvScales: [1], matrices: 10, fdDraws: 1 });
  for (const v of bounds.verdicts) {
    assert.ok(known.has(v.name), v.name);
    assert.ok(['pass', 'fail', 'inconclusive', 'not-applicable'].includes(v.status));
    assert.equal(v.pass, v.status === 'pass');
  }
});

test('bound verdicts (E-8, E-12) decide from the counts and can fail', () => {
  const at = { bound: 'eq9', reading: 'row' as const, valueMap: 'identity' as const, wvScale: null, d: 4 };
  const counts = (failureFraction: number, undecidedFraction = 0) => ({ draws: 100, failureFraction, undecidedFraction });
  assert.equal(checkBound(at, counts(0)).status, 'pass');
  assert.equal(checkBound(at, counts(0.01)).status, 'fail');
  assert.equal(checkBound(at, counts(0, 0.02)).status, 'inconclusive');
  // Literal eq. 9 with W_V: a counterexample passes the claim "false"; none decides nothing.
  const literal = { ...at, valueMap: 'wv' as const, wvScale: 5 };
  assert.equal(checkBound(literal, counts(0.3)).status, 'pass');
  assert.equal(checkBound(literal, counts(0)).status, 'inconclusive');
  // The column reading is proven for D ≤ 8 only.
  assert.equal(checkBound({ ...at, reading: 'column', d: 8 }, counts(0)).status, 'pass');
  assert.equal(checkBound({ ...at, reading: 'column', d: 10 }, counts(0)).status, 'not-applicable');
  assert.equal(checkBound({ bound: 'sharp', valueMap: 'wv', wvScale: 1, d: 4 }, counts(0.01)).id, 'E-12');
});

test('entropy verdicts (E-9, E-10, E-11) fail outside their tolerance and do not apply above σ = 0.5', () => {
  const at = { n: 20, sigma: 0.5 };
  const exact = (0.25 * 19) / 20;
  assert.equal(LOGIT_VARIANCE.verdict({ mean: exact + 2.9e-3, se: 1e-3 }, at).status, 'pass');
  assert.equal(LOGIT_VARIANCE.verdict({ mean: exact + 3.1e-3, se: 1e-3 }, at).status, 'fail');
  const h = smallSigmaEntropy(20, 0.5, 2);
  const soft = { ...at, kind: 'softmax' as const };
  assert.equal(SMALL_SIGMA_ENTROPY.verdict({ mean: h, se: 1e-3 }, soft).status, 'pass');
  assert.equal(SMALL_SIGMA_ENTROPY.verdict({ mean: h - 0.1, se: 1e-3 }, soft).status, 'fail');
  const big = SMALL_SIGMA_ENTROPY.verdict({ mean: h - 0.1, se: 1e-3 }, { ...soft, sigma: 1 });
  assert.equal(big.status, 'not-applicable');
  assert.equal(big.applicable, false);
  const g = 0.5 * Math.log(2 * Math.PI * 0.25) + 0.5;
  assert.equal(GAUSSIAN_ENTROPY.verdict({ mean: g + 0.01, se: 1e-3, tolerance: 0.02 }, at).status, 'pass');
  assert.equal(GAUSSIAN_ENTROPY.verdict({ mean: g + 0.03, se: 1e-3, tolerance: 0.02 }, at).status, 'fail');
});
