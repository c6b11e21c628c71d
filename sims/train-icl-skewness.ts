/**
 * Row skewness of layer-1 attention during in-context-regression training (softmax-instability
 * paper, App. C, Fig. 6; E-6, T-1k, T-1l in theory/training-predictions.md): softmax rows become
 * strongly right-skewed, close to the one-hot maximum (N − 2)/√(N − 1); kernel rows stay less
 * skewed. Same runs as train-icl-entropy-collapse (sims/_icl.ts).
 */
import type { TrainManyResult } from '../src/train/index.js';
import { figure } from '../src/plot/index.js';
import type { NamedFigure } from '../src/plot/figure-types.js';
import { rowSkewness } from '../src/core/attention-metrics.js';
import { seriesColor } from '../src/plot/palette.js';
import type { SimDefinition, SimResult } from './types.js';
import { stepFigure, trainSimResult } from './_train.js';
import { ICL_PARAMETERS, iclRuns, skewnessClaims } from './_icl.js';

/** Sim id. */
export const ID = 'train-icl-skewness';

/** Histogram of the layer-1 weights of the snapshot with the largest mean row skewness, per kind (first seed): Fig. 6 right. */
export function weightHistogram(r: TrainManyResult): NamedFigure {
  const seed = r.config.seeds[0];
  const data = r.config.variants.flatMap((kind, i) => {
    const run = r.runs.find((x) => x.summary.attention === kind && x.config.seed === seed);
    let best: { step: number; P: readonly number[]; s: number } | null = null;
    for (const rec of run?.records ?? []) {
      if (rec.snapshot === undefined || !Number.isFinite(rec.loss) || !rec.snapshot.every(Number.isFinite)) continue;
      const N = Math.round(Math.sqrt(rec.snapshot.length));
      const P = Float64Array.from(rec.snapshot);
      let s = 0;
      for (let row = 0; row < N; row++) s += rowSkewness(P, row * N, N);
      s /= N;
      if (best === null || s > best.s) best = { step: rec.step, P: rec.snapshot, s };
    }
    if (best === null) return [];
    return [{ type: 'histogram', name: `${kind} (step ${best.step}, skewness ${best.s.toFixed(2)})`, x: [...best.P], opacity: 0.6, marker: { color: seriesColor(i) }, xbins: { start: 0, end: 1.02, size: 0.02 } }];
  });
  const title = `Layer-1 attention weights at each kind's most skewed snapshot (seed ${seed}), Fig. 6 right`;
  return { name: 'weights-at-max-skewness', title, figure: figure({ title, x: { title: 'attention weight P<sub>ij</sub>', range: [0, 1.02] }, y: { title: 'count of entries' }, data, layout: { barmode: 'overlay' } }) };
}

const sim: SimDefinition = {
  id: ID,
  title: 'Training: row skewness of attention in in-context regression',
  paper: 'lipschitz',
  reproduces: 'App. C, Fig. 6: softmax row skewness rises towards the one-hot maximum; kernels stay lower',
  heavy: true,
  parameters: ICL_PARAMETERS,
  theoryIds: ['E-6', 'T-1k', 'T-1l'],
  async run(ctx): Promise<SimResult> {
    const r = await iclRuns(ctx);
    return trainSimResult(ID, r, ctx.quick, skewnessClaims(r));
  },
  figures(result) {
    const r = result.data as TrainManyResult;
    const N = (r.config.runs[0]?.iclContext ?? 19) + 1;
    return [
      stepFigure(r, 'skewness-layer1', 'Layer-1 mean row skewness of P (E-6), Fig. 6 left', { title: 'row skewness' }, (x) => (x.layers && Number.isFinite(x.loss) ? x.layers[0]!.skewness : undefined), [{ value: (N - 2) / Math.sqrt(N - 1), name: 'one-hot row (N−2)/√(N−1)' }]),
      weightHistogram(r),
    ];
  },
};

export default sim;
