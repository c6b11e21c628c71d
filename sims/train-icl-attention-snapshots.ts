/**
 * Snapshots of layer-1 attention during in-context-regression training (softmax-instability
 * paper, Sec. 3.2, Fig. 2; T-1m, T-1n in theory/training-predictions.md): softmax rows converge
 * to one-hot vectors, the kernel rows stay spread. Same runs as train-icl-entropy-collapse
 * (sims/_icl.ts); snapshots every `snapshotEvery` steps of sample 0.
 */
import type { TrainManyResult } from '../src/train/index.js';
import type { NamedFigure } from '../src/plot/figure-types.js';
import type { SimDefinition, SimResult } from './types.js';
import { heatmapFigure, trainSimResult } from './_train.js';
import { ICL_PARAMETERS, iclRuns, snapshotClaims } from './_icl.js';

/** Sim id. */
export const ID = 'train-icl-attention-snapshots';

/** Up to `count` finite snapshots of each kind (first seed), evenly spread over the run, as heat maps. */
export function snapshotFigures(r: TrainManyResult, count = 4): NamedFigure[] {
  const seed = r.config.seeds[0];
  return r.config.variants.flatMap((kind) => {
    const run = r.runs.find((x) => x.summary.attention === kind && x.config.seed === seed);
    const snaps = (run?.records ?? []).filter((x) => x.snapshot !== undefined && Number.isFinite(x.loss) && x.snapshot.every(Number.isFinite));
    if (snaps.length === 0) return [];
    const picks = [...new Set(Array.from({ length: Math.min(count, snaps.length) }, (_, i) => Math.round((i * (snaps.length - 1)) / Math.max(1, Math.min(count, snaps.length) - 1))))];
    return picks.map((i) => {
      const rec = snaps[i]!;
      const N = Math.round(Math.sqrt(rec.snapshot!.length));
      return heatmapFigure(`p-layer1-${kind}-step${rec.step}`, `${kind}: layer-1 attention P at step ${rec.step} (seed ${seed}), Fig. 2`, rec.snapshot!, N);
    });
  });
}

const sim: SimDefinition = {
  id: ID,
  title: 'Training: layer-1 attention matrices during in-context regression',
  paper: 'lipschitz',
  reproduces: 'Sec. 3.2, Fig. 2: softmax rows converge to one-hot vectors; Lipschitz-kernel rows stay spread',
  heavy: true,
  parameters: ICL_PARAMETERS,
  theoryIds: ['T-1m', 'T-1n'],
  async run(ctx): Promise<SimResult> {
    const r = await iclRuns(ctx);
    return trainSimResult(ID, r, ctx.quick, snapshotClaims(r));
  },
  figures: (result) => snapshotFigures(result.data as TrainManyResult),
};

export default sim;
