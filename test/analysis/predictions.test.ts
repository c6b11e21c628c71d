/**
 * checkPredictions (theory/polarization-predictions.md): passes on known-good problems (the
 * Fig-2 notebook initialisation from the committed numpy fixture, whose winner index 6 was
 * computed independently in Python; an n = 2 problem; a scalar square problem with a reversed
 * clock), reports failures when a prediction is wrong (a mutated winner; gradient descent at a
 * large step, which is not the flow and breaks the n = 2 first integral), and reports
 * not-applicable / inconclusive where the theory says nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkPredictions, type CheckResult, type PolarizationCheck } from '../../src/analysis/predictions.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { OptionError } from '../../src/core/errors.js';
import type { ProblemSpec } from '../../src/models/problem.js';
import { assertClose } from '../helpers/tolerance.js';

const fig2 = JSON.parse(readFileSync(new URL('../../sims/data/fig2-logistic.json', import.meta.url), 'utf8')) as ProblemSpec;
const get = (r: CheckResult, name: string): PolarizationCheck => {
  const c = r.checks.find((x) => x.name === name);
  assert.ok(c, `check ${name} missing`);
  return c;
};

test('Fig-2 notebook init: every applicable prediction passes, winner 6, t·L → 1', () => {
  const r = checkPredictions(fig2);
  assert.equal(r.solver.status, 'success');
  assert.equal(r.ok, true, JSON.stringify(r.checks.filter((c) => c.status === 'fail'), null, 1));
  for (const name of ['descent', 'sum-a', 'order-u', 'order-a', 'winner', 'one-hot', 'loss-rate', 'normv-slope', 'eps-gap-constant', 'eps-slope-gap', 'eps-slope-logt']) {
    assert.equal(get(r, name).status, 'pass', name);
  }
  assert.equal(get(r, 'winner').predicted, 6); // fixture: numpy argmax(Wᵀβ) = 6
  assert.equal(get(r, 'winner').measured, 6);
  assert.equal(get(r, 'n2-invariant').status, 'not-applicable');
  assert.equal(get(r, 'square-limit').status, 'not-applicable');
  // Derived rate: |t·L − 1| ≤ 0.05 at t = 1e5 (theory P-8a).
  assert.ok(Math.abs((get(r, 'loss-rate').measured as number) - 1) <= 0.05);
  assert.equal(r.config.tEnd, 1e5);
  assert.equal(r.config.method, 'dop853');
});

test('measured values match an independent scipy integration (committed fixture)', () => {
  // test/fixtures/polarization/generate.py: the flow by hand in numpy, scipy DOP853 rtol 1e-12,
  // the same save grid and formulas. Our run is at rtol 1e-10: global error ~1e-9 relative,
  // least-squares slopes over 11 saves amplify it by ≲ 10, so rtol 1e-7 is ample yet catches
  // any formula or grid mismatch (those move the values at the 1e-3 level or more).
  const ref = (JSON.parse(readFileSync(new URL('../fixtures/polarization/reference.json', import.meta.url), 'utf8')) as { fig2: Record<string, number> }).fig2;
  const r = checkPredictions(fig2);
  assert.equal(get(r, 'winner').measured, ref.winner);
  assertClose(get(r, 'loss-rate').measured as number, ref.tL!, { rtol: 1e-7, label: 't·L' });
  assertClose(get(r, 'normv-slope').measured as number, ref.normVSlope!, { rtol: 1e-7, label: '‖V‖ slope' });
  assertClose(get(r, 'eps-gap-constant').measured as number, ref.epsG2!, { rtol: 1e-7, label: 'ε·G²' });
  assertClose(get(r, 'eps-slope-gap').measured as number, ref.epsSlopeG!, { rtol: 1e-7, label: 'slope vs G' });
  assertClose(get(r, 'eps-slope-logt').measured as number, ref.epsSlopeLogT!, { rtol: 1e-7, label: 'slope vs log t' });
});

test('a mutated winner is reported failed (the check can fail)', () => {
  const r = checkPredictions(fig2, { winner: 0, tEnd: 1e3 });
  const w = get(r, 'winner');
  assert.equal(w.status, 'fail');
  assert.equal(w.predicted, 0);
  assert.match(String(w.measured), /^6 /);
  assert.equal(r.ok, false);
  assert.equal(r.summary.fail, 1);
});

test('n = 2: the first integral E is conserved by the flow (relative drift ≤ 1e-6) but not by GD at lr 0.5', () => {
  const spec = randomProblem({ loss: 'logistic', d: 2, n: 2, seed: 3, vScale: 1 });
  const flow = checkPredictions(spec, { tEnd: 1e3 });
  const e = get(flow, 'n2-invariant');
  assert.equal(e.status, 'pass');
  assert.ok((e.measured as number) <= 1e-6);
  // GD is the Euler discretisation: its O(lr) error drifts E by ~4e-3 (far above 1e-6).
  const gd = checkPredictions(spec, { method: 'gd', lr: 0.5, tEnd: 1e3 });
  assert.equal(get(gd, 'n2-invariant').status, 'fail');
  assert.ok((get(gd, 'n2-invariant').measured as number) > 1e-4);
  assert.equal(gd.ok, false);
  // Σa is a linear invariant: GD keeps it to round-off as well.
  assert.equal(get(gd, 'sum-a').status, 'pass');
});

test('scalar square loss with z(0) > y: the clock runs backwards, the winner is argmax −u(0)', () => {
  const r = checkPredictions(randomProblem({ loss: 'square', d: 1, n: 4, seed: 11 }));
  assert.equal(r.ok, true);
  assert.match(get(r, 'winner').statement, /−u\(0\)/);
  assert.equal(get(r, 'winner').status, 'pass');
  assert.equal(get(r, 'square-limit').status, 'pass');
  assert.equal(get(r, 'loss-rate').status, 'not-applicable');
});

test('not applicable and inconclusive are reported as such, never as failures', () => {
  const sq = checkPredictions(randomProblem({ loss: 'square', d: 6, n: 5, seed: 2 }));
  for (const name of ['order-u', 'order-a', 'winner', 'n2-invariant', 'loss-rate']) assert.equal(get(sq, name).status, 'not-applicable', name);
  assert.equal(get(sq, 'square-limit').status, 'pass');
  // Other normalisations do not conserve Σa.
  const l1 = checkPredictions(randomProblem({ loss: 'square', d: 3, n: 3, seed: 2, normalization: 'l1' }), { tEnd: 10 });
  assert.equal(get(l1, 'sum-a').status, 'not-applicable');
  // Logistic rates need two polarised decades: at t_end = 10 they are inconclusive.
  const short = checkPredictions(fig2, { tEnd: 10 });
  assert.equal(get(short, 'loss-rate').status, 'inconclusive');
  assert.equal(get(short, 'eps-slope-logt').status, 'inconclusive');
  assert.equal(short.ok, true);
  // Several samples share V: no scalar-output predictions.
  const two = checkPredictions(randomProblem({ loss: 'logistic', d: 3, n: 3, samples: 2, seed: 5 }), { tEnd: 100 });
  assert.equal(get(two, 'winner').status, 'not-applicable');
  assert.equal(get(two, 'sum-a').status, 'pass');
});

test('bad options name the option', () => {
  const spec = randomProblem({ loss: 'logistic', d: 2, n: 2, seed: 1 });
  const bad: [string, unknown[]][] = [
    ['tEnd', [0, -1, NaN, '1e5']],
    ['method', ['euler', 3]],
    ['rtol', [0, 1, -1e-8]],
    ['atol', [0, -1]],
    ['lr', [0, -0.1]],
    ['perDecade', [1, 2.5]],
    ['decades', [1, 31]],
    ['winner', [-1, 2, 0.5]],
    ['maxSteps', [0, 1.5]],
    ['stallSteps', [-1, 2.5, '100']],
  ];
  for (const [option, values] of bad) {
    for (const v of values) {
      assert.throws(
        () => checkPredictions(spec, { [option]: v }),
        (e: unknown) => e instanceof OptionError && e.option === option,
        `${option} = ${String(v)}`,
      );
    }
  }
  assert.throws(() => checkPredictions(spec, { typo: 1 } as never), (e: unknown) => e instanceof OptionError && e.option === 'checkPredictions.typo');
  assert.throws(() => checkPredictions({ loss: 'logistic', V: [[1]], a: [0] } as ProblemSpec), (e: unknown) => e instanceof OptionError && e.option === 'beta');
});

test('a stalled integration (l1, chattering at a kink) ends early: a failed VS-4 check, stallSteps recorded; stallSteps 0 runs to the budget instead (the check stops it after about 58 000 steps, before the budget of 80 000)', () => {
  const spec = randomProblem({ loss: 'square', d: 4, n: 6, normalization: 'l1', seed: 1, vScale: 1, aScale: 0.5 });
  const r = checkPredictions(spec, { tEnd: 100 });
  assert.equal(r.solver.status, 'stalled');
  assert.equal(r.config.stallSteps, 20000);
  assert.ok(r.solver.steps < 2e5, `${r.solver.steps} steps`);
  const vs4 = r.checks.find((c) => c.id === 'VS-4');
  assert.equal(vs4?.status, 'fail');
  assert.match(vs4!.note!, /^stalled: /);
  assert.equal(r.ok, false);
  const off = checkPredictions(spec, { tEnd: 100, stallSteps: 0, maxSteps: 80000 });
  assert.equal(off.solver.status, 'max-steps');
  assert.equal(off.config.stallSteps, 0);
});
