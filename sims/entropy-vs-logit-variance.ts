/**
 * Entropy vs attention logit variance (the paper's Sec. 3.3–3.4 and Fig. 4 right, here in the
 * controlled setting of Fig. 3): mean attention entropy against the mean logit variance
 * σ²(N−1)/N over a fine σ grid. Claim: inverse relation for softmax (and softmax-based
 * NormSoftmax caps only move it), flat for the Lipschitz kernels; the small-σ expansion E-11
 * matches at small variance (theory: E-4, E-5, E-10, E-11).
 */
import { OptionError } from '../src/core/errors.js';
import { runEntropyExperiment, smallSigmaEntropy, type EntropyResult } from '../src/experiments/entropy.js';
import { entropyClaim } from '../src/experiments/entropy-predictions.js';
import { figure, horizontalLine, lineTrace } from '../src/plot/index.js';
import type { ClaimCheck, SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';

const KINDS = ['softmax', 'relu-kernel', 'elu1-kernel', 'elu1-logit'] as const;
const LABEL: Record<string, string> = { softmax: 'softmax', 'relu-kernel': 'ReLU kernel', 'elu1-kernel': 'ELU+1 kernel', 'elu1-logit': 'ELU+1 on the logit' };

const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'n', type: 'integer', default: 20, min: 2, max: 2000, doc: 'keys per query N (sequence length)' },
  { name: 'd', type: 'integer', default: 5, min: 1, max: 512, doc: 'key/query dimension' },
  { name: 'trials', type: 'integer', default: 20000, quick: 2000, min: 10, max: 1e6, doc: 'random draws per σ' },
  { name: 'points', type: 'integer', default: 25, quick: 9, min: 3, max: 400, doc: 'log-spaced key scales σ in [sigmaMin, sigmaMax]' },
  { name: 'sigmaMin', type: 'number', default: 0.1, min: 1e-4, max: 100, doc: 'smallest key scale σ (logit std)' },
  { name: 'sigmaMax', type: 'number', default: 16, min: 1e-3, max: 1000, doc: 'largest key scale σ' },
]);

const sim: SimDefinition = {
  id: 'entropy-vs-logit-variance',
  title: 'Attention entropy vs logit variance: inverse for softmax, flat for Lipschitz kernels',
  paper: 'lipschitz',
  reproduces: 'Sec. 3.3/Fig. 4 (right): entropy falls with the logit variance for softmax, stays for kernels',
  theoryIds: ['E-4', 'E-5', 'E-10', 'E-11'],
  parameters: PARAMETERS,
  async run(ctx): Promise<SimResult> {
    const seed = ctx.seed ?? 0;
    const p = simParams<{ n: number; d: number; trials: number; points: number; sigmaMin: number; sigmaMax: number }>(ctx, PARAMETERS);
    if (!(p.sigmaMax > p.sigmaMin)) throw new OptionError('--set sigmaMax', `a value above sigmaMin = ${p.sigmaMin}`, p.sigmaMax);
    const sigmas = Array.from({ length: p.points }, (_, i) => p.sigmaMin * (p.sigmaMax / p.sigmaMin) ** (i / (p.points - 1)));
    const r = runEntropyExperiment({ kinds: [...KINDS], sigmas, n: p.n, d: p.d, trials: p.trials, bins: 20, seed });
    ctx.onProgress?.(1);
    const ent = (kind: string) => r.cells.filter((c) => c.kind === kind).map((c) => c.entropy.mean);
    const soft = ent('softmax');
    const elu = ent('elu1-kernel');
    const monotone = soft.every((h, i) => i === 0 || h < soft[i - 1]!);
    const claims: ClaimCheck[] = [
      { id: 'E-5', statement: 'softmax mean entropy strictly decreases as the logit variance grows', predicted: 'decreasing', measured: monotone ? 'decreasing' : 'not monotone', tolerance: 'exact order', pass: monotone },
      { id: 'E-3', statement: `ELU+1 kernel: entropy drop over a ${Number(((p.sigmaMax / p.sigmaMin) ** 2).toPrecision(3))}× range of logit variance is below 0.3 nats`, predicted: '< 0.3', measured: elu[0]! - elu[elu.length - 1]!, tolerance: 'threshold', pass: elu[0]! - elu[elu.length - 1]! < 0.3 },
      ...r.predictions.filter((p) => p.name === 'logit-variance').map(entropyClaim),
    ];
    return { sim: sim.id, config: { quick: ctx.quick, params: p, ...r.config }, meta: r.meta, data: r, claims };
  },
  figures(result) {
    const r = result.data as EntropyResult;
    const n = r.config.n;
    const v = r.cells.filter((c) => c.kind === KINDS[0]).map((c) => c.logitVariance.mean);
    const vs = v.filter((x) => x <= 0.5);
    return [
      {
        name: 'entropy-vs-logit-variance',
        title: 'Entropy vs logit variance',
        figure: figure({
          title: `Attention entropy vs logit variance (N = ${n}, d = ${r.config.d})`,
          x: { title: 'attention logit variance Var<sub>j</sub> z<sub>j</sub>', unit: 'logit²', log: true },
          y: { title: 'mean attention entropy', unit: 'nats' },
          data: [
            ...KINDS.map((kind, i) =>
              lineTrace({ name: LABEL[kind]!, x: v, y: r.cells.filter((c) => c.kind === kind).map((c) => c.entropy.mean), index: i, mode: 'lines+markers' }),
            ),
            lineTrace({ name: 'log N − Var/2 (E-11)', x: vs, y: vs.map((x) => smallSigmaEntropy(n, Math.sqrt((x * n) / (n - 1)), 2)), color: '#000000', dash: 'dot', width: 1.5 }),
            horizontalLine(Math.log(n), [v[0]!, v[v.length - 1]!], { name: 'log N (uniform)' }),
          ],
        }),
      },
    ];
  },
};

export default sim;
