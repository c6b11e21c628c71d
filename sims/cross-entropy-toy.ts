/**
 * Appendix toy of "Gradient Flow Polarizes Softmax Outputs towards Low-Entropy Solutions":
 * cross-entropy with a soft target, output q = softmax(V σ(a)), loss −Σ_j p*_j log q_j, d = k = 10,
 * the notebook's init (seed 123: V = 0.1·randn, a = 0, p* = softmax(10·rand); sims/data/
 * cross-entropy-toy.json, V stored as the notebook's Vᵀ), to t = 1e6 (the notebook: GD lr 0.1,
 * 1e7 steps); quick: t = 1e4.
 * Claims (theory/polarization-predictions.md P-13): the loss reaches its floor H(p*); σ(a) keeps
 * polarising after the loss has (to 1e-3 of its initial excess) reached the floor — its entropy
 * drops further; Σa is conserved (P-3). Full run, measured: the entropy of σ then settles (the
 * floor is reached with finite V, so σ(∞) is not one-hot).
 */
import { runMeta } from '../src/core/run-meta.js';
import { simulate } from '../src/experiments/simulate.js';
import type { ProblemSpec } from '../src/models/problem.js';
import { figure, horizontalLine, lineTrace, verticalLine } from '../src/plot/index.js';
import type { SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';

const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'tEnd', type: 'number', default: 1e6, quick: 1e4, min: 10, max: 1e8, doc: 'gradient-flow time horizon (the settle claim needs tEnd ≥ 1e5)' },
  { name: 'saves', type: 'integer', default: 201, quick: 121, min: 11, max: 20001, doc: 'log-spaced save times in [1e-2, tEnd]' },
]);
import { claim, column, sumAClaim, logTimes, num, readSimData } from './_polarization.js';

const ID = 'cross-entropy-toy';

interface CeData {
  t: number[];
  excess: number[];
  entropy: number[];
  a: number[][];
  floor: number;
  tFloor: number;
}

const sim: SimDefinition = {
  id: ID,
  title: 'Cross-entropy toy: σ keeps polarising after the loss reaches its floor',
  paper: 'polarization',
  reproduces: 'Appendix cross-entropy (KL) toy: loss − H(p*), aᵢ(t) and the entropy of σ(a), d = k = 10',
  theoryIds: ['P-13', 'P-3'],
  parameters: PARAMETERS,
  fixedInit: 'the notebook draws of seed 123, committed in sims/data/cross-entropy-toy.json',
  async run(ctx): Promise<SimResult> {
    const started = performance.now();
    const spec = readSimData<ProblemSpec>('cross-entropy-toy.json');
    const params = simParams<{ tEnd: number; saves: number }>(ctx, PARAMETERS);
    const tEnd = params.tEnd;
    const r = simulate(spec, { method: 'dop853', rtol: 1e-10, atol: 1e-12, tEnd, saveAt: logTimes(1e-2, tEnd, params.saves), maxSteps: 1e7 });
    const p = spec.p as number[];
    const floor = -p.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
    const rec = r.records;
    const excess = rec.map((x) => x.loss - floor);
    const ent = rec.map((x) => x.entropy as number);
    const e0 = excess[0]!;
    const iFloor = excess.findIndex((e) => e <= 1e-3 * e0);
    const last = rec.length - 1;
    const tFloor = iFloor >= 0 ? rec[iFloor]!.t : NaN;
    const drop = iFloor >= 0 ? ent[iFloor]! - ent[last]! : NaN;
    const claims = [
      claim('P-13', 'the loss reaches its floor H(p*): (L(T) − H)/(L(0) − H)', '≤ 1e-4', num(excess[last]! / e0, 3), 'threshold 1e-4', excess[last]! / e0 <= 1e-4, `t = ${tEnd}`),
      claim('P-13', 'σ keeps polarising after the loss is at the floor: entropy drop from t_floor to T (nats)', '≥ 0.05', num(drop, 4), `t_floor = ${num(tFloor, 3)} (excess ≤ 1e-3 of the initial); entropy ${num(ent[iFloor] ?? NaN, 4)} → ${num(ent[last]!, 4)}`, drop >= 0.05, `t ∈ [${num(tFloor, 3)}, ${tEnd}]`),
      sumAClaim(spec, rec, 'Σa conserved'),
    ];
    if (tEnd >= 1e5) {
      const i10 = rec.findIndex((x) => x.t >= tEnd / 10);
      const settle = Math.abs(ent[last]! - ent[i10]!);
      claims.push(claim('P-13', 'measured: the entropy of σ settles on the last decade (σ(∞) not one-hot)', '≤ 1e-3', num(settle, 3), `|H(T) − H(T/10)|; H(T) = ${num(ent[last]!, 4)} nats`, settle <= 1e-3, `t ∈ [${tEnd / 10}, ${tEnd}]`));
    }
    const data: CeData = { t: rec.map((x) => x.t), excess, entropy: ent, a: rec.map((x) => x.a as number[]), floor, tFloor };
    return {
      sim: ID,
      config: { quick: ctx.quick, params, tEnd, problem: 'sims/data/cross-entropy-toy.json', flow: { method: 'dop853', rtol: 1e-10, atol: 1e-12 } },
      meta: runMeta({ seed: 123, wallTimeMs: performance.now() - started }),
      data,
      claims,
    };
  },
  figures(result) {
    const d = result.data as CeData;
    const t = d.t.slice(1);
    const tr: [number, number] = [t[0]!, t[t.length - 1]!];
    const n = d.a[0]!.length;
    return [
      {
        name: 'loss-excess',
        title: 'L(t) − H(p*)',
        figure: figure({
          title: 'Cross-entropy toy: the loss reaches its floor H(p*)',
          x: { title: 't', unit: 'gradient-flow time', log: true },
          y: { title: 'L − H(p*)', unit: 'nats', log: true },
          data: [lineTrace({ name: 'L − H(p*)', x: t, y: d.excess.slice(1).map((e) => Math.max(e, 1e-16)), index: 0 }), verticalLine(d.tFloor, [1e-16, d.excess[0]!], { name: 't<sub>floor</sub> (excess ≤ 10<sup>−3</sup>)' })],
        }),
      },
      {
        name: 'entropy',
        title: 'Entropy of σ(a(t))',
        figure: figure({
          title: 'σ keeps polarising after the loss plateaus',
          x: { title: 't', unit: 'gradient-flow time', log: true },
          y: { title: 'entropy H(σ(a))', unit: 'nats' },
          data: [
            lineTrace({ name: 'H(σ(a(t)))', x: t, y: d.entropy.slice(1), index: 0 }),
            horizontalLine(Math.log(n), tr, { name: 'log n (uniform)' }),
            verticalLine(d.tFloor, [0, Math.log(n)], { name: 't<sub>floor</sub>' }),
          ],
        }),
      },
      {
        name: 'logits',
        title: 'a<sub>i</sub>(t)',
        figure: figure({
          title: 'Logits a<sub>i</sub>(t), semilog-x (as the notebook)',
          x: { title: 't', unit: 'gradient-flow time', log: true },
          y: { title: 'a<sub>i</sub>(t)' },
          data: Array.from({ length: n }, (_, i) => lineTrace({ name: `a<sub>${i}</sub>`, x: t, y: column(d.a, i).slice(1), index: i })),
        }),
      },
    ];
  },
};

export default sim;
