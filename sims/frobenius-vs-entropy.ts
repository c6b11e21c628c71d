/**
 * ‖P‖_F against the attention entropy H(P) (the paper's Sec. 3.5 and Fig. 5: as attention
 * collapses, ‖P‖_F grows from 1, uniform rows, to √N, one-hot rows). N×N attention with N random
 * unit queries and keys ~ N(0, σ²I) for softmax and the Lipschitz kernels over a σ grid, and a
 * temperature sweep softmax(Z/τ) of one Gaussian Z from τ = 10³ to 10⁻⁶.
 * Claim: every point lies in 1 ≤ ‖P‖_F ≤ √N (E-7); softmax moves along the range as σ grows,
 * the kernels stay near 1 (theory: E-4, E-7).
 */
import { frobeniusNorm, meanEntropy } from '../src/core/attention-metrics.js';
import { Rng } from '../src/core/rng.js';
import { runMeta } from '../src/core/run-meta.js';
import { softmax } from '../src/core/softmax.js';
import { runEntropyExperiment, type EntropyResult } from '../src/experiments/entropy.js';
import { figure, horizontalLine, lineTrace } from '../src/plot/index.js';
import type { ClaimCheck, SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';

const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'n', type: 'integer', default: 20, min: 2, max: 500, doc: 'sequence length N (N×N attention matrices)' },
  { name: 'd', type: 'integer', default: 5, min: 1, max: 512, doc: 'key/query dimension' },
  { name: 'trials', type: 'integer', default: 2000, quick: 200, min: 10, max: 1e5, doc: 'random matrices per σ' },
  { name: 'points', type: 'integer', default: 13, quick: 7, min: 3, max: 200, doc: 'log-spaced key scales σ in [0.25, 16]' },
]);

const KINDS = ['softmax', 'relu-kernel', 'elu1-kernel'] as const;
const LABEL: Record<string, string> = { softmax: 'softmax (σ grid)', 'relu-kernel': 'ReLU kernel (σ grid)', 'elu1-kernel': 'ELU+1 kernel (σ grid)' };

interface Data {
  experiment: EntropyResult;
  sweep: { tau: number; entropy: number; normF: number }[];
}

const sim: SimDefinition = {
  id: 'frobenius-vs-entropy',
  title: '‖P‖<sub>F</sub> vs attention entropy: from 1 (uniform) to √N (one-hot)',
  paper: 'lipschitz',
  reproduces: 'Sec. 3.5/Fig. 5: the Frobenius norm ‖P‖ grows toward √N as entropy collapses; kernels stay near 1',
  theoryIds: ['E-4', 'E-7'],
  parameters: PARAMETERS,
  async run(ctx): Promise<SimResult> {
    const t0 = performance.now();
    const seed = ctx.seed ?? 0;
    const p = simParams<{ n: number; d: number; trials: number; points: number }>(ctx, PARAMETERS);
    const n = p.n;
    const points = p.points;
    const sigmas = Array.from({ length: points }, (_, i) => 0.25 * 64 ** (i / (points - 1)));
    const experiment = runEntropyExperiment({ kinds: [...KINDS], sigmas, n, d: p.d, trials: p.trials, queries: n, bins: 10, seed });
    ctx.onProgress?.(0.9);
    const Z0 = new Rng(seed).fork(11).fillNormal(new Float64Array(n * n));
    const Z = new Float64Array(n * n);
    const P = new Float64Array(n * n);
    const sweep: Data['sweep'] = [];
    // Down to τ = 1e-6: near-ties between a row's two largest logits (gaps ~1e-3 among 20
    // normals) keep a row from being one-hot until τ is well below the gap.
    for (let k = 0; k < 181; k++) {
      const tau = 10 ** (3 - (9 * k) / 180);
      for (let i = 0; i < n * n; i++) Z[i] = Z0[i]! / tau;
      for (let i = 0; i < n; i++) softmax(Z, P, i * n, i * n, n);
      sweep.push({ tau, entropy: meanEntropy(P, n, n), normF: frobeniusNorm(P, n, n) });
    }
    const all = [...experiment.cells.map((c) => [c.matrix!.frobenius.min, c.matrix!.frobenius.max]).flat(), ...sweep.map((s) => s.normF)];
    const inRange = all.every((f) => f >= 1 - 1e-12 && f <= Math.sqrt(n) * (1 + 1e-12));
    const soft = experiment.cells.filter((c) => c.kind === 'softmax');
    const elu = experiment.cells.filter((c) => c.kind === 'elu1-kernel');
    const claims: ClaimCheck[] = [
      { id: 'E-7', statement: 'every measured ‖P‖_F lies in [1, √N]', predicted: `[1, ${Math.sqrt(n).toFixed(4)}]`, measured: `[${Math.min(...all).toFixed(6)}, ${Math.max(...all).toFixed(6)}]`, tolerance: 'rel 1e-12', pass: inRange },
      { id: 'E-7', statement: 'temperature sweep: ‖P‖_F → 1 as H → log N and → √N as H → 0', predicted: `1 and ${Math.sqrt(n).toFixed(4)}`, measured: `${sweep[0]!.normF.toFixed(6)} and ${sweep[sweep.length - 1]!.normF.toFixed(6)}`, tolerance: 'abs 1e-4', pass: Math.abs(sweep[0]!.normF - 1) < 1e-4 && Math.abs(sweep[sweep.length - 1]!.normF - Math.sqrt(n)) < 1e-4 },
      { id: 'E-4', statement: 'softmax ‖P‖_F at the largest σ exceeds half of √N; ELU+1 kernel stays below 1.5', predicted: `> ${(Math.sqrt(n) / 2).toFixed(3)}; < 1.5`, measured: `${soft[soft.length - 1]!.matrix!.frobenius.mean.toFixed(3)}; ${elu[elu.length - 1]!.matrix!.frobenius.mean.toFixed(3)}`, tolerance: 'threshold', pass: soft[soft.length - 1]!.matrix!.frobenius.mean > Math.sqrt(n) / 2 && elu[elu.length - 1]!.matrix!.frobenius.mean < 1.5 },
    ];
    ctx.onProgress?.(1);
    return { sim: sim.id, config: { quick: ctx.quick, params: p, n, sigmas, experiment: experiment.config, sweepPoints: 181, seed }, meta: runMeta({ seed, wallTimeMs: performance.now() - t0 }), data: { experiment, sweep } satisfies Data, claims };
  },
  figures(result) {
    const { experiment, sweep } = result.data as Data;
    const n = experiment.config.n;
    const xr: [number, number] = [0, Math.log(n)];
    return [
      {
        name: 'frobenius-vs-entropy',
        title: '‖P‖<sub>F</sub> vs H(P)',
        figure: figure({
          title: `‖P‖<sub>F</sub> vs attention entropy, N×N attention (N = ${n}, ${experiment.config.trials} trials per σ)`,
          x: { title: 'attention entropy H(P)', unit: 'nats', range: [0, Math.log(n) * 1.02] },
          y: { title: '‖P‖<sub>F</sub>', range: [0.9, Math.sqrt(n) * 1.05] },
          data: [
            ...KINDS.map((kind, i) => {
              const cells = experiment.cells.filter((c) => c.kind === kind);
              return lineTrace({ name: LABEL[kind]!, x: cells.map((c) => c.matrix!.entropy.mean), y: cells.map((c) => c.matrix!.frobenius.mean), index: i, mode: 'lines+markers' });
            }),
            lineTrace({ name: 'softmax(Z/τ), τ = 10³ … 10⁻⁶ (one Z)', x: sweep.map((s) => s.entropy), y: sweep.map((s) => s.normF), index: 4 }),
            horizontalLine(1, xr, { name: '‖P‖<sub>F</sub> = 1 (uniform rows)', dash: 'dot' }),
            horizontalLine(Math.sqrt(n), xr, { name: `‖P‖<sub>F</sub> = √N (one-hot rows)`, dash: 'dashdot' }),
          ],
        }),
      },
    ];
  },
};

export default sim;
