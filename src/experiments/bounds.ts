/**
 * The ‖P‖_F range and the Jacobian bound of eq. 9 (theory: E-7, E-8, E-12, E-13 in
 * theory/entropy-and-bounds.md; the paper's Sec. 3.5 quoting Dasoulas et al. 2021).
 *
 * 1. ‖P‖_F of row-stochastic N×N matrices: random (softmax of Gaussian logits at random scales)
 *    and adversarial (uniform, one-hot, near-one-hot, mixed), against 1 ≤ ‖P‖_F ≤ √N (E-7);
 *    a temperature sweep P = softmax(Z/τ) from τ = 10³ to 10⁻³ maps ‖P‖_F against H(P).
 * 2. Random layers (X ~ N(0, 1), W_Q, W_K = g·G/√D with g log-uniform in [0.1, 10],
 *    W_V = s·G/√D for each s in `wvScales`, the same G for every s): the analytic Jacobian against central finite
 *    differences; both sides of eq. 9 under both readings of ‖X‖_(2,∞), with W_V = I (the
 *    setting of eq. 9) and with the random W_V (eq. 9 taken literally for A = P X W_V); the
 *    proven sharper bound ‖W_V‖₂(‖P‖₂ + max_i‖x_i‖·‖DZ_X‖_{F,F}) (E-12) and its √2-sharper
 *    variant (theory/reference-values.md R-3; tested, not proven).
 *
 * The mixed norm ‖DZ_X‖_{F,(2,∞)} is bracketed (see `mixedNormBracket`): a draw *fails* a bound
 * only when LHS > RHS evaluated with the upper end (certain), *holds* when LHS ≤ RHS with the
 * lower end (certain), and is *undecided* otherwise. Pure: config → result.
 */
import { frobeniusNorm, meanEntropy } from '../core/attention-metrics.js';
import { OptionError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { runMeta, type RunMeta } from '../core/run-meta.js';
import { softmax } from '../core/softmax.js';
import { checkBoolean, checkNumber, resolveOptions } from '../core/validate.js';
import type { PredictionCheck } from '../core/claim.js';
import { checkBound } from './bound-predictions.js';
import { attentionForward, createJacobianWorkspace, layerNorms, mixedNormBracket, type TwoInfReading } from '../analysis/attention-jacobian.js';
import { nowMs } from '../core/clock.js';

/** Options of `runBoundsExperiment`. */
export interface BoundsOptions {
  /** Tokens N. */
  n: number;
  /** Width D. */
  d: number;
  /** Random layers (each evaluated at every W_V scale and with W_V = I). */
  draws: number;
  /** W_V = s·G/√D for each s. */
  wvScales: number[];
  seed: number;
  /** Z = X W_Q W_Kᵀ Xᵀ/√D when true (the paper's eq. 2 has no scaling). */
  scaled: boolean;
  /** Random row-stochastic matrices for the ‖P‖_F property check. */
  matrices: number;
  /** Temperatures in the ‖P‖_F-vs-entropy sweep. */
  sweepPoints: number;
  /** Draws whose Jacobian is compared with finite differences. */
  fdDraws: number;
}

/**
 * Defaults (the issue's `vsflow bounds --n 6 --d 4 --draws 200 --wv-scale 1,5 --seed 0`).
 *
 * @example
 * BOUNDS_DEFAULTS.wvScales; // [1, 5]
 */
export const BOUNDS_DEFAULTS: Readonly<BoundsOptions> = Object.freeze({
  n: 6,
  d: 4,
  draws: 200,
  wvScales: Object.freeze([1, 5]) as unknown as number[],
  seed: 0,
  scaled: false,
  matrices: 2000,
  sweepPoints: 61,
  fdDraws: 20,
});

/** Distribution of a ratio over draws. */
export interface RatioSummary {
  readonly min: number;
  readonly q05: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly q95: number;
  readonly max: number;
}

/**
 * One bound evaluated over the draws of one setting, with the check of what the theory predicts
 * for it (`id`, `name` — `eq9-identity`, `eq9-literal-false`, `proven-bound` or `sharp-sqrt2` —,
 * `statement`, `predicted`, `measured` = failure fraction, `status`, …; bound-predictions.ts).
 */
export interface BoundVerdict extends PredictionCheck {
  /** e.g. `eq9`, `sharp`, `sharp-sqrt2`. */
  readonly bound: string;
  readonly reading?: TwoInfReading;
  /** `identity`: W_V = I; `wv`: the random W_V of this scale. */
  readonly valueMap: 'identity' | 'wv';
  readonly wvScale: number | null;
  readonly draws: number;
  /** RHS/LHS with the RHS lower end (≥ 1 ⇒ holds for certain). */
  readonly slack: RatioSummary;
  /** Fraction of draws where the bound fails for certain (LHS > RHS upper end). */
  readonly failureFraction: number;
  /** Fraction where the bracket cannot decide. */
  readonly undecidedFraction: number;
  /** The draw with the smallest slack, when it fails (a counterexample). */
  readonly counterexample?: Counterexample;
}

/** A layer on which a bound fails. */
export interface Counterexample {
  readonly bound: string;
  readonly reading?: TwoInfReading;
  readonly valueMap: 'identity' | 'wv';
  readonly scaled: boolean;
  readonly X: number[][];
  readonly WQ: number[][];
  readonly WK: number[][];
  readonly WV: number[][];
  readonly lhs: number;
  /** RHS with the mixed norm's upper end (the largest the RHS can be). */
  readonly rhsUpper: number;
  readonly norms: Record<string, number>;
}

/** Result of `runBoundsExperiment`. */
export interface BoundsResult {
  readonly config: BoundsOptions;
  readonly meta: RunMeta;
  readonly frobenius: {
    readonly random: { count: number; min: number; max: number; violations: number };
    readonly adversarial: { name: string; normF: number; expected: number; entropy: number }[];
    readonly sweep: { tau: number; entropy: number; normF: number }[];
    readonly lower: 1;
    readonly upper: number;
  };
  readonly jacobian: { readonly fdDraws: number; readonly maxRelError: number; readonly step: number };
  readonly verdicts: BoundVerdict[];
  /** `interrupted` when the signal stopped the draws: the verdicts cover `drawsDone` draws. */
  readonly status: 'success' | 'interrupted';
  readonly drawsDone: number;
  /** Per draw and scale: entropy, ‖P‖_F and the eq. 9 sides (figures). */
  readonly samples: { wvScale: number; entropy: number; frobeniusP: number; lhs: number; rhsRowLower: number; rhsColumnLower: number; sharp: number }[];
}

// Linear-interpolation quantile (type 7, as numpy's default and d3-array): 6 lines, no dependency.
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function summarize(values: number[]): RatioSummary {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0]!, q05: quantile(s, 0.05), q25: quantile(s, 0.25), median: quantile(s, 0.5), q75: quantile(s, 0.75), q95: quantile(s, 0.95), max: s[s.length - 1]! };
}

function rows(a: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)));
}

/**
 * Validates and resolves bounds options (errors name `options.<field>`).
 *
 * @example
 * resolveBoundsOptions({ draws: 10 }).n; // 6
 */
export function resolveBoundsOptions(options?: Partial<BoundsOptions>): BoundsOptions {
  const o = resolveOptions('options', BOUNDS_DEFAULTS, options);
  const n = checkNumber('options.n', o.n, { integer: true, min: 2, max: 64 });
  const d = checkNumber('options.d', o.d, { integer: true, min: 1, max: 64 });
  const draws = checkNumber('options.draws', o.draws, { integer: true, min: 1, max: 1e6 });
  if (!Array.isArray(o.wvScales) || o.wvScales.length === 0) throw new OptionError('options.wvScales', 'a non-empty array of numbers > 0', o.wvScales);
  const wvScales = o.wvScales.map((s, i) => checkNumber(`options.wvScales[${i}]`, s, { gt: 0, max: 1e6 }));
  const seed = checkNumber('options.seed', o.seed, { integer: true, min: 0 });
  const scaled = checkBoolean('options.scaled', o.scaled);
  const matrices = checkNumber('options.matrices', o.matrices, { integer: true, min: 1, max: 1e7 });
  const sweepPoints = checkNumber('options.sweepPoints', o.sweepPoints, { integer: true, min: 2, max: 100000 });
  const fdDraws = checkNumber('options.fdDraws', o.fdDraws, { integer: true, min: 0, max: 1e6 });
  return { n, d, draws, wvScales, seed, scaled, matrices, sweepPoints, fdDraws };
}

/** ‖P‖_F checks on random, adversarial and temperature-swept row-stochastic matrices. */
function frobeniusPart(cfg: BoundsOptions, rng: Rng): BoundsResult['frobenius'] {
  const N = cfg.n;
  const P = new Float64Array(N * N);
  const Z = new Float64Array(N * N);
  const upper = Math.sqrt(N);
  // Rounding: ‖P‖_F sums N² squares of numbers ≤ 1; allow 1e-12 relative.
  const eps = 1e-12;
  let min = Infinity;
  let max = -Infinity;
  let violations = 0;
  for (let t = 0; t < cfg.matrices; t++) {
    const scale = 10 ** (-2 + 5 * rng.uniform());
    rng.fillNormal(Z, scale);
    for (let i = 0; i < N; i++) softmax(Z, P, i * N, i * N, N);
    const f = frobeniusNorm(P, N, N);
    if (f < min) min = f;
    if (f > max) max = f;
    if (f < 1 - eps || f > upper * (1 + eps)) violations++;
  }
  const adversarial: { name: string; normF: number; expected: number; entropy: number }[] = [];
  const add = (name: string, fill: (i: number, j: number) => number, expected: number): void => {
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) P[i * N + j] = fill(i, j);
    adversarial.push({ name, normF: frobeniusNorm(P, N, N), expected, entropy: meanEntropy(P, N, N) });
  };
  add('uniform', () => 1 / N, 1);
  add('one-hot (diagonal)', (i, j) => (i === j ? 1 : 0), upper);
  add('one-hot (all on token 0, a sink)', (_i, j) => (j === 0 ? 1 : 0), upper);
  const e = 1e-3;
  // near-one-hot: 1 − e on the diagonal, e/(N−1) elsewhere: ‖P‖_F² = N((1−e)² + e²/(N−1)).
  add('near-one-hot (ε = 1e-3)', (i, j) => (i === j ? 1 - e : e / (N - 1)), Math.sqrt(N * ((1 - e) ** 2 + (e * e) / (N - 1))));
  const half = Math.floor(N / 2);
  // mixed: k one-hot rows and N − k uniform rows: ‖P‖_F² = k + (N − k)/N.
  add(`mixed (${half} one-hot, ${N - half} uniform rows)`, (i, j) => (i < half ? (i === j ? 1 : 0) : 1 / N), Math.sqrt(half + (N - half) / N));
  // two-point rows: mass ½ on two tokens: ‖P‖_F² = N/2.
  add('two-point rows (½, ½)', (i, j) => (j === i || j === (i + 1) % N ? 0.5 : 0), Math.sqrt(N / 2));
  const sweep: { tau: number; entropy: number; normF: number }[] = [];
  const Z0 = new Float64Array(N * N);
  new Rng(cfg.seed).fork(7).fillNormal(Z0);
  for (let k = 0; k < cfg.sweepPoints; k++) {
    const tau = 10 ** (3 - (6 * k) / (cfg.sweepPoints - 1));
    for (let i = 0; i < N * N; i++) Z[i] = Z0[i]! / tau;
    for (let i = 0; i < N; i++) softmax(Z, P, i * N, i * N, N);
    sweep.push({ tau, entropy: meanEntropy(P, N, N), normF: frobeniusNorm(P, N, N) });
  }
  return { random: { count: cfg.matrices, min, max, violations }, adversarial, sweep, lower: 1, upper };
}

/**
 * Runs the ‖P‖_F checks and the eq. 9 evaluation.
 *
 * @example
 * const r = runBoundsExperiment({ draws: 20 });
 * r.verdicts.find((v) => v.bound === 'eq9' && v.reading === 'row' && v.valueMap === 'identity')!.failureFraction; // 0
 */
export function runBoundsExperiment(options?: Partial<BoundsOptions>, control: { signal?: AbortSignal } = {}): BoundsResult {
  const t0 = nowMs();
  const cfg = resolveBoundsOptions(options);
  const { n: N, d: D } = cfg;
  const ND = N * D;
  const c = cfg.scaled ? 1 / Math.sqrt(D) : 1;
  const base = new Rng(cfg.seed);
  const frobenius = frobeniusPart(cfg, base.fork(1));
  const rng = base.fork(2);
  const rngBracket = base.fork(3);
  const ws = createJacobianWorkspace(N, D);
  const X = new Float64Array(ND);
  const WQ = new Float64Array(D * D);
  const WK = new Float64Array(D * D);
  const WV = new Float64Array(D * D);
  const I = new Float64Array(D * D);
  for (let a = 0; a < D; a++) I[a * D + a] = 1;
  const sqrt2 = Math.SQRT2;

  // Finite-difference check of the Jacobian (central differences, h = 1e-6·max(1, |X|)).
  const h = 1e-6;
  let maxRelError = 0;
  const Ap = new Float64Array(ND);
  const Am = new Float64Array(ND);
  const JAcopy = new Float64Array(ND * ND);
  for (let t = 0; t < cfg.fdDraws; t++) {
    const g = 10 ** (-1 + 2 * rng.uniform());
    rng.fillNormal(X);
    rng.fillNormal(WQ, g / Math.sqrt(D));
    rng.fillNormal(WK, g / Math.sqrt(D));
    rng.fillNormal(WV, cfg.wvScales[0]! / Math.sqrt(D));
    layerNorms(X, WQ, WK, WV, c, ws);
    JAcopy.set(ws.JA);
    let maxAbs = 0;
    for (let e = 0; e < ND * ND; e++) maxAbs = Math.max(maxAbs, Math.abs(JAcopy[e]!));
    let maxDiff = 0;
    for (let col = 0; col < ND; col++) {
      const x0 = X[col]!;
      const step = h * Math.max(1, Math.abs(x0));
      X[col] = x0 + step;
      attentionForward(X, WQ, WK, WV, c, ws);
      Ap.set(ws.A);
      X[col] = x0 - step;
      attentionForward(X, WQ, WK, WV, c, ws);
      Am.set(ws.A);
      X[col] = x0;
      for (let r = 0; r < ND; r++) maxDiff = Math.max(maxDiff, Math.abs((Ap[r]! - Am[r]!) / (2 * step) - JAcopy[r * ND + col]!));
    }
    maxRelError = Math.max(maxRelError, maxDiff / Math.max(maxAbs, 1e-300));
  }

  interface Acc {
    bound: string;
    reading?: TwoInfReading;
    valueMap: 'identity' | 'wv';
    wvScale: number | null;
    slack: number[];
    fail: number;
    undecided: number;
    worst?: Counterexample;
    worstSlack: number;
  }
  const accs = new Map<string, Acc>();
  const acc = (bound: string, reading: TwoInfReading | undefined, valueMap: 'identity' | 'wv', wvScale: number | null): Acc => {
    const key = `${bound}|${reading ?? ''}|${valueMap}|${wvScale ?? ''}`;
    let a = accs.get(key);
    if (!a) {
      a = { bound, ...(reading ? { reading } : {}), valueMap, wvScale, slack: [], fail: 0, undecided: 0, worstSlack: Infinity };
      accs.set(key, a);
    }
    return a;
  };
  const samples: BoundsResult['samples'] = [];
  const record = (a: Acc, lhs: number, rhsLo: number, rhsHi: number, layer: () => Omit<Counterexample, 'bound' | 'reading' | 'valueMap' | 'scaled' | 'lhs' | 'rhsUpper'>): void => {
    const slack = rhsLo / lhs;
    a.slack.push(slack);
    const fails = lhs > rhsHi;
    if (fails) a.fail++;
    else if (lhs > rhsLo) a.undecided++;
    if (fails && slack < a.worstSlack) {
      a.worstSlack = slack;
      a.worst = { bound: a.bound, ...(a.reading ? { reading: a.reading } : {}), valueMap: a.valueMap, scaled: cfg.scaled, lhs, rhsUpper: rhsHi, ...layer() };
    }
  };

  // Common random numbers: each draw fixes X, W_Q, W_K and G_V; every scale s uses W_V = s·G_V/√D,
  // so slack vs s is a smooth curve per layer and the identity case is evaluated once per draw.
  const GV = new Float64Array(D * D);
  let drawsDone = cfg.draws;
  for (let t = 0; t < cfg.draws; t++) {
    // Stop between draws when asked (after at least one, so every verdict has a sample).
    if (t >= 1 && control.signal?.aborted) {
      drawsDone = t;
      break;
    }
    const g = 10 ** (-1 + 2 * rng.uniform());
    rng.fillNormal(X);
    rng.fillNormal(WQ, g / Math.sqrt(D));
    rng.fillNormal(WK, g / Math.sqrt(D));
    rng.fillNormal(GV, 1 / Math.sqrt(D));
    const layerOf = (wv: Float64Array, norms: Record<string, number>) => () => ({ X: rows(X, N, D), WQ: rows(WQ, D, D), WK: rows(WK, D, D), WV: rows(wv, D, D), norms });
    const evaluate = (wv: Float64Array, valueMap: 'identity' | 'wv', s: number): void => {
      const nm = layerNorms(X, WQ, WK, wv, c, ws);
      const lhs = nm.jacobianNorm;
      const brRow = mixedNormBracket(ws, 'row', nm.dzNorm, rngBracket);
      const brCol = mixedNormBracket(ws, 'column', nm.dzNorm, rngBracket);
      const normsRec = { ...nm, dzMixedRowLower: brRow.lower, dzMixedRowUpper: brRow.upper, dzMixedColumnLower: brCol.lower, dzMixedColumnUpper: brCol.upper } as unknown as Record<string, number>;
      const scaleKey = valueMap === 'identity' ? null : s;
      const rowLo = nm.frobeniusP + sqrt2 * nm.maxRowNorm * brRow.lower;
      const rowHi = nm.frobeniusP + sqrt2 * nm.maxRowNorm * brRow.upper;
      const colLo = nm.frobeniusP + sqrt2 * nm.maxColumnNorm * brCol.lower;
      const colHi = nm.frobeniusP + sqrt2 * nm.maxColumnNorm * brCol.upper;
      record(acc('eq9', 'row', valueMap, scaleKey), lhs, rowLo, rowHi, layerOf(wv, normsRec));
      record(acc('eq9', 'column', valueMap, scaleKey), lhs, colLo, colHi, layerOf(wv, normsRec));
      const sharp = nm.spectralWV * (nm.spectralP + nm.maxRowNorm * nm.dzNorm);
      const sharp2 = nm.spectralWV * (nm.spectralP + (nm.maxRowNorm * nm.dzNorm) / sqrt2);
      record(acc('sharp', undefined, valueMap, scaleKey), lhs, sharp, sharp, layerOf(wv, normsRec));
      record(acc('sharp-sqrt2', undefined, valueMap, scaleKey), lhs, sharp2, sharp2, layerOf(wv, normsRec));
      if (valueMap === 'wv') {
        // eq. 9 with the value map's norm as a factor: ‖W_V‖₂ × RHS (the corrected reading).
        record(acc('eq9-times-wv', 'row', valueMap, scaleKey), lhs, nm.spectralWV * rowLo, nm.spectralWV * rowHi, layerOf(wv, normsRec));
        record(acc('eq9-times-wv', 'column', valueMap, scaleKey), lhs, nm.spectralWV * colLo, nm.spectralWV * colHi, layerOf(wv, normsRec));
        samples.push({ wvScale: s, entropy: meanEntropy(ws.P, N, N), frobeniusP: nm.frobeniusP, lhs, rhsRowLower: rowLo, rhsColumnLower: colLo, sharp });
      }
    };
    evaluate(I, 'identity', 1);
    for (const s of cfg.wvScales) {
      for (let e = 0; e < D * D; e++) WV[e] = s * GV[e]!;
      evaluate(WV, 'wv', s);
    }
  }

  const verdicts: BoundVerdict[] = [...accs.values()].map((a) => {
    const counts = { draws: a.slack.length, failureFraction: a.fail / a.slack.length, undecidedFraction: a.undecided / a.slack.length };
    return {
      ...checkBound({ bound: a.bound, ...(a.reading ? { reading: a.reading } : {}), valueMap: a.valueMap, wvScale: a.wvScale, d: D }, counts),
      bound: a.bound,
      ...(a.reading ? { reading: a.reading } : {}),
      valueMap: a.valueMap,
      wvScale: a.wvScale,
      draws: counts.draws,
      slack: summarize(a.slack),
      failureFraction: counts.failureFraction,
      undecidedFraction: counts.undecidedFraction,
      ...(a.worst ? { counterexample: a.worst } : {}),
    };
  });
  return {
    config: cfg,
    meta: runMeta({ seed: cfg.seed, wallTimeMs: nowMs() - t0 }),
    frobenius,
    jacobian: { fdDraws: cfg.fdDraws, maxRelError, step: h },
    verdicts,
    status: drawsDone < cfg.draws ? 'interrupted' : 'success',
    drawsDone,
    samples,
  };
}
