/**
 * Parameters of the training sims (`vsflow sim train-… --describe / --set`): every sim declares
 * seeds, steps, lr, batchSize (and the attention variant where it has several) as data; their
 * defaults at each scale are the settings the sim always ran (so a run without --set is
 * unchanged); --set values reach the training runs, config.params and the changed list; bad
 * values are one-line OptionErrors. Runs here are a few steps at tiny batch sizes (seconds).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../../src/core/errors.js';
import { resolveTrainConfig } from '../../src/train/index.js';
import { describeSim, resolveSimParams, runSim, sims } from '../../sims/index.js';
import { trainRunPlan, type TrainSimSpec } from '../../sims/_train.js';
import { ICL_SPEC } from '../../sims/_icl.js';
import { SPEC as CLS } from '../../sims/train-classification-cls.js';
import { SPEC as IND } from '../../sims/train-induction-sinks.js';
import { SPEC as EUR } from '../../sims/train-eureka.js';

const training = sims.filter((s) => s.heavy === true);
const specOf = (id: string): TrainSimSpec => (id.startsWith('train-icl') ? ICL_SPEC : id === CLS.id ? CLS : id === IND.id ? IND : id === EUR.id ? EUR : assert.fail(id));

test('every training sim declares seeds, steps, lr, batchSize (and attention with several variants), listed by --describe', () => {
  assert.ok(training.length >= 8);
  for (const s of training) {
    const spec = specOf(s.id);
    const names = (s.parameters ?? []).map((p) => p.name);
    assert.deepEqual(names, ['seeds', 'steps', 'lr', 'batchSize', ...(spec.variants.length > 1 ? ['attention'] : [])], s.id);
    const text = describeSim(s);
    for (const n of names) assert.match(text, new RegExp(`\\n    ${n} `), `${s.id} --describe lists ${n}`);
    assert.equal(s.fixedInit, undefined, `${s.id}: --seed is honoured`);
  }
});

test('defaults per scale reproduce the runs the sims always made (seeds 0 … n − 1, the task config of the scale)', () => {
  for (const s of training) {
    const spec = specOf(s.id);
    for (const scale of ['quick', 'medium', 'paper'] as const) {
      const { params, changed } = resolveSimParams(s, scale === 'quick', {}, 'params', scale);
      assert.deepEqual(changed, []);
      const plan = trainRunPlan(spec, { quick: scale === 'quick', scale, seed: undefined, params });
      const seeds = scale === 'quick' ? spec.quickSeeds : scale === 'medium' ? (spec.mediumSeeds ?? spec.seeds) : spec.seeds;
      assert.deepEqual(plan.seeds, [...seeds], `${s.id} ${scale} seeds`);
      assert.deepEqual(plan.variants, [...spec.variants], `${s.id} ${scale} variants`);
      const base = resolveTrainConfig(spec.task, scale === 'quick' ? (spec.quickOverrides ?? {}) : {}, scale);
      const withParams = resolveTrainConfig(spec.task, plan.overrides, scale);
      for (const k of ['steps', 'lr', 'batchSize'] as const) assert.equal(withParams[k], base[k], `${s.id} ${scale} ${k}`);
    }
  }
});

test('--set values reach the runs, config.params and the changed list; --seed trains that seed alone', async () => {
  const r = await runSim(CLS.id, { quick: true, params: { steps: 3, batchSize: 8, seeds: 2, lr: 0.01 } });
  assert.deepEqual(r.config.params, { seeds: 2, steps: 3, lr: 0.01, batchSize: 8 });
  assert.deepEqual([...r.changed].sort(), ['batchSize', 'lr', 'seeds', 'steps']);
  const runs = (r.config as { runs: { steps: number; batchSize: number; lr: number; seed: number }[] }).runs;
  assert.deepEqual(runs.map((c) => [c.seed, c.steps, c.batchSize, c.lr]), [[0, 3, 8, 0.01], [1, 3, 8, 0.01]]);
  const one = await runSim(CLS.id, { quick: true, seed: 7, params: { steps: 2, batchSize: 8 } });
  assert.deepEqual((one.config as { seeds: number[] }).seeds, [7]);
  assert.equal(one.meta.seed, 7);
});

test('attention=<variant> trains that variant alone; its claims over variants are inconclusive, not failed', async () => {
  const r = await runSim('train-icl-entropy-collapse', { quick: true, params: { attention: 'softmax', steps: 2, batchSize: 8, seeds: 1 } });
  assert.deepEqual((r.config as { variants: string[] }).variants, ['softmax']);
  assert.ok(r.claims.length > 0);
  for (const c of r.claims) assert.notEqual(c.status, 'pass', `${c.id}: one seed cannot pass`);
  assert.ok(r.figures.some((f) => f.name === 'fig1'));
});

test('bad parameter values are OptionErrors naming the parameter', async () => {
  for (const [params, what] of [[{ steps: 0 }, /steps/], [{ seeds: 1.5 }, /seeds/], [{ lr: -1 }, /lr/], [{ attention: 'relu' }, /attention/], [{ width: 3 }, /width/]] as const) {
    await assert.rejects(runSim(EUR.id, { quick: true, params: params as Record<string, number | string> }), (e: unknown) => e instanceof OptionError && what.test(e.message));
  }
});
