/**
 * Induction heads and attention sinks (gradient-flow-polarizes-softmax paper, Fig. 1 and 4;
 * theory A.6, T-2 in theory/training-predictions.md): a 2-layer causal transformer learns the
 * induction task; among runs above 0.95 accuracy, layer-2 heads of the *normalised* kinds (rows
 * sum to 1: softmax, the row-normalised ELU+1 kernel) become BOS sinks (score > 0.9) more often
 * than those of the *unnormalised* kinds (sigmoid without normalisation, `sigmoid_unnorm` of the
 * authors' code; the raw scaled dot product, `raw_dotproduct_unnorm`), pooled over heads, seeds
 * and learning rates as in the paper's Fig. 4. Sinks are measured at the end of a fixed number of
 * steps at medium scale (no early stop). Quick run: 1 seed, early stop (claims inconclusive by
 * design). See TASK_QUICK / TASK_MEDIUM for the sizes and their deviations from the paper.
 */
import type { TrainManyResult } from '../src/train/index.js';
import { isRowStochastic } from '../src/train/index.js';
import type { Claim } from '../src/core/claim.js';
import { figure, horizontalLine, legendKey, lineTrace, seriesColor } from '../src/plot/index.js';
import type { SimDefinition, SimResult } from './types.js';
import { SEED_DASHES, heatmapFigure, runKey, runTrainSim, trainParameters, trainSimResult, type TrainSimSpec } from './_train.js';
import { differenceClaim, proportionClaim } from './_train-claims.js';

/** The runs of this sim: two normalised and two unnormalised kinds. */
export const SPEC: TrainSimSpec = { id: 'train-induction-sinks', task: 'induction', variants: ['softmax', 'elu1-kernel', 'sigmoid', 'raw-dot'], seeds: [0, 1, 2, 3, 4], quickSeeds: [0], mediumSeeds: [0, 1, 2, 3, 4] };

/** Is this run's attention normalised (rows are probability vectors)? */
function normalised(run: TrainManyResult['runs'][number]): boolean {
  return isRowStochastic(run.config.attention, run.config.rowNormalize);
}

/** Sink heads / heads of layer 2 at the end, over runs above 0.95 accuracy (pooled). */
function pooledSinks(runs: TrainManyResult['runs']): { k: number; n: number; runs: number; runsWithSink: number } {
  let k = 0;
  let n = 0;
  let m = 0;
  let withSink = 0;
  for (const run of runs) {
    const last = run.evals.at(-1);
    if (last?.sink === undefined || !(last.accuracy > 0.95)) continue;
    m++;
    n += last.sink.length;
    const sinks = last.sink.filter((x) => x > 0.9).length;
    k += sinks;
    if (sinks > 0) withSink++;
  }
  return { k, n, runs: m, runsWithSink: withSink };
}

/** Claims T-2 (pure; every verdict over seeds with a 95 % interval). */
export function inductionClaims(r: TrainManyResult): Claim[] {
  const kinds = [...new Set(r.runs.map((x) => x.summary.attention))];
  const claims: Claim[] = kinds.map((kind) => {
    const rs = r.runs.filter((x) => x.summary.attention === kind);
    const acc = rs.filter((x) => (x.summary.finalAccuracy ?? 0) > 0.95).length;
    const lrs = [...new Set(rs.map((x) => x.config.lr))].join(', ');
    return proportionClaim({ id: 'T-2a', statement: `${kind} (lr ${lrs}): runs reaching induction accuracy > 0.95 (the sink metric is only defined for those)`, predicted: 'most runs' }, acc, rs.length, 0.5, 'above', rs.length);
  });
  const norm = pooledSinks(r.runs.filter(normalised));
  const unnorm = pooledSinks(r.runs.filter((x) => !normalised(x)));
  const soft = pooledSinks(r.runs.filter((x) => x.summary.attention === 'softmax'));
  const elu = pooledSinks(r.runs.filter((x) => x.summary.attention === 'elu1-kernel'));
  const heads = 'heads pooled over runs, seeds and learning rates as in the paper\'s Fig. 4; heads of one run are not independent, so the interval is optimistic';
  claims.push(
    differenceClaim(
      { id: 'T-2b', statement: 'layer-2 sink-head proportion (score > 0.9, runs above 0.95 accuracy): normalised kinds higher than unnormalised kinds (paper Fig. 4)', predicted: 'p(normalised) − p(unnormalised) > 0' },
      { label: `normalised (${norm.runs} runs)`, k: norm.k, n: norm.n },
      { label: `unnormalised (${unnorm.runs} runs)`, k: unnorm.k, n: unnorm.n },
      norm.runs + unnorm.runs,
      heads,
    ),
    differenceClaim(
      { id: 'T-2c', statement: 'layer-2 sink-head proportion: softmax higher than the unnormalised kinds (paper Fig. 1: a sink for softmax, none for sigmoid and linear)', predicted: 'p(softmax) − p(unnormalised) > 0' },
      { label: `softmax (${soft.runs} runs)`, k: soft.k, n: soft.n },
      { label: `unnormalised (${unnorm.runs} runs)`, k: unnorm.k, n: unnorm.n },
      soft.runs + unnorm.runs,
      heads,
    ),
    // Runs are the independent units: the same contrast counted per run, not per head.
    differenceClaim(
      { id: 'T-2e', statement: 'runs (above 0.95 accuracy) with at least one layer-2 sink head: normalised kinds more often than unnormalised kinds (Fig. 4, counted per run)', predicted: 'p(normalised) − p(unnormalised) > 0' },
      { label: 'normalised', k: norm.runsWithSink, n: norm.runs },
      { label: 'unnormalised', k: unnorm.runsWithSink, n: unnorm.runs },
      norm.runs + unnorm.runs,
      'runs as the independent units (seeds × kinds)',
    ),
    proportionClaim(
      { id: 'T-2d', statement: 'the row-normalised ELU+1 kernel forms BOS sinks too: most of its layer-2 heads score > 0.9 [reconstructed: the paper attributes sinks to normalisation]', predicted: '> 0.5 of heads' },
      elu.k,
      elu.n,
      0.5,
      'above',
      elu.runs,
      heads,
    ),
  );
  return claims;
}

const sim: SimDefinition = {
  id: SPEC.id,
  title: 'Training: induction heads and BOS attention sinks (normalised vs unnormalised attention)',
  paper: 'polarization',
  reproduces: 'Fig. 1 (layer-2 heat maps: a BOS sink for softmax, none for unnormalised sigmoid and linear) and Fig. 4 (sink-head proportion, with vs without normalisation)',
  heavy: true,
  parameters: trainParameters(SPEC),
  theoryIds: ['T-2'],
  async run(ctx): Promise<SimResult> {
    const r = await runTrainSim(SPEC, ctx);
    return trainSimResult(SPEC.id, r, ctx.quick, inductionClaims(r));
  },
  figures(result) {
    const r = result.data as TrainManyResult;
    const data: Record<string, unknown>[] = [];
    const sinkData: Record<string, unknown>[] = [];
    let maxStep = 1;
    // Colour per kind; accuracy: dash per seed; sink scores: dash per head (seeds share it). The
    // legend is a key of kinds and dashes; each run's trace keeps its full name (CSV, hover).
    // Linear steps: evaluations are every evalEvery steps (a log axis left its left half empty).
    const kinds = [...new Set(r.runs.map((x) => x.summary.attention))];
    const colourOf = (kind: string): number => Math.max(0, r.config.variants.indexOf(kind));
    let heads = 0;
    r.runs.forEach((run) => {
      const vi = colourOf(run.summary.attention);
      const seedIndex = r.config.seeds.indexOf(run.config.seed);
      maxStep = Math.max(maxStep, run.stepsDone);
      const steps = run.evals.map((e) => e.step);
      data.push(lineTrace({ name: `${run.summary.attention} seed ${run.config.seed}`, x: steps, y: run.evals.map((e) => e.accuracy), index: vi, mode: 'lines+markers', dash: SEED_DASHES[seedIndex % SEED_DASHES.length]!, showlegend: false }));
      const h0 = run.evals[0]?.sink?.length ?? 0;
      heads = Math.max(heads, h0);
      for (let h = 0; h < h0; h++) sinkData.push(lineTrace({ name: `${run.summary.attention} seed ${run.config.seed} head ${h}`, x: steps, y: run.evals.map((e) => e.sink![h]!), index: vi, dash: SEED_DASHES[h % SEED_DASHES.length]!, showlegend: false }));
    });
    const kindKey = kinds.map((k) => legendKey(k, 'solid', seriesColor(colourOf(k))));
    data.push(...kindKey, ...runKey([], r.config.seeds));
    sinkData.push(...kindKey, ...Array.from({ length: heads }, (_, h) => legendKey(`head ${h}`, SEED_DASHES[h % SEED_DASHES.length]!)));
    data.push(horizontalLine(0.95, [0, maxStep], { name: 'accuracy 0.95 (runs counted for sinks)' }));
    sinkData.push(horizontalLine(0.9, [0, maxStep], { name: 'sink threshold 0.9' }));
    const out = [
      { name: 'accuracy', title: 'Induction accuracy (held-out)', figure: figure({ title: 'Held-out induction accuracy at the query position', x: { title: 'training step' }, y: { title: 'accuracy', range: [0, 1] }, data }) },
      { name: 'sink-scores', title: 'Layer-2 sink scores per head', figure: figure({ title: 'Layer-2 sink score per head (share of attention on BOS, query rows 1–9; every seed)', x: { title: 'training step' }, y: { title: 'sink score', range: [0, 1] }, data: sinkData }) },
    ];
    const firstSeed = r.runs.filter((x) => x.config.seed === r.config.seeds[0]);
    for (const run of firstSeed) {
      const layer2 = run.attentionMaps[1];
      if (layer2 === undefined) continue;
      const n = Math.round(Math.sqrt(layer2[0]!.length));
      const labels = ['BOS', ...Array.from({ length: n - 2 }, (_, i) => `t${i + 1}`), 'q'];
      // A kind run at two learning rates (EXTRA) gets the rate in its figure names.
      const twice = firstSeed.filter((x) => x.summary.attention === run.summary.attention).length > 1;
      const tag = twice ? `-lr${run.config.lr}` : '';
      layer2.forEach((P, h) => out.push(heatmapFigure(`heatmap-${run.summary.attention}${tag}-head${h}`, `Layer-2 attention, ${run.summary.attention}${twice ? ` (lr ${run.config.lr})` : ''}, head ${h}`, P, n, labels)));
    }
    return out;
  },
};

export default sim;
