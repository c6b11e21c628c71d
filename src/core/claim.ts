/**
 * One claim type for the whole project, and the statistics that decide claims over seeds.
 *
 * A claim compares a measured statistic with a prediction. Deterministic claims (a flow
 * integrated to tolerance) are `pass | fail`. Claims decided over random seeds (training runs)
 * carry the interval of the measured statistic at a stated confidence, and are `inconclusive`
 * when that interval straddles the threshold: no claim passes on a tie or on a single seed.
 *
 * Intervals (theory/training-predictions.md, "Verdicts"):
 * - proportions: Wilson score interval (Wilson 1927), good coverage for small n and p near 0 or 1;
 * - difference of two proportions: Newcombe's hybrid score interval (Newcombe 1998, method 10);
 * - means: Student t interval on the per-seed values (n ≥ 2).
 */
import { OptionError } from './errors.js';

/** The verdict of a claim. */
export type ClaimStatus = 'pass' | 'fail' | 'inconclusive';

/** A claim checked numerically: predicted vs measured with a stated tolerance. */
export interface Claim {
  /** Theory id from theory/ (e.g. `VS-8`, `T-1a`). */
  readonly id: string;
  readonly statement: string;
  readonly predicted: number | string;
  readonly measured: number | string;
  readonly tolerance: string;
  /** `status === 'pass'` (kept for readers of older results). */
  readonly pass: boolean;
  readonly status: ClaimStatus;
  /** e.g. `t ∈ [1e-2, 1e5]`. */
  readonly range?: string;
  /** How many independent runs (seeds) decided it; absent for deterministic claims. */
  readonly seeds?: number;
  /** [lo, hi] of the measured statistic at `confidence`. */
  readonly interval?: readonly [number, number];
  /** Confidence level of `interval` (e.g. 0.95). */
  readonly confidence?: number;
  /** Why the verdict is what it is, or what it would need (e.g. "needs ≥ 12 seeds"). */
  readonly note?: string;
}

/**
 * The status of a registered prediction on one case (a problem, a σ, a bound setting): a claim's
 * status, or `not-applicable` when the prediction does not cover the case (e.g. the n = 2
 * invariant P-4 on an n = 8 problem). Only `fail` is a failure.
 */
export type CheckStatus = ClaimStatus | 'not-applicable';

/**
 * A registered prediction checked on one case: a `Claim` whose prediction may not apply (then
 * `predicted` and `measured` are null and `note` says why). `pass` is `status === 'pass'`.
 * `vsflow check`, `vsflow sweep`, `vsflow entropy` and the sims' claims are all this shape.
 */
export interface PredictionCheck extends Omit<Claim, 'status' | 'predicted' | 'measured'> {
  /** Stable short key of the registered prediction (e.g. `winner`, `loss-rate`, `E-10`). */
  readonly name: string;
  readonly predicted: number | string | null;
  readonly measured: number | string | null;
  readonly status: CheckStatus;
  /** |measured − predicted| / tolerance for numeric checks (≤ 1 passes); sweeps rank worst cases by it. */
  readonly margin?: number;
}

/** Tallies of statuses (the summary line of `check`, `sweep`, `reproduce`). */
export interface StatusCounts {
  readonly pass: number;
  readonly fail: number;
  readonly inconclusive: number;
  readonly notApplicable: number;
}

/**
 * Counts claims or checks by status; a record without `status` (a deterministic sim claim before
 * `runSim` fills it in) counts by its `pass`. Example:
 * `countStatuses([{ status: 'pass' }, { status: 'inconclusive' }])` →
 * `{ pass: 1, fail: 0, inconclusive: 1, notApplicable: 0 }`.
 */
export function countStatuses(items: readonly { readonly status?: CheckStatus | undefined; readonly pass?: boolean }[]): StatusCounts {
  let pass = 0;
  let fail = 0;
  let inconclusive = 0;
  let notApplicable = 0;
  for (const c of items) {
    const s = claimStatus(c);
    if (s === 'pass') pass++;
    else if (s === 'fail') fail++;
    else if (s === 'inconclusive') inconclusive++;
    else notApplicable++;
  }
  return { pass, fail, inconclusive, notApplicable };
}

/**
 * A claim as stored in results and reports: `status` may be absent in a record written before
 * statuses existed or by a sim that leaves it to `runSim` (a deterministic claim: read from `pass`).
 */
export type ClaimRecord = Omit<Claim, 'status'> & { readonly status?: ClaimStatus };

/** The status of a claim record: `status`, else from `pass`. Example: `claimStatus({ pass: true })` → `'pass'`. */
export function claimStatus(c: { readonly status?: CheckStatus | undefined; readonly pass?: boolean }): CheckStatus {
  return c.status ?? (c.pass ? 'pass' : 'fail');
}

/**
 * The status of "all of these hold": `fail` when one fails, else `inconclusive` when one is,
 * else `pass` (not-applicable ones are left out; none left is `inconclusive`). Example:
 * `allHold(['pass', 'inconclusive'])` → `'inconclusive'`.
 */
export function allHold(statuses: readonly CheckStatus[]): ClaimStatus {
  const decided = statuses.filter((s) => s !== 'not-applicable');
  if (decided.includes('fail')) return 'fail';
  if (decided.length === 0 || decided.includes('inconclusive')) return 'inconclusive';
  return 'pass';
}

/** Default confidence level of training-claim intervals. */
export const CLAIM_CONFIDENCE = 0.95;

/** A two-sided interval with its level. */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly confidence: number;
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new OptionError('confidence', 'a number in (0, 1)', confidence);
}

function checkCount(name: string, k: number, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`${name}.n`, 'an integer ≥ 1', n);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new OptionError(`${name}.k`, `an integer in [0, ${n}]`, k);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction of the incomplete beta (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t (bisection on the CDF to 1e-12). Example: `studentTQuantile(0.975, 4)` ≈ 2.776. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new OptionError('p', 'a probability in (0, 1)', p);
  if (!(df > 0)) throw new OptionError('df', 'a positive number', df);
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, df) > p) lo *= 2;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new OptionError('p', 'a probability in (0, 1)', p);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log1p(-p));
  return -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
}

/**
 * Wilson score interval of a proportion k/n. Example: `wilsonInterval(5, 5)` ≈ [0.566, 1] at 95 %,
 * so five successes out of five do not yet show a rate above 0.6.
 */
export function wilsonInterval(k: number, n: number, confidence = CLAIM_CONFIDENCE): Interval {
  checkCount('wilsonInterval', k, n);
  checkConfidence(confidence);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half), confidence };
}

/**
 * Newcombe's hybrid score interval for p₁ − p₂ (from the two Wilson intervals). Example:
 * `newcombeInterval(5, 5, 3, 5)` ≈ [−0.12, 0.77]: 5/5 vs 3/5 does not separate.
 */
export function newcombeInterval(k1: number, n1: number, k2: number, n2: number, confidence = CLAIM_CONFIDENCE): Interval {
  const w1 = wilsonInterval(k1, n1, confidence);
  const w2 = wilsonInterval(k2, n2, confidence);
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const diff = p1 - p2;
  const lo = diff - Math.sqrt((p1 - w1.lo) ** 2 + (w2.hi - p2) ** 2);
  const hi = diff + Math.sqrt((w1.hi - p1) ** 2 + (p2 - w2.lo) ** 2);
  return { lo: Math.max(-1, lo), hi: Math.min(1, hi), confidence };
}

/** Mean, sample standard deviation and Student t interval of per-seed values (n ≥ 2). */
export function tInterval(values: readonly number[], confidence = CLAIM_CONFIDENCE): Interval & { readonly mean: number; readonly sd: number; readonly n: number } {
  checkConfidence(confidence);
  const n = values.length;
  if (n < 2) throw new OptionError('tInterval.values', 'at least 2 values', n);
  let mean = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new OptionError('tInterval.values', 'finite numbers', v);
    mean += v;
  }
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  return { lo: mean - half, hi: mean + half, confidence, mean, sd, n };
}

/**
 * One-sided Fisher exact p-value for H₁: p₁ > p₂, from k1/n1 vs k2/n2 (hypergeometric tail).
 * Example: `fisherExactGreater(5, 5, 3, 5)` ≈ 0.222; two-sided ≈ 0.444.
 */
export function fisherExactGreater(k1: number, n1: number, k2: number, n2: number): number {
  checkCount('fisherExactGreater(1)', k1, n1);
  checkCount('fisherExactGreater(2)', k2, n2);
  const total = k1 + k2;
  const lnChoose = (n: number, k: number): number => lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);
  const denom = lnChoose(n1 + n2, total);
  let p = 0;
  for (let x = k1; x <= Math.min(n1, total); x++) {
    if (total - x > n2) continue;
    p += Math.exp(lnChoose(n1, x) + lnChoose(n2, total - x) - denom);
  }
  return Math.min(1, p);
}

/**
 * Verdict of "the statistic is above (or below) `threshold`" from its interval: `pass` when the
 * whole interval is on the predicted side, `fail` when the whole interval is on the other side
 * (touching the threshold counts as the other side: no pass on ties), `inconclusive` otherwise.
 */
export function thresholdVerdict(interval: Pick<Interval, 'lo' | 'hi'>, threshold: number, side: 'above' | 'below'): ClaimStatus {
  const { lo, hi } = interval;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'inconclusive';
  if (side === 'above') {
    if (lo > threshold) return 'pass';
    if (hi <= threshold) return 'fail';
    return 'inconclusive';
  }
  if (hi < threshold) return 'pass';
  if (lo >= threshold) return 'fail';
  return 'inconclusive';
}

/** A deterministic claim's status from its boolean verdict. */
export function statusOf(pass: boolean): ClaimStatus {
  return pass ? 'pass' : 'fail';
}

/**
 * Seeds needed per group so that the Wilson interval of k/n = 1 excludes `p0`: e.g. to show a
 * rate above 0.5 when every run succeeds, `seedsToExclude(0.5)` = 4 at 95 %.
 */
export function seedsToExclude(p0: number, confidence = CLAIM_CONFIDENCE): number {
  for (let n = 1; n <= 10_000; n++) if (wilsonInterval(n, n, confidence).lo > p0) return n;
  return Infinity;
}
