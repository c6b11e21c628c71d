/**
 * Fig. 2 of "Gradient Flow Polarizes Softmax Outputs towards Low-Entropy Solutions" (Varre,
 * Rofin, Flammarion): the logistic toy, d = n = 8, with the authors' notebook initialisation
 * (np.random.seed(123), W = 0.1·randn, a = 0, β = randn/‖·‖; committed in
 * sims/data/fig2-logistic.json). σ_i(t) on log-log axes and u_i(t) = (Vᵀβ)_i on semilog-x, the
 * gradient flow (dop853) and gradient descent (lr 0.1, as the notebook) overlaid.
 * Claims (theory/polarization-predictions.md): the winner is argmax u(0) = 6 (P-7), the order of
 * u is preserved (P-6), t·L(t) → 1 (P-8a), max σ at t = 1e3 / 1e5 as computed independently
 * with scipy (R-1), and GD tracks the flow.
 */
import { runMeta } from '../src/core/run-meta.js';
import { simulate } from '../src/experiments/simulate.js';
import { checkPredictions } from '../src/analysis/predictions.js';
import type { ProblemSpec } from '../src/models/problem.js';
import { figure, lineTrace, horizontalLine, panelFigure, seriesColor } from '../src/plot/index.js';
import type { SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';
import { checkClaim, claim, column, logTimes, num, readSimData, softmaxRow } from './_polarization.js';

interface Series {
  t: number[];
  sigma: number[][];
  u: number[][];
  loss: number[];
}
interface Fig2Data {
  flow: Series;
  gd: Series;
  winner: number;
}

const ID = 'fig2-logistic-polarization';

/** Settings of the run; the initialisation itself is the notebook's (fixed). */
const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'tEnd', type: 'number', default: 1e5, quick: 1e4, min: 10, max: 1e7, doc: 'gradient-flow time horizon (paper: 1e5 = 1e6 GD steps of lr 0.1); the t = 1e5 claim needs tEnd ≥ 1e5' },
  { name: 'lr', type: 'number', default: 0.1, min: 1e-4, max: 1, doc: 'learning rate of the overlaid gradient descent (paper notebook: 0.1); GD runs tEnd/lr steps' },
  { name: 'saves', type: 'integer', default: 421, quick: 241, min: 11, max: 20001, doc: 'log-spaced save times of the flow in [1e-2, tEnd]' },
  { name: 'gdSaves', type: 'integer', default: 201, quick: 121, min: 11, max: 20001, doc: 'log-spaced save times of gradient descent in [lr, tEnd]' },
]);

function series(records: readonly { t: number; a: number[] | number[][]; u?: number[]; loss: number }[]): Series {
  return {
    t: records.map((r) => r.t),
    sigma: records.map((r) => softmaxRow(r.a as number[])),
    u: records.map((r) => r.u!),
    loss: records.map((r) => r.loss),
  };
}

const sim: SimDefinition = {
  id: ID,
  title: 'Logistic loss: σ(a(t)) polarises, u keeps its order (Fig. 2)',
  paper: 'polarization',
  reproduces: 'Fig. 2: σᵢ(t) → one-hot and uᵢ(t) diverge in order, logistic toy d = n = 8 (flow and GD lr 0.1)',
  theoryIds: ['P-6', 'P-7', 'P-8', 'P-8a'],
  parameters: PARAMETERS,
  fixedInit: 'the notebook draws of np.random.seed(123), committed in sims/data/fig2-logistic.json',
  async run(ctx): Promise<SimResult> {
    const started = performance.now();
    const p = simParams<{ tEnd: number; lr: number; saves: number; gdSaves: number }>(ctx, PARAMETERS);
    const spec = readSimData<ProblemSpec>('fig2-logistic.json');
    const tEnd = p.tEnd;
    const lr = p.lr;
    const saves = [...new Set([...logTimes(1e-2, tEnd, p.saves), ...(tEnd >= 1e3 ? [1e3] : [])])].sort((x, y) => x - y);
    ctx.onProgress?.(0, 'flow (dop853)');
    const flow = simulate(spec, { method: 'dop853', rtol: 1e-10, atol: 1e-12, tEnd, saveAt: saves });
    ctx.onProgress?.(0.1, `gradient descent (lr ${lr}, ${tEnd / lr} steps)`);
    const gdSaves = logTimes(lr, tEnd, p.gdSaves);
    const gd = simulate(spec, { method: 'gd', lr, tEnd, saveAt: gdSaves });
    ctx.onProgress?.(0.8, 'predictions');
    const check = checkPredictions(spec, { tEnd });
    const F = series(flow.records);
    const G = series(gd.records);
    const last = flow.records[flow.records.length - 1]!;
    const gdLast = gd.records[gd.records.length - 1]!;
    const at1e3 = flow.records.find((r) => r.t === 1e3);
    const c = (name: string) => check.checks.find((x) => x.name === name)!;
    const winner = c('winner');
    const tl = last.t * last.loss;
    const flowArgmaxes = flow.records.slice(1).map((r) => r.argmax as number);
    const claims = [
      // The flow's predictions come from the registry (src/analysis/polarization-registry.ts) through checkPredictions.
      winner.predicted === 6 ? checkClaim(winner, 'winner argmax σ(a(t)) = argmax u(0) at every accepted step (flow)') : claim('P-7', 'the predicted winner is the notebook\'s index 6', 6, String(winner.predicted), 'exact', false),
      claim('P-7', `GD (lr ${lr}) picks the same winner at every save`, 6, flowArgmaxes.every((m) => m === 6) && gd.records.slice(1).every((r) => r.argmax === 6) ? 6 : 'differs', 'exact', gd.records.slice(1).every((r) => r.argmax === 6)),
      checkClaim(c('order-u'), 'order of u(t) = order of u(0) (flow, every step)'),
      checkClaim(c('order-a'), 'order of a(t) = order of u(0) (flow, every step)'),
      // t·L at t_end as a finite-t measurement, not the registry's P-8a: the registry decides the
      // asymptotic rate only once max σ ≥ ½ at t_end/100 (at the quick t_end = 1e4 it would say
      // inconclusive); at t_end = 1e5 the check's loss-rate gives the same number.
      claim('P-8a', 't·L(t) → 1 (‖β‖ = 1)', 1, num(tl, 6), '|t·L − 1| ≤ 0.05 at t_end', Math.abs(tl - 1) <= 0.05, `t = ${tEnd}`),
    ];
    if (at1e3 !== undefined) {
      claims.push(claim('P-8', 'max σ at t = 1e3 (scipy reference 0.875, R-1)', 0.875, num(at1e3.maxProb as number, 5), '±0.005 (the reference is quoted to 3 digits)', Math.abs((at1e3.maxProb as number) - 0.875) <= 0.005, 't = 1e3'));
    }
    if (tEnd === 1e5) {
      claims.push(claim('P-8', 'max σ at t = 1e5 (scipy reference 0.975, R-1)', 0.975, num(last.maxProb as number, 5), '±0.005', Math.abs((last.maxProb as number) - 0.975) <= 0.005, 't = 1e5'));
    }
    const dm = Math.abs((gdLast.maxProb as number) - (last.maxProb as number));
    claims.push(claim('VS-4', `GD (lr ${lr}) tracks the flow: |max σ_GD − max σ_flow| at t_end`, 0, num(dm, 3), '≤ 0.01 (Euler error O(lr))', dm <= 0.01, `t = ${tEnd}`));
    const data: Fig2Data = { flow: F, gd: G, winner: 6 };
    return {
      sim: ID,
      config: { quick: ctx.quick, params: p, problem: 'sims/data/fig2-logistic.json', tEnd, flow: { method: 'dop853', rtol: 1e-10, atol: 1e-12, saves: saves.length }, gd: { lr, steps: Math.round(tEnd / lr), saves: gdSaves.length } },
      meta: runMeta({ seed: 123, wallTimeMs: performance.now() - started }),
      data,
      claims,
    };
  },
  figures(result) {
    const d = result.data as Fig2Data;
    const n = d.flow.sigma[0]!.length;
    const lr = (result.config as { gd?: { lr?: number } }).gd?.lr ?? 0.1;
    const sigmaTraces: Record<string, unknown>[] = [];
    const uTraces: Record<string, unknown>[] = [];
    const skip0 = <T>(xs: T[]): T[] => xs.slice(1); // t = 0 cannot sit on a log axis
    for (let i = 0; i < n; i++) {
      // The winner gets the first Okabe–Ito colour (blue, as the paper's caption: "blue line goes to 1").
      const color = seriesColor(i === d.winner ? 0 : i < d.winner ? i + 1 : i);
      const win = i === d.winner;
      sigmaTraces.push(lineTrace({ name: win ? `σ<sub>${i}</sub> (winner), flow` : `σ<sub>${i}</sub>`, x: skip0(d.flow.t), y: skip0(column(d.flow.sigma, i)), color, dash: 'solid', legendgroup: `s${i}`, width: win ? 3 : 1.5 }));
      sigmaTraces.push(lineTrace({ name: win ? `GD, lr ${lr} (dotted)` : `σ<sub>${i}</sub> GD`, x: d.gd.t, y: column(d.gd.sigma, i), color, dash: 'dot', legendgroup: `s${i}`, showlegend: win, width: 1.5 }));
      uTraces.push(lineTrace({ name: win ? `u<sub>${i}</sub> (winner), flow` : `u<sub>${i}</sub>`, x: skip0(d.flow.t), y: skip0(column(d.flow.u, i)), color, dash: 'solid', legendgroup: `u${i}`, width: win ? 3 : 1.5 }));
      uTraces.push(lineTrace({ name: win ? `GD, lr ${lr} (dotted)` : `u<sub>${i}</sub> GD`, x: d.gd.t, y: column(d.gd.u, i), color, dash: 'dot', legendgroup: `u${i}`, showlegend: win, width: 1.5 }));
    }
    const tRange: [number, number] = [d.flow.t[1]!, d.flow.t[d.flow.t.length - 1]!];
    sigmaTraces.push(horizontalLine(1 / n, tRange, { name: `1/n (uniform)` }));
    const tl = skip0(d.flow.t).map((t, k) => t * d.flow.loss[k + 1]!);
    const sigma = figure({
      title: 'Attention σ(a(t)) → one-hot (logistic loss, d = n = 8, notebook init)',
      x: { title: 't', unit: 'gradient-flow time = lr × iterations', log: true },
      y: { title: 'σ<sub>i</sub>(a(t))', log: true },
      data: sigmaTraces,
      width: 820,
    });
    const u = figure({
      title: 'Value projections u = Vᵀβ diverge and keep their order',
      x: { title: 't', unit: 'gradient-flow time', log: true },
      y: { title: 'u<sub>i</sub>(t) = (Vᵀβ)<sub>i</sub>' },
      data: uTraces,
      width: 820,
    });
    return [
      {
        name: 'fig2',
        title: 'Fig. 2: σ<sub>i</sub>(t) (log-log) and u<sub>i</sub>(t) (semilog-x)',
        caption: 'Token indices are 0-based, as in the result JSON and the claims (the winner σ<sub>6</sub> is σ<sub>7</sub> in the notebook\'s 1-based legend).',
        figure: panelFigure({
          title: `Logistic loss, d = n = 8: (a) σ(a(t)) → one-hot; (b) u = Vᵀβ diverges in order (flow solid, GD lr ${lr} dotted)`,
          panels: [sigma, u],
          shareX: true,
        }),
      },
      { name: 'sigma-loglog', title: `σ<sub>i</sub>(t), log-log (flow solid, GD lr ${lr} dotted)`, figure: sigma },
      { name: 'u-semilogx', title: 'u<sub>i</sub>(t) = (Vᵀβ)<sub>i</sub>, semilog-x', figure: u },
      {
        name: 'tl',
        title: 't·L(t) → 1',
        figure: figure({
          title: 'Loss rate: t·L(t) → 1 (P-8a)',
          x: { title: 't', unit: 'gradient-flow time', log: true },
          y: { title: 't·L(t)' },
          data: [lineTrace({ name: 't·L(t) flow', x: skip0(d.flow.t), y: tl, index: 0 }), horizontalLine(1, tRange, { name: 'prediction 1' })],
        }),
      },
    ];
  },
};

export default sim;
