/**
 * Verdicts of the training claims over seeds (theory/training-predictions.md, "Verdicts with
 * statistics"): every claim is a `Claim` of src/core/claim.ts with `status`, `seeds` (the runs
 * that decided it) and `interval` (95 %): Wilson for a proportion, Newcombe for a difference of
 * two proportions, Student t for a mean over seeds. `thresholdVerdict` decides: pass only when
 * the whole interval is on the predicted side, never on a tie, never on one seed.
 */
import { CLAIM_CONFIDENCE, newcombeInterval, tInterval, thresholdVerdict, wilsonInterval, type Claim, type ClaimStatus } from '../src/core/claim.js';

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));
const iv = (lo: number, hi: number): string => `[${fmt(lo)}, ${fmt(hi)}]`;

/** Base fields of a statistical claim. */
interface ClaimText {
  readonly id: string;
  readonly statement: string;
  readonly predicted: string;
}

function make(t: ClaimText, measured: string, tolerance: string, status: ClaimStatus, seeds: number, interval: [number, number] | undefined, note: string | undefined): Claim {
  return {
    id: t.id,
    statement: t.statement,
    predicted: t.predicted,
    measured,
    tolerance,
    pass: status === 'pass',
    status,
    seeds,
    ...(interval !== undefined ? { interval, confidence: CLAIM_CONFIDENCE } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/**
 * "The proportion k/n is above (below) `threshold`": Wilson interval; with n = 0 the claim is
 * `inconclusive` (nothing measured). `seeds` = the independent runs behind n (n may count heads).
 */
export function proportionClaim(t: ClaimText, k: number, n: number, threshold: number, side: 'above' | 'below', seeds: number, note?: string): Claim {
  if (n === 0 || seeds < 2) {
    const why = n === 0 ? 'nothing to measure' : 'one seed cannot decide a claim over seeds';
    return make(t, n === 0 ? 'n/a' : `${k}/${n}`, `Wilson 95 % vs ${threshold}`, 'inconclusive', seeds, n === 0 ? undefined : [wilsonInterval(k, n).lo, wilsonInterval(k, n).hi], note ? `${why}; ${note}` : why);
  }
  const w = wilsonInterval(k, n);
  return make(t, `${k}/${n} = ${fmt(k / n)}, 95 % ${iv(w.lo, w.hi)}`, `Wilson 95 % ${side} ${threshold}`, thresholdVerdict(w, threshold, side), seeds, [w.lo, w.hi], note);
}

/**
 * "p₁ = k1/n1 exceeds p₂ = k2/n2": Newcombe interval of p₁ − p₂ above 0 → pass, at or below 0 →
 * fail, straddling → inconclusive (equal counts can never pass). Empty groups: inconclusive.
 */
export function differenceClaim(t: ClaimText, a: { label: string; k: number; n: number }, b: { label: string; k: number; n: number }, seeds: number, note?: string): Claim {
  const measured = `${a.label} ${a.k}/${a.n}, ${b.label} ${b.k}/${b.n}`;
  if (a.n === 0 || b.n === 0 || seeds < 2) {
    const why = a.n === 0 || b.n === 0 ? 'a group has no runs to count' : 'one seed cannot decide a claim over seeds';
    return make(t, measured, 'Newcombe 95 % of p₁ − p₂ above 0', 'inconclusive', seeds, undefined, note ? `${why}; ${note}` : why);
  }
  const d = newcombeInterval(a.k, a.n, b.k, b.n);
  return make(t, `${measured}; p₁ − p₂ = ${fmt(a.k / a.n - b.k / b.n)}, 95 % ${iv(d.lo, d.hi)}`, 'Newcombe 95 % of p₁ − p₂ above 0', thresholdVerdict(d, 0, 'above'), seeds, [d.lo, d.hi], note);
}

/** "The mean over seeds of a per-seed value is above (below) `threshold`": Student t interval. */
export function meanClaim(t: ClaimText, values: readonly number[], threshold: number, side: 'above' | 'below', unit: string, note?: string): Claim {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) {
    const why = finite.length === 0 ? 'no finite per-seed value' : `one seed (${fmt(finite[0]!)} ${unit}) cannot decide a claim over seeds`;
    return make(t, finite.length === 0 ? 'n/a' : `${fmt(finite[0]!)} ${unit}`, `t 95 % ${side} ${threshold}`, 'inconclusive', finite.length, undefined, note ? `${why}; ${note}` : why);
  }
  const ti = tInterval(finite);
  return make(t, `mean ${fmt(ti.mean)}${unit ? ` ${unit}` : ''} (sd ${fmt(ti.sd)}, n = ${ti.n}), 95 % ${iv(ti.lo, ti.hi)}`, `t 95 % ${side} ${threshold}`, thresholdVerdict(ti, threshold, side), ti.n, [ti.lo, ti.hi], note);
}
