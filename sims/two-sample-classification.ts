/**
 * "Gradient Flow Polarizes Softmax Outputs towards Low-Entropy Solutions", the mechanism behind
 * Fig. 5 (attention of differently labelled samples in classification): K = 2 samples with labels
 * +1 and −1, each with its own logits a_k (a_k(0) = 0), sharing V (0.1·N(0,1)) and β (unit),
 * logistic loss (1/K)Σ_k log(1 + exp(−y_k βᵀVσ(a_k))), d = n = 8, seeded with vsflow's Rng.
 * Claims (theory/polarization-predictions.md P-12, reconstructed): each sample polarises onto its
 * own token — the +1 sample onto argmax u(0), the −1 sample onto argmin u(0) (u = Vᵀβ: the sign of
 * the label flips the ordering of P-6/P-7) — with max σ ≥ 0.9 at t_end; Σa_k conserved per sample.
 */
import { runMeta } from '../src/core/run-meta.js';
import { simulate } from '../src/experiments/simulate.js';
import { randomProblem } from '../src/models/random-problem.js';
import { figure, horizontalLine, lineTrace, seriesColor } from '../src/plot/index.js';
import type { SimDefinition, SimParameter, SimResult } from './types.js';
import { simParams } from './_params.js';

const PARAMETERS: readonly SimParameter[] = Object.freeze([
  { name: 'd', type: 'integer', default: 8, min: 1, max: 256, doc: 'value dimension d (random V, β from the seed)' },
  { name: 'n', type: 'integer', default: 8, min: 2, max: 256, doc: 'tokens per sample n' },
  { name: 'tEnd', type: 'number', default: 1e5, quick: 1e4, min: 1, max: 1e7, doc: 'gradient-flow time horizon' },
  { name: 'saves', type: 'integer', default: 241, quick: 121, min: 11, max: 20001, doc: 'log-spaced save times in [1e-2, tEnd]' },
]);
import { claim, logTimes, sumAClaim, num, softmaxRow } from './_polarization.js';

const ID = 'two-sample-classification';

interface TwoData {
  t: number[];
  /** sigma[k][time][token] */
  sigma: number[][][];
  labels: number[];
  winners: number[];
  loss: number[];
}

const sim: SimDefinition = {
  id: ID,
  title: 'Two labelled samples polarise onto their own tokens (Fig. 5 mechanism)',
  paper: 'polarization',
  reproduces: 'Fig. 5 (mechanism): K = 2 samples, labels ±1, own logits, shared V: each σ(aₖ) → its own one-hot',
  theoryIds: ['P-12', 'P-6', 'P-7', 'P-3'],
  parameters: PARAMETERS,
  async run(ctx): Promise<SimResult> {
    const started = performance.now();
    const seed = ctx.seed ?? 0;
    const p = simParams<{ d: number; n: number; tEnd: number; saves: number }>(ctx, PARAMETERS);
    const tEnd = p.tEnd;
    const spec = randomProblem({ loss: 'logistic', d: p.d, n: p.n, samples: 2, seed });
    spec.labels = [1, -1];
    spec.comment = `two-sample-classification: randomProblem({loss: logistic, d: ${p.d}, n: ${p.n}, samples: 2, seed: ${seed}}) with labels [+1, −1]`;
    const r = simulate(spec, { method: 'dop853', rtol: 1e-10, atol: 1e-12, tEnd, saveAt: logTimes(1e-2, tEnd, p.saves) });
    const u0 = r.records[0]!.u!;
    const argmax = (x: number[]): number => x.indexOf(Math.max(...x));
    const predicted = [argmax(u0), argmax(u0.map((v) => -v))];
    const last = r.records[r.records.length - 1]!;
    const am = last.argmax as number[];
    const mp = last.maxProb as number[];
    const sigma = [0, 1].map((k) => r.records.map((x) => softmaxRow((x.a as number[][])[k]!)));
    const claims = [
      claim('P-12', 'label +1 sample polarises onto argmax u(0)', predicted[0]!, am[0]!, 'exact', am[0] === predicted[0], `t = ${tEnd}`),
      claim('P-12', 'label −1 sample polarises onto argmin u(0)', predicted[1]!, am[1]!, 'exact', am[1] === predicted[1], `t = ${tEnd}`),
      claim('P-12', 'the two samples attend to different tokens', 'different', `${am[0]} vs ${am[1]}`, 'exact', am[0] !== am[1], `t = ${tEnd}`),
      claim('P-12', 'both polarised: min over samples of max σ(a_k)', '≥ 0.9', num(Math.min(...mp), 4), `threshold 0.9 (uniform 1/${p.n})`, Math.min(...mp) >= 0.9, `t = ${tEnd}`),
      sumAClaim(spec, r.records, 'Σa_k conserved for each sample'),
    ];
    const data: TwoData = { t: r.records.map((x) => x.t), sigma, labels: [1, -1], winners: predicted, loss: r.records.map((x) => x.loss) };
    return {
      sim: ID,
      config: { quick: ctx.quick, params: p, seed, tEnd, problem: spec, flow: { method: 'dop853', rtol: 1e-10, atol: 1e-12 } },
      meta: runMeta({ seed, wallTimeMs: performance.now() - started }),
      data,
      claims,
    };
  },
  figures(result) {
    const d = result.data as TwoData;
    const t = d.t.slice(1);
    const n = d.sigma[0]![0]!.length;
    return [0, 1].map((k) => ({
      name: `sigma-sample${k + 1}`,
      title: `σ(a<sub>${k}</sub>(t)), label ${d.labels[k]! > 0 ? '+1' : '−1'}`,
      figure: figure({
        title: `Sample ${k} (label ${d.labels[k]! > 0 ? '+1' : '−1'}): attention polarises onto token ${d.winners[k]!}`,
        x: { title: 't', unit: 'gradient-flow time', log: true },
        y: { title: `σ(a<sub>${k}</sub>)<sub>i</sub>`, log: true },
        data: [
          ...Array.from({ length: n }, (_, i) =>
            // The predicted winner in the first colour (blue), the others after it, as in Fig. 2.
            lineTrace({ name: `σ<sub>${i}</sub>${i === d.winners[k] ? ' (predicted winner)' : ''}`, x: t, y: d.sigma[k]!.slice(1).map((row) => row[i]!), color: seriesColor(i === d.winners[k] ? 0 : i < d.winners[k]! ? i + 1 : i), dash: 'solid', width: i === d.winners[k] ? 3 : 1.5 }),
          ),
          horizontalLine(1 / n, [t[0]!, t[t.length - 1]!], { name: '1/n (uniform)' }),
        ],
      }),
    }));
  },
};

export default sim;
