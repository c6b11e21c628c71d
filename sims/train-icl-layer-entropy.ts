/**
 * Per-layer attention entropy during in-context-regression training (softmax-instability paper,
 * App. D, Fig. 7; T-1d in theory/training-predictions.md): the kernels keep high entropy in all
 * layers, softmax has its lowest entropy in the early layers. Same runs as
 * train-icl-entropy-collapse (sims/_icl.ts).
 */
import type { TrainManyResult } from '../src/train/index.js';
import { figure, horizontalLine, lineTrace } from '../src/plot/index.js';
import type { NamedFigure } from '../src/plot/figure-types.js';
import type { SimDefinition, SimResult } from './types.js';
import { trainSimResult } from './_train.js';
import { ICL_PARAMETERS, ICL_SPEC, finiteMetricRecords, iclRuns, layerEntropyClaims } from './_icl.js';

/** Sim id. */
export const ID = 'train-icl-layer-entropy';

/** One figure per attention kind: every layer's entropy over training (first seed). */
export function layerEntropyFigures(r: TrainManyResult): NamedFigure[] {
  const seed = r.config.seeds[0];
  return r.config.variants.map((kind) => {
    const run = r.runs.find((x) => x.summary.attention === kind && x.config.seed === seed);
    const recs = run === undefined ? [] : finiteMetricRecords(run);
    const N = (run?.config.iclContext ?? 19) + 1;
    const L = run?.config.layers ?? 0;
    const maxStep = Math.max(1, ...recs.map((x) => x.step + 1));
    const data = Array.from({ length: L }, (_, l) =>
      lineTrace({ name: `layer ${l + 1}`, x: recs.map((x) => x.step + 1), y: recs.map((x) => x.layers![l]!.entropy), index: l }),
    );
    data.push(horizontalLine(Math.log(N), [1, maxStep], { name: 'log N (uniform)' }));
    const title = `${kind}: attention entropy of each layer (seed ${seed}), Fig. 7`;
    return { name: `entropy-by-layer-${kind}`, title, figure: figure({ title, x: { title: 'training step', log: true }, y: { title: 'entropy H(P)', unit: 'nats' }, data }) };
  });
}

const sim: SimDefinition = {
  id: ID,
  title: 'Training: attention entropy of every layer in in-context regression',
  paper: 'lipschitz',
  reproduces: 'App. D, Fig. 7: kernels keep high entropy in all layers; softmax is lowest in the early layers',
  heavy: true,
  parameters: ICL_PARAMETERS,
  theoryIds: ['E-4', 'T-1d'],
  async run(ctx): Promise<SimResult> {
    const r = await iclRuns(ctx);
    return trainSimResult(ID, r, ctx.quick, layerEntropyClaims(r));
  },
  figures: (result) => layerEntropyFigures(result.data as TrainManyResult),
};

export { ICL_SPEC as SPEC };
export default sim;
