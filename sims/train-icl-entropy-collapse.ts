/**
 * In-context linear regression with a 5-layer attention-only transformer (softmax-instability
 * paper, Sec. 3.1, Fig. 1–2; theory B.3, T-1 in theory/training-predictions.md): softmax attention
 * entropy collapses towards 0 while the gradient norm explodes and the loss spikes; the ELU+1
 * kernel keeps entropy near log N and trains stably. Quick run: batch 256, lr 0.1, 400 steps
 * (the paper: batch 4000, lr 0.5, 10 000 steps).
 */
import type { StepRecord } from '../src/train/index.js';
import type { ClaimCheck, SimDefinition, SimResult } from './types.js';
import { runTrainSim, stepFigure, trainSimResult, type TrainSimSpec } from './_train.js';
import type { TrainManyResult } from '../src/train/index.js';

/** The runs of this sim. */
export const SPEC: TrainSimSpec = { id: 'train-icl-entropy-collapse', task: 'icl-regression', variants: ['softmax', 'qk-layernorm', 'relu-kernel', 'elu1-kernel'], seeds: [0], quickSeeds: [0] };

/** Claims T-1 from a result (pure). */
export function iclClaims(r: TrainManyResult): ClaimCheck[] {
  const by = (v: string) => r.runs.filter((x) => x.summary.attention === v);
  const claims: ClaimCheck[] = [];
  const soft = by('softmax');
  const elu = by('elu1-kernel');
  if (soft.length > 0) {
    const collapsed = soft.filter((x) => x.summary.collapseStep !== null).length;
    claims.push({ id: 'T-1a', statement: 'softmax: some layer’s mean attention entropy falls below 0.2·log N during training', predicted: `${soft.length}/${soft.length} runs`, measured: `${collapsed}/${soft.length} runs`, tolerance: 'threshold 0.2·log N', pass: collapsed === soft.length });
  }
  if (elu.length > 0) {
    const m = Math.min(...elu.map((x) => (x.summary.finalMinEntropy ?? 0) / x.summary.logN));
    claims.push({ id: 'T-1b', statement: 'ELU+1 kernel: every layer’s entropy stays above 0.8·log N to the end, and training does not diverge', predicted: '> 0.8 log N, finite loss', measured: `${m.toFixed(3)} log N, ${elu.filter((x) => x.status === 'diverged').length} diverged`, tolerance: 'threshold', pass: m > 0.8 && elu.every((x) => x.status !== 'diverged') });
  }
  if (soft.length > 0 && elu.length > 0) {
    // maxGradNorm is the largest finite norm; a diverged run also counts as an explosion.
    const gs = Math.max(...soft.map((x) => x.summary.maxGradNorm));
    const ge = Math.max(...elu.map((x) => x.summary.maxGradNorm));
    const diverged = soft.filter((x) => x.status === 'diverged').length;
    claims.push({ id: 'T-1c', statement: 'the gradient norm explodes for softmax (largest finite norm > 10× the ELU+1 max, or the run diverges)', predicted: '> 10×', measured: `${(gs / ge).toPrecision(3)}× (${gs.toPrecision(3)} vs ${ge.toPrecision(3)}), ${diverged}/${soft.length} softmax runs diverged`, tolerance: 'factor 10', pass: gs > 10 * ge || diverged === soft.length });
  }
  return claims;
}

const layerMean = (rec: StepRecord, f: (l: NonNullable<StepRecord['layers']>[number]) => number): number | undefined => (rec.layers === undefined || !Number.isFinite(rec.loss) ? undefined : rec.layers.reduce((s, l) => s + f(l), 0) / rec.layers.length);

const sim: SimDefinition = {
  id: SPEC.id,
  title: 'Training: softmax entropy collapse vs Lipschitz kernels in in-context regression',
  paper: 'lipschitz',
  reproduces: 'Sec. 3.1, Fig. 1–2: softmax/QK-LN entropy collapses with exploding gradients; ReLU/ELU+1 kernels stay high-entropy',
  heavy: true,
  theoryIds: ['E-4', 'E-5', 'E-6', 'E-7', 'T-1'],
  async run(ctx): Promise<SimResult> {
    const r = await runTrainSim(SPEC, ctx);
    return trainSimResult(SPEC.id, r, ctx.quick, iclClaims(r));
  },
  figures(result) {
    const r = result.data as TrainManyResult;
    const n = 20;
    return [
      stepFigure(r, 'loss', 'Training loss ½(ŷ − y)² per step', { title: 'loss', log: true }, (x) => (Number.isFinite(x.loss) ? x.loss : undefined)),
      stepFigure(r, 'gradient-norm', 'Global gradient norm per step', { title: 'gradient norm ‖∇L‖', log: true }, (x) => (Number.isFinite(x.gradNorm) ? x.gradNorm : undefined)),
      stepFigure(r, 'entropy-layer1', 'Layer-1 mean attention entropy (E-4)', { title: 'entropy H(P)', unit: 'nats' }, (x) => (x.layers && Number.isFinite(x.loss) ? x.layers[0]!.entropy : undefined), [{ value: Math.log(n), name: 'log N (uniform)' }]),
      stepFigure(r, 'entropy-layer-mean', 'Mean attention entropy over the 5 layers', { title: 'entropy H(P)', unit: 'nats' }, (x) => layerMean(x, (l) => l.entropy), [{ value: Math.log(n), name: 'log N (uniform)' }]),
      stepFigure(r, 'logit-variance', 'Layer-mean attention logit variance (E-5)', { title: 'logit variance', unit: 'logit²', log: true }, (x) => layerMean(x, (l) => l.logitVariance)),
      stepFigure(r, 'frobenius', 'Layer-mean ‖P‖_F (E-7), between 1 and √N', { title: '‖P‖_F' }, (x) => layerMean(x, (l) => l.frobenius), [
        { value: 1, name: '1 (uniform rows)' },
        { value: Math.sqrt(n), name: '√N (one-hot rows)' },
      ]),
      stepFigure(r, 'skewness', 'Layer-mean row skewness of P (E-6)', { title: 'row skewness' }, (x) => layerMean(x, (l) => l.skewness), [{ value: (n - 2) / Math.sqrt(n - 1), name: 'one-hot row (N−2)/√(N−1)' }]),
    ];
  },
};

export default sim;
