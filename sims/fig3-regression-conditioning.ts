/**
 * Fig. 3 of "Gradient Flow Polarizes Softmax Outputs towards Low-Entropy Solutions": regression
 * ‖y − XVσ(a)‖² (no ½, as the notebook) with X = U diag(linspace(1, 1/κ, 20)) Vᵀ, 20×20, for
 * κ = 1 and κ = 5, the notebook initialisation (seed 123, V = 1e-5·randn, a = 1e-3·randn;
 * sims/data/fig3-regression-kappa{1,5}.json), to t = 300 (GD lr 1e-3 × 3e5 steps in the
 * notebook). Plots a_i(t) on linear axes as the paper does.
 * Claims (theory/polarization-predictions.md P-10, P-11): with κ = 1 the logits barely move; with
 * κ = 5 they spread far more (one separates) — measured as the spread max a − min a and
 * 1 − max σ at t = 300; Σa is conserved (P-3); the full run also overlays GD (lr 1e-3).
 */
import { runMeta } from '../src/core/run-meta.js';
import { simulate } from '../src/experiments/simulate.js';
import type { ProblemSpec } from '../src/models/problem.js';
import { figure, lineTrace, panelFigure, seriesColor } from '../src/plot/index.js';
import type { NamedFigure } from '../src/plot/figure-types.js';
import type { SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';
import { claim, column, num, readSimData } from './_polarization.js';

const ID = 'fig3-regression-conditioning';
const KAPPAS = [1, 5] as const;

/** Settings of the run; the initialisations are the notebook's (fixed). */
const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'tEnd', type: 'number', default: 300, min: 1, max: 1e5, doc: 'gradient-flow time horizon (paper notebook: 3e5 GD steps of lr 1e-3 = 300)' },
  { name: 'saves', type: 'integer', default: 601, quick: 151, min: 11, max: 20001, doc: 'evenly spaced save times in [0, tEnd]' },
  { name: 'gd', type: 'boolean', default: true, quick: false, doc: 'also run the notebook gradient descent and compare it with the flow' },
  { name: 'gdLr', type: 'number', default: 1e-3, min: 1e-5, max: 0.1, doc: 'learning rate of that gradient descent (notebook: 1e-3)' },
]);

interface Run {
  kappa: number;
  t: number[];
  a: number[][];
  loss: number[];
  spread: number;
  oneMinusMax: number;
  sumADrift: number;
  gd?: { t: number[]; a: number[][]; spread: number };
}

const spreadOf = (a: readonly number[]): number => Math.max(...a) - Math.min(...a);

const sim: SimDefinition = {
  id: ID,
  title: 'Regression: polarisation grows with the condition number κ (Fig. 3)',
  paper: 'polarization',
  reproduces: 'Fig. 3: logits aᵢ(t) of the 20×20 regression with κ = 1 and κ = 5 (notebook init, t = 300)',
  theoryIds: ['P-3', 'P-10', 'P-11'],
  parameters: PARAMETERS,
  fixedInit: 'the notebook draws of seed 123, committed in sims/data/fig3-regression-kappa{1,5}.json',
  async run(ctx): Promise<SimResult> {
    const started = performance.now();
    const p = simParams<{ tEnd: number; saves: number; gd: boolean; gdLr: number }>(ctx, PARAMETERS);
    const tEnd = p.tEnd;
    const saves = Array.from({ length: p.saves }, (_, i) => (tEnd * i) / (p.saves - 1));
    const runs: Run[] = [];
    for (const [k, kappa] of KAPPAS.entries()) {
      ctx.onProgress?.(k / KAPPAS.length, `κ = ${kappa}`);
      const spec = readSimData<ProblemSpec>(`fig3-regression-kappa${kappa}.json`);
      const r = simulate(spec, { method: 'dop853', rtol: 1e-10, atol: 1e-14, tEnd, saveAt: saves });
      const a = r.records.map((x) => x.a as number[]);
      const last = r.records[r.records.length - 1]!;
      const sum0 = r.records[0]!.sumA as number;
      const run: Run = {
        kappa,
        t: r.records.map((x) => x.t),
        a,
        loss: r.records.map((x) => x.loss),
        spread: spreadOf(a[a.length - 1]!),
        oneMinusMax: last.oneMinusMax as number,
        sumADrift: Math.max(...r.records.map((x) => Math.abs((x.sumA as number) - sum0))),
      };
      if (p.gd) {
        const g = simulate(spec, { method: 'gd', lr: p.gdLr, tEnd, saveAt: saves.filter((_, i) => i % 4 === 0) });
        const ga = g.records.map((x) => x.a as number[]);
        run.gd = { t: g.records.map((x) => x.t), a: ga, spread: spreadOf(ga[ga.length - 1]!) };
      }
      runs.push(run);
    }
    const [r1, r5] = runs as [Run, Run];
    const ratio = r5.spread / r1.spread;
    const claims = [
      claim('P-11', 'κ = 5 polarises more than κ = 1: spread (max a − min a) ratio at t = 300', '> 1', num(ratio, 4), `ratio > 1 (measured spreads ${num(r1.spread, 4)} and ${num(r5.spread, 4)})`, ratio > 1, 't = 300'),
      claim('P-11', 'κ = 5 polarises more: 1 − max σ(300) smaller for κ = 5', `< ${num(r1.oneMinusMax, 4)} (κ = 1)`, num(r5.oneMinusMax, 4), 'strictly smaller', r5.oneMinusMax < r1.oneMinusMax, `t = ${tEnd}`),
      claim('P-10', 'κ = 1: attention stays near uniform (the fit ends before the logits separate): max σ(300) vs 1/n = 0.05', '< 2/n = 0.1', num(1 - r1.oneMinusMax, 4), 'below twice uniform', 1 - r1.oneMinusMax < 2 / r1.a[0]!.length, `t = ${tEnd}`),
      claim('P-3', 'Σa conserved (both κ)', 0, num(Math.max(r1.sumADrift, r5.sumADrift), 3), '≤ 1e-12 (linear invariant: round-off only)', Math.max(r1.sumADrift, r5.sumADrift) <= 1e-12),
    ];
    if (p.gd) {
      for (const r of runs) {
        const dev = Math.abs(r.gd!.spread - r.spread);
        const tol = p.gdLr * (1 + r.spread);
        claims.push(claim('VS-4', `GD (lr ${p.gdLr}, ${Math.round(tEnd / p.gdLr)} steps${p.gdLr === 1e-3 && tEnd === 300 ? ", the notebook's run" : ''}) matches the flow, κ = ${r.kappa}: |Δ spread|`, 0, num(dev, 3), `≤ lr·(1 + spread) = ${num(tol, 3)} (Euler error O(lr))`, dev <= tol, `t = ${tEnd}`));
      }
    }
    return {
      sim: ID,
      config: { quick: ctx.quick, params: p, kappas: [...KAPPAS], tEnd, problems: KAPPAS.map((k) => `sims/data/fig3-regression-kappa${k}.json`), flow: { method: 'dop853', rtol: 1e-10, atol: 1e-14, saves: saves.length }, gd: p.gd ? { lr: p.gdLr, steps: Math.round(tEnd / p.gdLr) } : null },
      meta: runMeta({ seed: 123, wallTimeMs: performance.now() - started }),
      data: { runs },
      claims,
    };
  },
  figures(result) {
    const { runs } = result.data as { runs: Run[] };
    const tEnd = (result.config as { tEnd?: number }).tEnd ?? 300;
    const single: NamedFigure[] = runs.map((r) => {
      const n = r.a[0]!.length;
      const traces: Record<string, unknown>[] = [];
      for (let i = 0; i < n; i++) {
        // 20 logits: colours cycle through the 8 Okabe–Ito colours, dashes tell the blocks apart.
        traces.push(lineTrace({ name: `a<sub>${i}</sub>`, x: r.t, y: column(r.a, i), index: i, width: 1.5 }));
      }
      const gdLr = (result.config as { gd?: { lr?: number } | null }).gd?.lr ?? 1e-3;
      if (r.gd) traces.push(lineTrace({ name: `GD, lr ${gdLr} (max<sub>i</sub> a<sub>i</sub>)`, x: r.gd.t, y: r.gd.a.map((row) => Math.max(...row)), color: seriesColor(6), dash: 'dot', width: 1.5 }));
      return {
        name: `logits-kappa${r.kappa}`,
        title: `a<sub>i</sub>(t), κ = ${r.kappa}`,
        figure: figure({
          title: `Regression 20×20, κ = ${r.kappa}: logits a<sub>i</sub>(t) (spread ${r.spread.toPrecision(3)} at t = ${tEnd})`,
          x: { title: 't', unit: 'gradient-flow time = lr × iterations' },
          y: { title: 'a<sub>i</sub>(t)' },
          data: traces,
          width: 820,
        }),
      };
    });
    const both: NamedFigure = {
      name: 'fig3',
      title: `Fig. 3: logits a<sub>i</sub>(t) for κ = ${runs.map((r) => r.kappa).join(' and ')}`,
      figure: panelFigure({
        title: `Regression 20×20: logits a<sub>i</sub>(t), κ = 1 (a) and κ = 5 (b), to t = ${tEnd}`,
        panels: single.map((f) => f.figure),
        panelTitles: runs.map((r) => `κ = ${r.kappa}`),
      }),
    };
    return [both, ...single];
  },
};

export default sim;
