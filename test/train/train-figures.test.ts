/**
 * Every figure of every training sim, from smoke-scale runs (a few steps, tiny widths; seconds):
 * follows the figure conventions, has no raw underscore in any visible text (notebook and paper
 * versions, figure titles included: write <sub>…</sub>), prints without a baked title and writes a
 * complete tidy CSV. The theory sims' figures are checked by test/sims/sim-figures.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figureIssues, rawUnderscores } from '../../src/plot/index.js';
import { figureCsv } from '../../src/plot/figure-csv.js';
import { paperFigure } from '../../src/plot/paper-style.js';
import type { TrainConfig } from '../../src/train/index.js';
import { sims } from '../../sims/index.js';
import { runTrainSim, trainSimResult, type TrainSimSpec } from '../../sims/_train.js';
import { ICL_SPEC } from '../../sims/_icl.js';
import { fig1 } from '../../sims/train-icl-entropy-collapse.js';
import { SPEC as CLS } from '../../sims/train-classification-cls.js';
import { SPEC as IND } from '../../sims/train-induction-sinks.js';
import { SPEC as EUR } from '../../sims/train-eureka.js';

type Obj = Record<string, any>;

const SMOKE: Record<string, { spec: TrainSimSpec; overrides: Partial<TrainConfig> }> = {
  icl: { spec: ICL_SPEC, overrides: { steps: 4, batchSize: 8, layers: 2, metricsEvery: 1, metricSamples: 2, snapshotEvery: 2 } },
  cls: { spec: CLS, overrides: { steps: 3, batchSize: 8, width: 8, evalSize: 8, evalEvery: 1 } },
  ind: { spec: IND, overrides: { steps: 2, batchSize: 4, width: 8, heads: 2, mlp: 8, evalSize: 4, evalEvery: 1, metricsEvery: 1, metricSamples: 2 } },
  eur: { spec: EUR, overrides: { steps: 3, batchSize: 16, width: 8, heads: 2, mlp: 8, evalSize: 16, evalEvery: 1, metricsEvery: 1, metricSamples: 2 } },
};

const training = sims.filter((s) => s.heavy === true);

test('training sims: titles and descriptions have no raw underscores', () => {
  assert.ok(training.length >= 8, `${training.length} training sims`);
  for (const s of training) for (const [where, text] of [['title', s.title], ['reproduces', s.reproduces]] as const) assert.ok(!text.includes('_'), `${s.id} ${where}: ${text}`);
});

test('training sims: every figure of a smoke run follows the conventions, is typeset, prints without a title and writes a complete CSV', async () => {
  const results = new Map<string, Awaited<ReturnType<typeof runTrainSim>>>();
  for (const [k, c] of Object.entries(SMOKE)) results.set(k, await runTrainSim(c.spec, { quick: true, seed: undefined }, c.overrides));
  const taskOf: Record<string, string> = { 'icl-regression': 'icl', classification: 'cls', induction: 'ind', eureka: 'eur' };
  for (const s of training) {
    const task = s.id.startsWith('train-icl') ? 'icl' : s.id === CLS.id ? 'cls' : s.id === IND.id ? 'ind' : s.id === EUR.id ? 'eur' : undefined;
    assert.ok(task !== undefined && taskOf[SMOKE[task]!.spec.task] === task, `${s.id}: a smoke setting`);
    const result = JSON.parse(JSON.stringify(trainSimResult(s.id, results.get(task)!, true, [])));
    const figs = s.figures(result);
    assert.ok(figs.length > 0, `${s.id}: figures`);
    for (const f of figs) {
      const where = `${s.id}/${f.name}`;
      assert.deepEqual(figureIssues(f.figure), [], `${where}: conventions`);
      assert.deepEqual(rawUnderscores(f.figure), [], `${where}: raw underscores`);
      assert.ok(!f.title.includes('_'), `${where} title ${f.title}: write <sub>…</sub>`);
      const p = paperFigure(f.figure);
      assert.equal((p.layout as Obj).title, undefined, `${where}: no baked title`);
      assert.deepEqual(rawUnderscores(p), [], `${where}: paper version, raw underscores`);
      const rows = figureCsv(f.figure, {}).trimEnd().split('\n');
      const points = (f.figure.data as Obj[]).filter((t) => t.meta?.legendOnly !== true).reduce((n, t) => n + (Array.isArray(t.z) ? t.z.flat().length : Math.max(t.x?.length ?? 0, t.y?.length ?? 0)), 0);
      assert.equal(rows.length - 1, points, `${where}: one CSV row per point`);
    }
  }
});

test("train-icl-entropy-collapse fig1: the paper's Fig. 1 as (a) loss, (b) gradient norm, (c) layer-1 entropy over one shared step axis, first seed, softmax-based dashed", async () => {
  const r = await runTrainSim(ICL_SPEC, { quick: true, seed: undefined }, { ...SMOKE.icl!.overrides, steps: 3 });
  const f = fig1(r);
  const L = f.figure.layout as Obj;
  assert.deepEqual(L.meta.panels, { rows: 1, cols: 3 });
  assert.deepEqual([L.yaxis.title.text, L.yaxis2.title.text, L.yaxis3.title.text].map((t: string) => t.split(' ')[0]), ['loss', 'gradient', 'entropy']);
  assert.equal(L.xaxis2.matches, 'x');
  assert.equal(L.xaxis3.matches, 'x');
  assert.deepEqual((L.annotations as Obj[]).filter((a) => a.meta?.panelLetter).map((a) => a.text), ['(a)', '(b)', '(c)']);
  const runs = (f.figure.data as Obj[]).filter((t) => t.meta?.reference === undefined && t.meta?.legendOnly !== true && ICL_SPEC.variants.includes(t.name));
  assert.equal(runs.length, 3 * ICL_SPEC.variants.length, 'one line per kind and panel (first seed only)');
  for (const t of runs) assert.equal(t.line.dash, t.name === 'softmax' || t.name === 'qk-layernorm' ? 'dash' : 'solid', t.name);
  const uniform = (f.figure.data as Obj[]).find((t) => t.yaxis === 'y3' && t.meta?.reference === 'horizontal');
  assert.equal(uniform?.line.dash, 'dot', 'log N dotted');
  assert.ok(Math.abs(uniform.y[0] - Math.log(r.runs[0]!.config.iclContext + 1)) < 1e-12);
});
