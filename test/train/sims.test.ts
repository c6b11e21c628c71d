/**
 * The training sims at smoke scale: they run, their claims are well-formed, and their figures
 * pass the project's figure checks (labelled axes, unsimplified lines, palette).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figureIssues } from '../../src/plot/figure-check.js';
import { runTrainSim, trainSimResult } from '../../sims/_train.js';
import icl, { SPEC as ICL, iclClaims } from '../../sims/train-icl-entropy-collapse.js';
import cls, { SPEC as CLS, clsClaims } from '../../sims/train-classification-cls.js';
import induction, { SPEC as IND, inductionClaims } from '../../sims/train-induction-sinks.js';
import eureka, { SPEC as EUR, eurekaClaims } from '../../sims/train-eureka.js';

const cases = [
  { def: icl, spec: ICL, claims: iclClaims, smoke: { steps: 3, batchSize: 8, layers: 2, metricsEvery: 1, metricSamples: 2 } },
  { def: cls, spec: CLS, claims: clsClaims, smoke: { steps: 3, batchSize: 8, width: 8, evalSize: 8, evalEvery: 1 } },
  { def: induction, spec: IND, claims: inductionClaims, smoke: { steps: 2, batchSize: 4, width: 8, heads: 2, mlp: 8, evalSize: 4, evalEvery: 1, metricsEvery: 1, metricSamples: 2 } },
  { def: eureka, spec: EUR, claims: eurekaClaims, smoke: { steps: 3, batchSize: 16, width: 8, heads: 2, mlp: 8, evalSize: 16, evalEvery: 1, metricsEvery: 1, metricSamples: 2 } },
] as const;

test('training sims: smoke runs give claims and valid figures', async () => {
  for (const c of cases) {
    const r = await runTrainSim(c.spec, { quick: true, seed: 0 }, c.smoke);
    assert.equal(r.meta.precision, 'float32');
    assert.equal(r.meta.backend, 'wasm');
    assert.equal(r.runs.length, c.spec.variants.length);
    const result = trainSimResult(c.def.id, r, true, c.claims(r));
    assert.ok(result.claims.length > 0, `${c.def.id}: claims`);
    for (const claim of result.claims) assert.equal(typeof claim.pass, 'boolean', `${c.def.id} ${claim.id}`);
    const figs = c.def.figures(JSON.parse(JSON.stringify(result)));
    assert.ok(figs.length > 0, `${c.def.id}: figures`);
    for (const f of figs) assert.deepEqual(figureIssues(f.figure), [], `${c.def.id}/${f.name}`);
  }
});
