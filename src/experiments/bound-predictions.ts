/**
 * The Jacobian-bound predictions as registered data (theory/entropy-and-bounds.md E-8, E-12,
 * the table "What holds for eq. 9"): for each bound × reading × value map, what the theory says
 * (holds on every layer, or is false), when that applies (the column reading of eq. 9 is proven
 * for D ≤ 8 only), and the verdict from the draws' counts. `runBoundsExperiment` attaches the
 * check to each of its verdicts; the bound sim reads its claims from them. Browser-safe.
 *
 * A "holds" prediction fails when some draw fails for certain (LHS above the RHS evaluated with
 * the mixed norm's upper end), is inconclusive when no draw fails but some cannot be decided
 * (the bracket straddles), and passes otherwise. "Eq. 9 without a ‖W_V‖ factor is false" passes
 * when a draw fails for certain (a counterexample) and is inconclusive when none did at this
 * scale: not finding a counterexample does not make the bound true.
 */
import type { PredictionCheck } from '../core/claim.js';
import { APPLIES, doesNotApply, notApplicableCheck, type Prediction } from '../core/prediction.js';

/** One bound setting: which bound, reading and value map, at which width. */
export interface BoundCase {
  /** `eq9`, `eq9-times-wv`, `sharp`, `sharp-sqrt2`. */
  readonly bound: string;
  readonly reading?: 'row' | 'column';
  readonly valueMap: 'identity' | 'wv';
  readonly wvScale: number | null;
  /** Width D. */
  readonly d: number;
}

/** The counts a bound's verdict is decided on. */
export interface BoundCounts {
  readonly draws: number;
  readonly failureFraction: number;
  readonly undecidedFraction: number;
}

/** A registered bound prediction. */
export type BoundPrediction = Prediction<BoundCase, BoundCounts, BoundCounts>;

const label = (c: BoundCase): string => `${c.bound}${c.reading ? ` (${c.reading} reading)` : ''}, ${c.valueMap === 'identity' ? 'W_V = I' : `W_V scale ${c.wvScale}`}`;
const range = (c: BoundCase, m: BoundCounts): string => `${m.draws} random layers, ${c.valueMap === 'identity' ? 'W_V = I' : `W_V = ${c.wvScale}·G/√D`}`;
const HOLDS_TOLERANCE = 'no draw fails for certain (LHS > RHS with the mixed norm upper end); undecided draws make it inconclusive';

function holds(p: { id: string; name: string }, statement: string, c: BoundCase, m: BoundCounts): PredictionCheck {
  const status = m.failureFraction > 0 ? 'fail' : m.undecidedFraction > 0 ? 'inconclusive' : 'pass';
  return {
    id: p.id,
    name: p.name,
    statement: `${statement}: ${label(c)}`,
    predicted: 0,
    measured: m.failureFraction,
    tolerance: HOLDS_TOLERANCE,
    pass: status === 'pass',
    status,
    range: range(c, m),
    ...(status === 'inconclusive' ? { note: `${(100 * m.undecidedFraction).toFixed(1)} % of draws undecided by the bracket` } : {}),
  };
}

/** Where the column reading of eq. 9 is proven (D ≤ 8); the row reading always (via E-12). */
const provenFor = (c: BoundCase) => (c.reading !== 'column' || c.d <= 8 ? APPLIES : doesNotApply(`column reading at D = ${c.d}: proven for D ≤ 8 only (no counterexample found up to D = 20, not claimed)`));
const counts = (o: BoundCounts): BoundCounts => ({ draws: o.draws, failureFraction: o.failureFraction, undecidedFraction: o.undecidedFraction });

/** E-8: eq. 9 with W_V = I (A = PX, the quoted setting) holds: row reading (via E-12), column reading for D ≤ 8. */
export const EQ9_IDENTITY: BoundPrediction = {
  id: 'E-8',
  name: 'eq9-identity',
  statement: 'eq. 9 holds on every layer',
  applies: provenFor,
  measure: counts,
  verdict(m, c) {
    return holds(this, this.statement, c, m);
  },
};

/** E-8: eq. 9 taken literally for A = PXW_V (no ‖W_V‖ factor) is false: some layer breaks it. */
export const EQ9_LITERAL: BoundPrediction = {
  id: 'E-8',
  name: 'eq9-literal-false',
  statement: 'eq. 9 without a ‖W_V‖ factor is false (a layer breaks it)',
  applies: () => APPLIES,
  measure: counts,
  verdict(m, c) {
    const status = m.failureFraction > 0 ? 'pass' : 'inconclusive';
    return {
      id: this.id,
      name: this.name,
      statement: `${this.statement}: ${label(c)}`,
      predicted: '> 0',
      measured: m.failureFraction,
      tolerance: 'a draw that fails for certain is a counterexample; none at this scale decides nothing',
      pass: status === 'pass',
      status,
      range: range(c, m),
      ...(status === 'inconclusive' ? { note: 'no counterexample among these draws: the bound fails once ‖W_V‖₂ is large enough (the LHS grows with it, the RHS does not)' } : {}),
    };
  },
};

/** E-12 (and E-8 × ‖W_V‖₂): the proven bound ‖W_V‖₂(‖P‖₂ + R‖DZ_X‖_{F,F}), and eq. 9 × ‖W_V‖₂, hold. */
export const PROVEN_BOUND: BoundPrediction = {
  id: 'E-12',
  name: 'proven-bound',
  statement: 'the bound holds on every layer',
  applies: provenFor,
  measure: counts,
  verdict(m, c) {
    return holds(this, this.statement, c, m);
  },
};

/** The √2-sharper variant of E-12 (reference-values.md R-3): tested, not proven. */
export const SHARP_SQRT2: BoundPrediction = {
  id: 'E-12',
  name: 'sharp-sqrt2',
  statement: 'the √2-sharper bound (tested, not proven) holds on every layer',
  applies: () => APPLIES,
  measure: counts,
  verdict(m, c) {
    return holds(this, this.statement, c, m);
  },
};

/**
 * The prediction that covers a bound setting.
 *
 * @example
 * boundPrediction({ bound: 'eq9', reading: 'row', valueMap: 'wv', wvScale: 5, d: 4 }).name; // 'eq9-literal-false'
 */
export function boundPrediction(c: BoundCase): BoundPrediction {
  if (c.bound === 'eq9') return c.valueMap === 'identity' ? EQ9_IDENTITY : EQ9_LITERAL;
  if (c.bound === 'sharp-sqrt2') return SHARP_SQRT2;
  return PROVEN_BOUND;
}

/**
 * Every bound prediction.
 *
 * @example
 * BOUND_PREDICTIONS.map((p) => p.name); // ['eq9-identity', 'eq9-literal-false', 'proven-bound', 'sharp-sqrt2']
 */
export const BOUND_PREDICTIONS: readonly BoundPrediction[] = Object.freeze([EQ9_IDENTITY, EQ9_LITERAL, PROVEN_BOUND, SHARP_SQRT2]);

/**
 * The check of one bound setting: the verdict of its prediction, or not applicable with the reason.
 *
 * @example
 * checkBound({ bound: 'sharp', valueMap: 'wv', wvScale: 1, d: 4 }, { draws: 200, failureFraction: 0, undecidedFraction: 0 }).status; // 'pass'
 */
export function checkBound(c: BoundCase, m: BoundCounts): PredictionCheck {
  const p = boundPrediction(c);
  const a = p.applies(c);
  if (!a.applies) return { ...notApplicableCheck(p, a.reason), statement: `${p.statement}: ${label(c)}`, measured: m.failureFraction, range: range(c, m) };
  return p.verdict(p.measure(m, c), c);
}
