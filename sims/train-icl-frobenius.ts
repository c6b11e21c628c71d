/**
 * ‖P‖_F of layer-1 attention during in-context-regression training and its link to the gradient
 * norm (softmax-instability paper, Sec. 3.5, Fig. 5; E-7, T-1g … T-1j in
 * theory/training-predictions.md): softmax's ‖P‖_F rises to √N (one-hot rows) together with the
 * gradient norm, the kernels stay near 1 (uniform rows). Same runs as train-icl-entropy-collapse
 * (sims/_icl.ts).
 */
import type { TrainManyResult } from '../src/train/index.js';
import { figure, lineTrace } from '../src/plot/index.js';
import type { SimDefinition, SimResult } from './types.js';
import { stepFigure, trainSimResult } from './_train.js';
import { ICL_PARAMETERS, finiteMetricRecords, frobeniusClaims, iclRuns } from './_icl.js';

/** Sim id. */
export const ID = 'train-icl-frobenius';

const sim: SimDefinition = {
  id: ID,
  title: 'Training: ‖P‖<sub>F</sub> of attention and the gradient norm in in-context regression',
  paper: 'lipschitz',
  reproduces: 'Sec. 3.5, Fig. 5: softmax ‖P‖<sub>F</sub> → √N with the gradient norm; ReLU/ELU+1 kernels ‖P‖<sub>F</sub> ≈ 1',
  heavy: true,
  parameters: ICL_PARAMETERS,
  theoryIds: ['E-7', 'E-8', 'T-1g', 'T-1h', 'T-1i', 'T-1j'],
  async run(ctx): Promise<SimResult> {
    const r = await iclRuns(ctx);
    return trainSimResult(ID, r, ctx.quick, frobeniusClaims(r));
  },
  figures(result) {
    const r = result.data as TrainManyResult;
    const N = (r.config.runs[0]?.iclContext ?? 19) + 1;
    const scatter = r.config.variants.map((kind, i) => {
      const recs = r.runs.filter((x) => x.summary.attention === kind).flatMap((x) => finiteMetricRecords(x));
      return lineTrace({ name: kind, x: recs.map((x) => x.layers![0]!.frobenius), y: recs.map((x) => x.gradNorm), index: i, mode: 'markers' });
    });
    const title = 'Layer-1 ‖P‖<sub>F</sub> against the gradient norm (every seed and metric step), Fig. 5 right';
    return [
      stepFigure(r, 'frobenius-layer1', 'Layer-1 ‖P‖<sub>F</sub> (E-7) per step, Fig. 5 left', { title: '‖P‖<sub>F</sub>' }, (x) => (x.layers && Number.isFinite(x.loss) ? x.layers[0]!.frobenius : undefined), [
        { value: 1, name: '1 (uniform rows)' },
        { value: Math.sqrt(N), name: '√N (one-hot rows)' },
      ]),
      { name: 'frobenius-vs-gradient', title, figure: figure({ title, x: { title: '‖P‖<sub>F</sub> of layer 1' }, y: { title: 'gradient norm ‖∇L‖', log: true }, data: scatter }) },
    ];
  },
};

export default sim;
