/**
 * Appendix toy of "Gradient Flow Polarizes Softmax Outputs towards Low-Entropy Solutions": the
 * tied-U model z = Ua, α = softmax(z), f = Uα, logistic loss log(1 + exp(−βᵀf)) (src/models/tied-u.ts),
 * U(0) = I_D, a(0) = 1 + 0.1·randn, β = randn/‖·‖ with the notebook's seed 42 draws
 * (sims/data/tied-u.json), gradient descent lr 0.05 for 1e4 steps (t = 500) as in the notebook,
 * D ∈ {10, 20, 50, 100} (quick: 10, 20).
 * Claims (theory/polarization-predictions.md P-14): α polarises (max α(500) ≥ 0.99) and the column
 * of U at the winning index grows far beyond the others (a "massive activation"): its norm over
 * the median norm of the other columns ≥ 3.
 */
import { runMeta } from '../src/core/run-meta.js';
import { solve } from '../src/integrators/solve.js';
import { tiedUFlow } from '../src/models/tied-u.js';
import { figure, horizontalLine, lineTrace } from '../src/plot/index.js';
import type { SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';

const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'maxD', type: 'integer', default: 100, quick: 20, choices: [10, 20, 50, 100], doc: 'largest dimension D run (the notebook draws exist for D = 10, 20, 50, 100; all up to maxD run)' },
  { name: 'saves', type: 'integer', default: 121, min: 11, max: 20001, doc: 'log-spaced save times in [lr, lr·steps]' },
]);
import { claim, column, logTimes, num, readSimData } from './_polarization.js';

const ID = 'tied-u-massive-activations';

interface RunD {
  D: number;
  t: number[];
  loss: number[];
  maxAlpha: number[];
  /** ‖U[:, m(t)]‖ with m(t) = argmax α(t) (the notebook's plot). */
  winnerColumn: number[];
  /** Median norm of the other columns at each save. */
  otherColumns: number[];
  /** α rows (D = 10 only, for the α figure). */
  alpha?: number[][];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const sim: SimDefinition = {
  id: ID,
  title: 'Tied U: polarised attention and a massive column of U (appendix toy)',
  paper: 'polarization',
  reproduces: 'Appendix "massive activations" toy: z = Ua, α = softmax(z), f = Uα, logistic loss, D = 10…100, GD lr 0.05',
  theoryIds: ['P-14'],
  parameters: PARAMETERS,
  fixedInit: 'the notebook draws of seed 42 per D, committed in sims/data/tied-u.json',
  async run(ctx): Promise<SimResult> {
    const started = performance.now();
    const data = readSimData<{ dims: Record<string, { a: number[]; beta: number[] }>; lr: number; steps: number }>('tied-u.json');
    const p = simParams<{ maxD: number; saves: number }>(ctx, PARAMETERS);
    const dims = [10, 20, 50, 100].filter((D) => D <= p.maxD);
    const lr = data.lr;
    const tEnd = lr * data.steps;
    const saves = logTimes(lr, tEnd, p.saves);
    const runs: RunD[] = [];
    for (const [k, D] of dims.entries()) {
      ctx.onProgress?.(k / dims.length, `D = ${D}`);
      const { a, beta } = data.dims[String(D)]!;
      const flow = tiedUFlow(beta, a);
      const sol = solve(flow.rhs, flow.y0, 0, tEnd, { method: 'gd', dt: lr, saveAt: saves });
      const al = new Float64Array(D);
      const run: RunD = { D, t: [], loss: [], maxAlpha: [], winnerColumn: [], otherColumns: [] };
      if (D === 10) run.alpha = [];
      sol.y.forEach((y, i) => {
        const L = flow.attention(y, al);
        let m = 0;
        for (let j = 1; j < D; j++) if (al[j]! > al[m]!) m = j;
        const norms: number[] = [];
        for (let j = 0; j < D; j++) {
          let s = 0;
          for (let r = 0; r < D; r++) s += y[r * D + j]! ** 2;
          norms.push(Math.sqrt(s));
        }
        run.t.push(sol.t[i]!);
        run.loss.push(L);
        run.maxAlpha.push(al[m]!);
        run.winnerColumn.push(norms[m]!);
        run.otherColumns.push(median(norms.filter((_, j) => j !== m)));
        run.alpha?.push(Array.from(al));
      });
      runs.push(run);
    }
    const claims = runs.flatMap((r) => {
      const last = r.t.length - 1;
      const ratio = r.winnerColumn[last]! / r.otherColumns[last]!;
      return [
        claim('P-14', `D = ${r.D}: α polarises, max α at t = ${tEnd}`, '≥ 0.99', num(r.maxAlpha[last]!, 5), 'threshold 0.99 (uniform is 1/D)', r.maxAlpha[last]! >= 0.99, `t = ${tEnd}`),
        claim('P-14', `D = ${r.D}: massive column, ‖U[:,m]‖ / median ‖U[:,j≠m]‖`, '≥ 3', num(ratio, 4), `threshold 3 (all columns have norm 1 at t = 0); ‖U[:,m]‖ = ${num(r.winnerColumn[last]!, 4)}`, ratio >= 3, `t = ${tEnd}`),
      ];
    });
    return {
      sim: ID,
      config: { quick: ctx.quick, params: p, dims, lr, steps: data.steps, tEnd, init: 'sims/data/tied-u.json', saves: saves.length },
      meta: runMeta({ seed: 42, wallTimeMs: performance.now() - started }),
      data: { runs },
      claims,
    };
  },
  figures(result) {
    const { runs } = result.data as { runs: RunD[] };
    const t0 = runs[0]!.t;
    const tr: [number, number] = [t0[0]!, t0[t0.length - 1]!];
    const small = runs.find((r) => r.alpha !== undefined);
    const figs = [
      {
        name: 'loss',
        title: 'Loss L(U, a)',
        figure: figure({
          title: 'Tied U, logistic loss (GD lr 0.05)',
          x: { title: 't', unit: 'lr × iterations', log: true },
          y: { title: 'loss L(U, a)', log: true },
          data: runs.map((r, i) => lineTrace({ name: `D = ${r.D}`, x: r.t, y: r.loss, index: i })),
        }),
      },
      {
        name: 'winner-column',
        title: '‖U<sub>:,m</sub>‖ at the winning index m vs the other columns',
        figure: figure({
          title: 'Massive activation: the winning column of U grows, the others stay near 1',
          x: { title: 't', unit: 'lr × iterations', log: true },
          y: { title: 'column norm' },
          data: [
            ...runs.map((r, i) => lineTrace({ name: `‖U<sub>:,m</sub>‖, D = ${r.D}`, x: r.t, y: r.winnerColumn, index: i })),
            ...runs.map((r, i) => lineTrace({ name: `median other, D = ${r.D}`, x: r.t, y: r.otherColumns, index: i, dash: 'dot', width: 1.5 })),
            horizontalLine(1, tr, { name: 'initial norm 1' }),
          ],
        }),
      },
    ];
    if (small) {
      figs.push({
        name: 'alpha',
        title: `α<sub>i</sub>(t) = softmax(Ua)<sub>i</sub>, D = ${small.D}`,
        figure: figure({
          title: `Attention α = softmax(Ua) polarises (D = ${small.D})`,
          x: { title: 't', unit: 'lr × iterations', log: true },
          y: { title: 'α<sub>i</sub>(t)' },
          data: Array.from({ length: small.D }, (_, i) => lineTrace({ name: `α<sub>${i}</sub>`, x: small.t, y: column(small.alpha!, i), index: i })),
        }),
      });
    }
    return figs;
  },
};

export default sim;
