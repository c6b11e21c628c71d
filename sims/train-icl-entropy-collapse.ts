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
import type { NamedFigure } from '../src/plot/figure-types.js';
import { panelFigure } from '../src/plot/index.js';
import type { SimDefinition, SimResult } from './types.js';
import { stepFigure, trainSimResult, type StepFigureStyle, type TrainSimSpec } from './_train.js';
import { ICL_PARAMETERS, ICL_SPEC, entropyCollapseClaims, iclRuns } from './_icl.js';

/** The runs of this sim (shared with the other in-context-regression sims). */
export const SPEC: TrainSimSpec = { ...ICL_SPEC, id: 'train-icl-entropy-collapse' };

/** Claims T-1a, b, c, e, f from a result (pure). */
export const iclClaims = (r: TrainManyResult): ReturnType<typeof entropyCollapseClaims> => entropyCollapseClaims(r);

const finite = (rec: StepRecord): boolean => rec.layers !== undefined && Number.isFinite(rec.loss);

/** Softmax-based kinds, dashed in the paper's Fig. 1 (the Lipschitz kernels are solid). */
const SOFTMAX_BASED = new Set(['softmax', 'qk-layernorm']);

/**
 * The paper's Fig. 1 as one figure: (a) loss, (b) gradient norm, (c) layer-1 mean attention
 * entropy, side by side over a shared (log) step axis, one run per kind (the first seed), the
 * softmax-based kinds dashed and the kernels solid, the uniform maximum log N dotted, as in the
 * caption. The caption does not name the panel order; (a)–(c) follow the reading
 * [reconstructed]. The single panels (`loss`, `gradient-norm`, `entropy-layer1`) show every seed.
 */
export function fig1(r: TrainManyResult): NamedFigure {
  const seed = r.config.seeds[0]!;
  const n = (r.config.runs[0]?.iclContext ?? 19) + 1;
  const style: StepFigureStyle = { seeds: [seed], dash: (kind) => (SOFTMAX_BASED.has(kind) ? 'dash' : 'solid'), name: (kind) => kind };
  const panels = [
    stepFigure(r, 'loss', 'loss', { title: 'loss', log: true }, (x) => (Number.isFinite(x.loss) ? x.loss : undefined), [], style),
    stepFigure(r, 'gradient-norm', 'gradient norm', { title: 'gradient norm ‖∇L‖', log: true }, (x) => (Number.isFinite(x.gradNorm) ? x.gradNorm : undefined), [], style),
    stepFigure(r, 'entropy-layer1', 'entropy', { title: 'entropy H(P)', unit: 'nats' }, (x) => (finite(x) ? x.layers![0]!.entropy : undefined), [{ value: Math.log(n), name: 'log N (uniform)', dash: 'dot' }], style),
  ].map((p) => p.figure);
  const fig = panelFigure({ panels, title: `Fig. 1: loss, gradient norm and layer-1 attention entropy (seed ${seed}; softmax-based dashed, Lipschitz kernels solid)`, height: 380 });
  // One row: the three panels share the step axis (panelFigure's shareX links rows of a column).
  const layout = fig.layout as Record<string, Record<string, unknown>>;
  for (let k = 2; k <= panels.length; k++) layout[`xaxis${k}`] = { ...layout[`xaxis${k}`], matches: 'x' };
  return { name: 'fig1', title: `Fig. 1: loss, gradient norm and layer-1 attention entropy over training (seed ${seed})`, figure: fig };
}

const sim: SimDefinition = {
  id: SPEC.id,
  title: 'Training: softmax entropy collapse vs Lipschitz kernels in in-context regression',
  paper: 'lipschitz',
  reproduces: 'Sec. 3.1, Fig. 1: softmax/QK-LN layer-1 entropy collapses with exploding gradients; ReLU/ELU+1 kernels stay high-entropy and stable',
  heavy: true,
  parameters: ICL_PARAMETERS,
  theoryIds: ['E-4', 'E-5', 'T-1a', 'T-1b', 'T-1c', 'T-1e', 'T-1f'],
  async run(ctx): Promise<SimResult> {
    const r = await iclRuns(ctx);
    return trainSimResult(SPEC.id, r, ctx.quick, iclClaims(r));
  },
  figures(result) {
    const r = result.data as TrainManyResult;
    const n = (r.config.runs[0]?.iclContext ?? 19) + 1;
    const loss = (x: StepRecord): number | undefined => (Number.isFinite(x.loss) ? x.loss : undefined);
    const grad = (x: StepRecord): number | undefined => (Number.isFinite(x.gradNorm) ? x.gradNorm : undefined);
    const entropy = (x: StepRecord): number | undefined => (finite(x) ? x.layers![0]!.entropy : undefined);
    return [
      fig1(r),
      stepFigure(r, 'loss', 'Training loss ½(ŷ − y)² per step', { title: 'loss', log: true }, loss),
      stepFigure(r, 'gradient-norm', 'Global gradient norm per step', { title: 'gradient norm ‖∇L‖', log: true }, grad),
      stepFigure(r, 'entropy-layer1', 'Layer-1 mean attention entropy (E-4), Fig. 1', { title: 'entropy H(P)', unit: 'nats' }, entropy, [
        { value: Math.log(n), name: 'log N (uniform)' },
        { value: 0.2 * Math.log(n), name: '0.2·log N (collapse)' },
      ]),
      stepFigure(r, 'logit-variance', 'Layer-1 attention logit variance (E-5)', { title: 'logit variance', unit: 'logit²', log: true }, (x) => (finite(x) ? x.layers![0]!.logitVariance : undefined)),
    ];
  },
};

export default sim;
