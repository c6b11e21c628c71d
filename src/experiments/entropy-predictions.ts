/**
 * The predictions of the controlled logit-variance experiment as registered data
 * (theory/entropy-and-bounds.md: E-9, E-10, E-11): id, stable name, when each applies to a
 * (kind, σ) cell, what it measures (a sample mean and its standard error) and the verdict
 * |measured − predicted| ≤ tolerance. `runEntropyExperiment` (entropy.ts) runs them on its cells;
 * `vsflow entropy` prints them; the entropy sims turn them into their claims with `entropyClaim`.
 * Browser-safe.
 */
import type { AttentionKind } from '../core/attention-kinds.js';
import type { Claim, PredictionCheck } from '../core/claim.js';
import { APPLIES, doesNotApply, type Prediction } from '../core/prediction.js';

/** A prediction of the experiment checked on one (kind, σ) cell or one σ. */
export interface EntropyPrediction extends PredictionCheck {
  readonly kind?: AttentionKind;
  readonly sigma: number;
  readonly predicted: number;
  readonly measured: number;
  /** Standard error of the measured mean. */
  readonly se: number;
  /** The tolerance as text (`±0.0123 (tolerance 3 s.e.)`); `toleranceValue` is the number. */
  readonly tolerance: string;
  readonly toleranceValue: number;
  /** (measured − predicted)/se. */
  readonly zScore: number;
  /** False where the prediction does not cover the cell (E-11 above σ = SMALL_SIGMA_MAX); `status` is then `not-applicable`. */
  readonly applicable: boolean;
  readonly note: string;
  /** `σ = 0.5`. */
  readonly range: string;
}

/** The cell a prediction is checked on. */
export interface EntropyCase {
  /** Keys per row N. */
  readonly n: number;
  readonly sigma: number;
  /** Attention kind (absent for the logits' own predictions, E-9 and E-10). */
  readonly kind?: AttentionKind;
}

/** What the predictions measure: a sample mean with its standard error (and, for E-9, the estimator's own bias bound). */
export interface MeanEstimate {
  readonly mean: number;
  readonly se: number;
  /** The estimator's own tolerance, when it is not 3 s.e. (E-9: 3 s.e. + binning bias + the mass outside ±6σ). */
  readonly tolerance?: number;
}

/** A registered prediction of the experiment. */
export type EntropyPredictionDef = Prediction<EntropyCase, MeanEstimate, MeanEstimate, EntropyPrediction>;

/**
 * E-11 small-σ expansion of the softmax row entropy, to order 2 or 4 (theory/entropy-and-bounds.md).
 *
 * @example
 * smallSigmaEntropy(20, 0.5, 2); // log 20 − 0.25·19/40 = 2.8769822735539908
 */
export function smallSigmaEntropy(n: number, sigma: number, order: 2 | 4): number {
  const s2 = sigma * sigma;
  const base = Math.log(n) - (s2 * (n - 1)) / (2 * n);
  return order === 2 ? base : base + (0.75 * s2 * s2 * (n - 1)) / (n * n);
}

/** Largest σ at which the small-σ expansion is checked (σ² ≤ 1/4; see E-11). */
export const SMALL_SIGMA_MAX = 0.5;

function decide(p: EntropyPredictionDef, c: EntropyCase, m: MeanEstimate, predicted: number, tolerance: number, note: string): EntropyPrediction {
  const applicable = p.applies(c).applies;
  const diff = m.mean - predicted;
  const ok = Math.abs(diff) <= tolerance;
  const status = !applicable ? 'not-applicable' : ok ? 'pass' : 'fail';
  return {
    id: p.id,
    name: p.name,
    statement: p.statement,
    ...(c.kind !== undefined ? { kind: c.kind } : {}),
    sigma: c.sigma,
    predicted,
    measured: m.mean,
    se: m.se,
    tolerance: `±${tolerance.toPrecision(3)} (${note})`,
    toleranceValue: tolerance,
    zScore: m.se > 0 ? diff / m.se : diff === 0 ? 0 : Infinity,
    applicable,
    pass: status === 'pass',
    status,
    margin: Math.abs(diff) / tolerance,
    range: `σ = ${Number(c.sigma.toPrecision(3))}`,
    note,
  };
}

const identity = (m: MeanEstimate): MeanEstimate => m;
const smallSigma = (c: EntropyCase) => (c.sigma <= SMALL_SIGMA_MAX ? APPLIES : doesNotApply(`σ = ${c.sigma} > ${SMALL_SIGMA_MAX}: the expansion is checked for σ² ≤ 1/4`));

/** E-10: E[Var_j z_j] = σ²(N − 1)/N, exact at every σ; tolerance 3 s.e. */
export const LOGIT_VARIANCE: EntropyPredictionDef = {
  id: 'E-10',
  name: 'logit-variance',
  statement: 'E[Var_j z_j] = σ²(N−1)/N (exact, every σ)',
  applies: () => APPLIES,
  measure: identity,
  verdict(m, c) {
    return decide(this, c, m, (c.sigma * c.sigma * (c.n - 1)) / c.n, 3 * m.se, 'tolerance 3 s.e.');
  },
};

/** E-11 to order σ²: E[H] ≈ log N − σ²(N − 1)/(2N) (softmax, τ = 1). */
export const SMALL_SIGMA_ENTROPY: EntropyPredictionDef = {
  id: 'E-11',
  name: 'small-sigma-entropy',
  statement: 'small σ: E[H] ≈ log N − σ²(N−1)/(2N)',
  applies: smallSigma,
  measure: identity,
  verdict(m, c) {
    const c4 = (0.75 * c.sigma ** 4 * (c.n - 1)) / (c.n * c.n);
    return decide(this, c, m, smallSigmaEntropy(c.n, c.sigma, 2), 3 * m.se + c4, `tolerance 3 s.e. + first omitted term (3/4)σ⁴(N−1)/N² = ${c4.toPrecision(3)}; checked for σ ≤ ${SMALL_SIGMA_MAX}`);
  },
};

/** E-11 to order σ⁴ (softmax, τ = 1). */
export const SMALL_SIGMA_ENTROPY_4: EntropyPredictionDef = {
  id: 'E-11',
  name: 'small-sigma-entropy-4',
  statement: 'small σ, to order σ⁴: E[H] ≈ log N − σ²(N−1)/(2N) + (3/4)σ⁴(N−1)/N²',
  applies: smallSigma,
  measure: identity,
  verdict(m, c) {
    const c4 = (0.75 * c.sigma ** 4 * (c.n - 1)) / (c.n * c.n);
    return decide(this, c, m, smallSigmaEntropy(c.n, c.sigma, 4), 3 * m.se + c4 * c.sigma * c.sigma, `tolerance 3 s.e. + c₄σ⁶ (heuristic size of the O(σ⁶) remainder); checked for σ ≤ ${SMALL_SIGMA_MAX}`);
  },
};

/** E-9: the differential entropy of the logits is ½ log(2πσ²) + ½ (histogram estimate). */
export const GAUSSIAN_ENTROPY: EntropyPredictionDef = {
  id: 'E-9',
  name: 'gaussian-entropy',
  statement: 'differential entropy of the logits = ½ log(2πσ²) + ½',
  applies: () => APPLIES,
  measure: identity,
  verdict(m, c) {
    return decide(this, c, m, 0.5 * Math.log(2 * Math.PI * c.sigma * c.sigma) + 0.5, m.tolerance ?? 3 * m.se, 'histogram estimate (Miller–Madow), tolerance 3 s.e. + binning bias w²/(24σ²)');
  },
};

/**
 * Every prediction of the experiment.
 *
 * @example
 * ENTROPY_PREDICTIONS.map((p) => p.name); // ['logit-variance', 'small-sigma-entropy', 'small-sigma-entropy-4', 'gaussian-entropy']
 */
export const ENTROPY_PREDICTIONS: readonly EntropyPredictionDef[] = Object.freeze([LOGIT_VARIANCE, SMALL_SIGMA_ENTROPY, SMALL_SIGMA_ENTROPY_4, GAUSSIAN_ENTROPY]);

/**
 * A checked prediction as a sim claim: the kind in the statement, the σ as its range.
 *
 * @example
 * entropyClaim(LOGIT_VARIANCE.verdict({ mean: 0.238, se: 0.001 }, { n: 20, sigma: 0.5 })).status; // 'pass'
 */
export function entropyClaim(p: EntropyPrediction): Claim {
  const status = p.status === 'not-applicable' ? 'inconclusive' : p.status;
  return { id: p.id, statement: `${p.statement}${p.kind ? ` [${p.kind}]` : ''}`, predicted: p.predicted, measured: p.measured, tolerance: p.tolerance, pass: status === 'pass', status, range: p.range };
}
