/**
 * In-context linear regression with a 5-layer attention-only transformer (softmax-instability
 * paper, Sec. 3.1, Fig. 1; theory B.3, T-1a, b, c, e, f in theory/training-predictions.md):
 * softmax and QK-LayerNorm layer-1 attention entropy collapses towards 0 while the gradient norm
 * explodes and the loss diverges; the ReLU and ELU+1 kernels keep entropy near log N and train
 * stably. Model read from the code the paper builds on (Ahn et al.: output / n, query value
 * masked, init N(0, 0.05²)); lr 0.5, momentum 0.8 at every scale. The runs are shared with the
 * sims of Fig. 2, 5, 6 and 7 (sims/_icl.ts).
 */
import type { StepRecord, TrainManyResult } from '../src/train/index.js';
import type { SimDefinition, SimResult } from './types.js';
import { stepFigure, trainSimResult, type TrainSimSpec } from './_train.js';
import { ICL_SPEC, entropyCollapseClaims, iclRuns } from './_icl.js';

/** The runs of this sim (shared with the other in-context-regression sims). */
export const SPEC: TrainSimSpec = { ...ICL_SPEC, id: 'train-icl-entropy-collapse' };

/** Claims T-1a, b, c, e, f from a result (pure). */
export const iclClaims = (r: TrainManyResult): ReturnType<typeof entropyCollapseClaims> => entropyCollapseClaims(r);

const finite = (rec: StepRecord): boolean => rec.layers !== undefined && Number.isFinite(rec.loss);

const sim: SimDefinition = {
  id: SPEC.id,
  title: 'Training: softmax entropy collapse vs Lipschitz kernels in in-context regression',
  paper: 'lipschitz',
  reproduces: 'Sec. 3.1, Fig. 1: softmax/QK-LN layer-1 entropy collapses with exploding gradients; ReLU/ELU+1 kernels stay high-entropy and stable',
  heavy: true,
  theoryIds: ['E-4', 'E-5', 'T-1a', 'T-1b', 'T-1c', 'T-1e', 'T-1f'],
  async run(ctx): Promise<SimResult> {
    const r = await iclRuns(ctx);
    return trainSimResult(SPEC.id, r, ctx.quick, iclClaims(r));
  },
  figures(result) {
    const r = result.data as TrainManyResult;
    const n = (r.config.runs[0]?.iclContext ?? 19) + 1;
    return [
      stepFigure(r, 'loss', 'Training loss ½(ŷ − y)² per step', { title: 'loss', log: true }, (x) => (Number.isFinite(x.loss) ? x.loss : undefined)),
      stepFigure(r, 'gradient-norm', 'Global gradient norm per step', { title: 'gradient norm ‖∇L‖', log: true }, (x) => (Number.isFinite(x.gradNorm) ? x.gradNorm : undefined)),
      stepFigure(r, 'entropy-layer1', 'Layer-1 mean attention entropy (E-4), Fig. 1', { title: 'entropy H(P)', unit: 'nats' }, (x) => (finite(x) ? x.layers![0]!.entropy : undefined), [
        { value: Math.log(n), name: 'log N (uniform)' },
        { value: 0.2 * Math.log(n), name: '0.2·log N (collapse)' },
      ]),
      stepFigure(r, 'logit-variance', 'Layer-1 attention logit variance (E-5)', { title: 'logit variance', unit: 'logit²', log: true }, (x) => (finite(x) ? x.layers![0]!.logitVariance : undefined)),
    ];
  },
};

export default sim;
