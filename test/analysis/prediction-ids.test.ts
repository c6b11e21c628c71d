/**
 * One test per registered polarisation prediction that had none by id (P-4, P-6, P-8b, P-8c,
 * P-16 of theory/polarization-predictions.md): each is checked where the theory says it holds
 * (the flow), and each check is shown to reject a violating case: a trajectory that is not the
 * flow (gradient descent at a large step) or a measurement constructed to break the prediction.
 * Without the second half a check that always passes would go unnoticed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkPredictions, polarizationCase, type CheckResult } from '../../src/analysis/predictions.js';
import { DESCENT, EPS_GAP_CONSTANT, EPS_SLOPE_GAP, EPS_SLOPE_LOGT, N2_INVARIANT, NORMV_SLOPE, ORDER_A, ORDER_U, POLARIZATION_PREDICTIONS, measureLogisticRates } from '../../src/analysis/polarization-registry.js';
import { simulate } from '../../src/experiments/simulate.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem, type ProblemSpec } from '../../src/models/problem.js';
import type { SimRecord } from '../../src/analysis/observables.js';
import type { PredictionCheck } from '../../src/core/claim.js';
import { assertClose } from '../helpers/tolerance.js';

const fig2 = JSON.parse(readFileSync(new URL('../../sims/data/fig2-logistic.json', import.meta.url), 'utf8')) as ProblemSpec;
const get = (r: CheckResult, name: string): PredictionCheck => {
  const c = r.checks.find((x) => x.name === name);
  assert.ok(c, `check ${name} missing`);
  return c;
};

test('the registry: unique names, every id defined in theory/polarization-predictions.md', () => {
  const names = POLARIZATION_PREDICTIONS.map((p) => p.name);
  assert.equal(new Set(names).size, names.length);
  const theory = readFileSync(new URL('../../theory/polarization-predictions.md', import.meta.url), 'utf8');
  for (const p of POLARIZATION_PREDICTIONS) assert.ok(theory.includes(`**${p.id} `), `${p.name}: ${p.id}`);
});

test('P-16 descent: L(t) non-increasing on the flow; GD at lr 2 on a scalar square loss overshoots and is rejected', () => {
  // d = 1 square loss, V ~ 3·N(0, 1), seed 11: the flow passes every check; GD at lr 2 (step
  // above 2/λ_max of the Hessian) makes the loss rise by 0.3 within the first steps.
  const spec = randomProblem({ loss: 'square', d: 1, n: 4, seed: 11, vScale: 3 });
  const flow = checkPredictions(spec, { tEnd: 200 });
  assert.equal(get(flow, 'descent').status, 'pass');
  assert.ok((get(flow, 'descent').margin ?? Infinity) <= 1);
  const gd = checkPredictions(spec, { method: 'gd', lr: 2, tEnd: 200 });
  const d = get(gd, 'descent');
  assert.equal(d.status, 'fail');
  assert.ok((d.measured as number) > 0.1, String(d.measured));
  assert.match(d.note ?? '', /^L rose by /);
  // The verdict alone, on constructed measurements: a rise just inside 10·rtol·L(0) passes, just outside fails.
  const c = polarizationCase(resolveProblem(spec), { tEnd: 200, rtol: 1e-10 });
  const m = { loss0: 1, lastLoss: 0.5, steps: 10, tReached: 200, worstRiseT: 3 };
  assert.equal(DESCENT.verdict({ ...m, worstRise: 0.99e-9 }, c).status, 'pass');
  assert.equal(DESCENT.verdict({ ...m, worstRise: 1.01e-9 }, c).status, 'fail');
});

test('P-4 n = 2 first integral: conserved by the flow, drifts under GD at lr 0.5 and is rejected', () => {
  const spec = randomProblem({ loss: 'logistic', d: 2, n: 2, seed: 3, vScale: 1 });
  const flow = checkPredictions(spec, { tEnd: 1e3 });
  assert.equal(get(flow, 'n2-invariant').id, 'P-4');
  assert.equal(get(flow, 'n2-invariant').status, 'pass');
  const gd = checkPredictions(spec, { method: 'gd', lr: 0.5, tEnd: 1e3 });
  assert.equal(get(gd, 'n2-invariant').status, 'fail');
  const c = polarizationCase(resolveProblem(spec), { tEnd: 1e3, rtol: 1e-10 });
  assert.deepEqual(N2_INVARIANT.applies(c), { applies: true });
  const m = { invariant0: -1, steps: 10, tReached: 1e3 };
  assert.equal(N2_INVARIANT.verdict({ ...m, invariantDrift: 1e-6 }, c).status, 'pass');
  assert.equal(N2_INVARIANT.verdict({ ...m, invariantDrift: 2e-6 }, c).status, 'fail');
  // n = 4: the invariant is not claimed.
  assert.deepEqual(N2_INVARIANT.applies(polarizationCase(resolveProblem(randomProblem({ loss: 'logistic', d: 2, n: 4, seed: 1 })))), { applies: false, reason: 'n = 4' });
});

test('P-6 ordering: co-ordered pairs keep their u and a order along the flow; GD at lr 4 reorders them and is rejected', () => {
  const spec = randomProblem({ loss: 'square', d: 1, n: 4, seed: 1, vScale: 3 });
  const c = polarizationCase(resolveProblem(spec), { tEnd: 200 });
  assert.ok(c.pairs.length > 0, 'the problem has co-ordered pairs');
  const flow = checkPredictions(spec, { tEnd: 200 });
  for (const name of ['order-u', 'order-a']) {
    assert.equal(get(flow, name).id, 'P-6');
    assert.equal(get(flow, name).status, 'pass', name);
  }
  const gd = checkPredictions(spec, { method: 'gd', lr: 4, tEnd: 200 });
  for (const name of ['order-u', 'order-a']) {
    assert.equal(get(gd, name).status, 'fail', name);
    assert.match(String(get(gd, name).measured), /^\d+ violations \(first at t = /);
  }
  // One violation in a constructed measurement is a failure.
  const m = { worstGap: -1e-3, firstT: 5, steps: 10, tReached: 200 };
  assert.equal(ORDER_U.verdict({ ...m, violations: 0 }, c).status, 'pass');
  assert.equal(ORDER_U.verdict({ ...m, violations: 1 }, c).status, 'fail');
  assert.equal(ORDER_A.verdict({ ...m, violations: 1 }, c).status, 'fail');
});

/** The Fig-2 flow's saves on the check's grid (dop853, rtol 1e-10), as checkPredictions records them. */
function fig2Records(): SimRecord[] {
  const tEnd = 1e5;
  const grid = [0];
  for (let k = 0; k <= 60; k++) grid.push(tEnd / Math.pow(10, (60 - k) / 10));
  return simulate(fig2, { method: 'dop853', rtol: 1e-10, atol: 1e-12, tEnd, saveAt: grid }).records as SimRecord[];
}

test('P-8b and P-8c: the rates hold on the Fig-2 flow; records with ‖V‖ growing twice as fast, or ε = (1 − max σ)^1.5, are rejected', () => {
  const P = resolveProblem(fig2);
  const c = polarizationCase(P, { tEnd: 1e5 });
  const label = P.labels![0]!;
  const records = fig2Records();
  const rates = (recs: readonly SimRecord[]) => measureLogisticRates(recs, 1e5, P.n, c.bNorm, label);
  const good = rates(records);
  assert.equal(good.regime, 'asymptotic');
  const check = checkPredictions(fig2);
  for (const p of [NORMV_SLOPE, EPS_GAP_CONSTANT, EPS_SLOPE_GAP, EPS_SLOPE_LOGT]) {
    const v = p.verdict(good, c);
    assert.equal(v.status, 'pass', `${p.name}: ${String(v.measured)} (${v.tolerance})`);
    // measure() on the saves gives the number `vsflow check` reports (the same flow, integrated again).
    assertClose(v.measured as number, get(check, p.name).measured as number, { rtol: 1e-6, label: p.name });
  }
  assert.equal(NORMV_SLOPE.id, 'P-8b');
  assert.deepEqual([EPS_GAP_CONSTANT.id, EPS_SLOPE_GAP.id, EPS_SLOPE_LOGT.id], ['P-8c', 'P-8c', 'P-8c']);
  // P-8b violated: ‖V‖_F + (1/‖β‖)·log t doubles the slope against log t.
  const fastV = records.map((r) => (r.t > 0 ? { ...r, normV: r.normV + Math.log(r.t) / c.bNorm } : r));
  const v = NORMV_SLOPE.verdict(rates(fastV), c);
  assert.equal(v.status, 'fail');
  assertClose(v.measured as number, (get(check, 'normv-slope').measured as number) + 1 / c.bNorm, { rtol: 1e-9, label: 'doubled slope' });
  // P-8c violated: ε^1.5 has exponent −3 against G and against log t, and ε·G² → 0.
  const fastEps = records.map((r) => ({ ...r, oneMinusMax: (r.oneMinusMax as number) ** 1.5 }));
  const bad = rates(fastEps);
  for (const p of [EPS_GAP_CONSTANT, EPS_SLOPE_GAP, EPS_SLOPE_LOGT]) assert.equal(p.verdict(bad, c).status, 'fail', p.name);
  assertClose(EPS_SLOPE_GAP.verdict(bad, c).measured as number, 1.5 * (get(check, 'eps-slope-gap').measured as number), { rtol: 1e-9, label: 'slope ×1.5' });
});

/** ‖J u‖²/(2ε‖b‖²) of one logistic record, with σ from its logits (or the given σ). */
function juRatio(r: SimRecord, label: number, bNorm: number, sigma?: number[]): number {
  const a = r.a as number[];
  const u = r.u!.map((x) => label * x);
  const mx = Math.max(...a);
  const e = a.map((x) => Math.exp(x - mx));
  const s = sigma ?? e.map((x) => x / e.reduce((p, q) => p + q, 0));
  const z = s.reduce((acc, sj, j) => acc + sj * u[j]!, 0);
  const ju2 = s.reduce((acc, sj, j) => acc + (sj * (u[j]! - z)) ** 2, 0);
  const eps = 1 - Math.max(...s);
  return ju2 / (2 * eps * bNorm * bNorm);
}

test('P-8d: ‖J u‖² ≈ 2ε‖b‖² in the polarised regime of the Fig-2 flow; a σ with all the losers\' mass on one token breaks it', () => {
  const P = resolveProblem(fig2);
  const c = polarizationCase(P, { tEnd: 1e5 });
  const label = P.labels![0]!;
  const last = fig2Records().at(-1)!;
  // Next-order terms are O(1/G) with G ≈ 10 at t = 1e5 (as for ε·G², P-8c): tolerance 0.2.
  const ratio = juRatio(last, label, c.bNorm);
  assert.ok(Math.abs(ratio - 1) <= 0.2, `‖Ju‖²/(2ε‖b‖²) = ${ratio}`);
  // The same ε, but carried by the nearest loser alone (not the flow's loser weights 2/(nG²)).
  const m = last.argmax as number;
  const u = last.u!.map((x) => label * x);
  let j = m === 0 ? 1 : 0;
  for (let k = 0; k < u.length; k++) if (k !== m && u[k]! > u[j]!) j = k;
  const eps = last.oneMinusMax as number;
  const lopsided = u.map((_, k) => (k === m ? 1 - eps : k === j ? eps : 0));
  const bad = juRatio(last, label, c.bNorm, lopsided);
  assert.ok(Math.abs(bad - 1) > 0.2, `lopsided σ: ratio ${bad}`);
});
