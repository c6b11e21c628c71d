/**
 * Fig. 3 of *Transformer Training Instability of Softmax and Lipschitz Kernel Attentions*:
 * histograms of attention entropy for a unit query and keys ~ N(0, σ²I), σ = 0.5, 1, 2, 4, 8,
 * softmax (top of the paper's figure) against the Lipschitz kernels ReLU and ELU+1 (bottom).
 * Claim: softmax entropy collapses as the logit variance grows, the kernels stay high
 * (theory: E-1 … E-4, E-9 … E-11). N = 20, d = 5, q = e₁ (not stated in the paper).
 */
import { runEntropyExperiment, smallSigmaEntropy, type EntropyResult } from '../src/experiments/entropy.js';
import { entropyClaim } from '../src/experiments/entropy-predictions.js';
import { figure, lineTrace, panelFigure, verticalLine } from '../src/plot/index.js';
import type { ClaimCheck, SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';

const KINDS = ['softmax', 'relu-kernel', 'elu1-kernel'] as const;
const LABEL: Record<string, string> = { softmax: 'softmax', 'relu-kernel': 'ReLU kernel', 'elu1-kernel': 'ELU+1 kernel' };

const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'n', type: 'integer', default: 20, min: 2, max: 2000, doc: 'keys per query N [reconstructed: the paper does not state N]' },
  { name: 'd', type: 'integer', default: 5, min: 1, max: 512, doc: 'key dimension [reconstructed]' },
  { name: 'trials', type: 'integer', default: 40000, quick: 4000, min: 10, max: 1e6, doc: 'random key draws per σ' },
  { name: 'bins', type: 'integer', default: 40, min: 5, max: 400, doc: 'histogram bins over [0, log N]' },
]);

const sim: SimDefinition = {
  id: 'entropy-histograms',
  title: 'Attention entropy histograms vs key scale σ: softmax vs Lipschitz kernels',
  paper: 'lipschitz',
  reproduces: 'Fig. 3: entropy histograms per σ, softmax collapses, ReLU and ELU+1 kernels stay high',
  theoryIds: ['E-1', 'E-2', 'E-3', 'E-4', 'E-9', 'E-10', 'E-11'],
  parameters: PARAMETERS,
  async run(ctx): Promise<SimResult> {
    const seed = ctx.seed ?? 0;
    const p = simParams<{ n: number; d: number; trials: number; bins: number }>(ctx, PARAMETERS);
    const r = runEntropyExperiment({ kinds: [...KINDS], sigmas: [0.5, 1, 2, 4, 8], n: p.n, d: p.d, trials: p.trials, bins: p.bins, seed });
    ctx.onProgress?.(1);
    const mean = (kind: string, sigma: number) => r.cells.find((c) => c.kind === kind && c.sigma === sigma)!.entropy;
    const soft8 = mean('softmax', 8);
    const soft05 = mean('softmax', 0.5);
    const eluMin = Math.min(...r.cells.filter((c) => c.kind === 'elu1-kernel').map((c) => c.entropy.mean));
    const claims: ClaimCheck[] = [
      { id: 'E-4', statement: 'softmax mean entropy falls from near log N at σ = 0.5 to below 0.5 nats at σ = 8', predicted: '< 0.5 nats at σ = 8', measured: soft8.mean, tolerance: 'threshold', pass: soft8.mean < 0.5 && soft05.mean > 2.8 },
      { id: 'E-3', statement: 'ELU+1 kernel mean entropy stays above 2.7 nats (log 20 = 3.00) for every σ', predicted: '> 2.7', measured: eluMin, tolerance: 'threshold', pass: eluMin > 2.7 },
      // The registered predictions that apply, as claims (E-11 to order σ² only).
      ...r.predictions.filter((p) => p.applicable && p.name !== 'small-sigma-entropy-4').map(entropyClaim),
    ];
    return { sim: sim.id, config: { quick: ctx.quick, params: p, ...r.config }, meta: r.meta, data: r, claims };
  },
  figures(result) {
    const r = result.data as EntropyResult;
    const n = r.config.n;
    const logN = Math.log(n);
    const figs = KINDS.map((kind) => {
      const cells = r.cells.filter((c) => c.kind === kind);
      let ymax = 0;
      const traces = cells.map((c, i) => {
        const e = c.histogram.edges;
        const centers = c.histogram.density.map((_, b) => (e[b]! + e[b + 1]!) / 2);
        ymax = Math.max(ymax, ...c.histogram.density);
        const tr = lineTrace({ name: `σ = ${c.sigma}`, x: centers, y: c.histogram.density, index: i });
        (tr.line as Record<string, unknown>).shape = 'hvh';
        return tr;
      });
      traces.push(verticalLine(logN, [0, ymax], { name: `log N = ${logN.toFixed(3)}` }));
      return {
        name: `histograms-${kind}`,
        title: `Entropy histograms, ${LABEL[kind]}`,
        figure: figure({
          title: `${LABEL[kind]}: entropy histograms (N = ${n}, d = ${r.config.d}, ${r.config.trials} trials)`,
          x: { title: 'attention entropy H', unit: 'nats', range: [0, logN * 1.02] },
          y: { title: 'density', unit: '1/nat' },
          data: traces,
        }),
      };
    });
    // One panel per attention, side by side (the paper stacks softmax above the kernels).
    figs.unshift({
      name: 'histograms',
      title: 'Fig. 3: entropy histograms per σ, softmax vs Lipschitz kernels',
      figure: panelFigure({
        title: `Attention entropy histograms (N = ${n}, d = ${r.config.d}, ${r.config.trials} trials per σ)`,
        panels: figs.map((f) => f.figure),
        panelTitles: KINDS.map((k) => LABEL[k]!),
        columns: KINDS.length,
      }),
    });
    const sig = [...new Set(r.cells.map((c) => c.sigma))];
    // The small-σ prediction drawn over σ ∈ [0.25, 0.75] only, where the expansion is meant.
    const fine = Array.from({ length: 30 }, (_, i) => 0.25 * 3 ** (i / 29));
    const xr: [number, number] = [0.25, sig[sig.length - 1]! * 1.5];
    figs.push({
      name: 'mean-entropy-vs-sigma',
      title: 'Mean entropy vs σ',
      figure: figure({
        title: 'Mean attention entropy vs σ (bars: ±1 std over trials)',
        x: { title: 'key scale σ (logit std)', log: true, range: xr },
        y: { title: 'mean attention entropy', unit: 'nats' },
        data: [
          ...KINDS.map((kind, i) => {
            const cells = r.cells.filter((c) => c.kind === kind);
            const tr = lineTrace({ name: LABEL[kind]!, x: sig, y: cells.map((c) => c.entropy.mean), index: i, mode: 'lines+markers' });
            tr.error_y = { type: 'data', array: cells.map((c) => c.entropy.std), visible: true, color: tr.line && (tr.line as { color: string }).color };
            return tr;
          }),
          lineTrace({ name: 'log N − σ²(N−1)/(2N) (small σ, E-11)', x: fine, y: fine.map((s) => smallSigmaEntropy(n, s, 2)), color: '#000000', dash: 'dot', width: 1.5 }),
          lineTrace({ name: 'log N', x: xr, y: [logN, logN], color: '#000000', dash: 'dash', width: 1.5 }),
        ],
      }),
    });
    return figs;
  },
};

export default sim;
