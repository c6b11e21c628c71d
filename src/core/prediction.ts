/**
 * The contract of a registered prediction: the theory's predictions as data, each
 * `{ id, name, statement, applies, measure, verdict }`, so that every command and sim that checks
 * one (`vsflow check`, `vsflow sweep`, `vsflow entropy`, the sims, the reproduce report) runs the
 * same code. The registries themselves sit where their measurements are made
 * (analysis/polarization-registry.ts for the flow, experiments/entropy-predictions.ts and
 * experiments/bound-predictions.ts for the sampling experiments); experiments/prediction-registry.ts
 * lists them all. Browser-safe: no Node built-ins.
 *
 * - `applies(case)`: whether the prediction covers the case (a problem, a σ, a bound setting),
 *   with the reason when it does not;
 * - `measure(observed, case)`: the statistic(s) the prediction is about, from what was run;
 * - `verdict(measured, case)`: the check (a `PredictionCheck`: a `Claim` plus the stable `name`).
 *
 * A verdict can be called on constructed measurements, which is how the tests show that each
 * prediction can fail (test/analysis/prediction-ids.test.ts).
 */
import type { PredictionCheck } from './claim.js';

/** Whether a prediction covers a case, and why not. */
export type Applicability = { readonly applies: true } | { readonly applies: false; readonly reason: string };

/** One registered prediction over cases `C`, run output `O`, measured statistic(s) `M` and check `R`. */
export interface Prediction<C, O, M, R extends PredictionCheck = PredictionCheck> {
  /** Theory id (theory/*.md), e.g. `P-4`, `E-10`. */
  readonly id: string;
  /** Stable short key, unique in its registry (e.g. `n2-invariant`): sweeps tally by it. */
  readonly name: string;
  /** The prediction in words (the check's statement when it does not apply). */
  readonly statement: string;
  applies(c: C): Applicability;
  measure(o: O, c: C): M;
  verdict(m: M, c: C): R;
}

/** Applies. */
export const APPLIES: Applicability = Object.freeze({ applies: true as const });

/**
 * Does not apply, because `reason`. Example: `doesNotApply('n = 8').applies` → false.
 */
export function doesNotApply(reason: string): Applicability {
  return { applies: false, reason };
}

/**
 * The not-applicable check of a prediction: predicted and measured null, the reason in `note`.
 * Example: `notApplicableCheck({ id: 'P-4', name: 'n2-invariant', statement: 'E conserved' }, 'n = 8').status`
 * → `'not-applicable'`.
 */
export function notApplicableCheck(p: { readonly id: string; readonly name: string; readonly statement: string }, reason: string): PredictionCheck {
  return { id: p.id, name: p.name, statement: p.statement, predicted: null, measured: null, tolerance: '—', pass: false, status: 'not-applicable', range: '—', note: reason };
}

/**
 * Checks one prediction on one case: `verdict(measure(o, c), c)` when it applies, else the
 * not-applicable check with the reason. Example: with a registered `p` and an n = 8 problem,
 * `runPrediction(p, c, o).status` is `'not-applicable'` for P-4.
 */
export function runPrediction<C, O, M, R extends PredictionCheck>(p: Prediction<C, O, M, R>, c: C, o: O): R | PredictionCheck {
  const a = p.applies(c);
  if (!a.applies) return notApplicableCheck(p, a.reason);
  return p.verdict(p.measure(o, c), c);
}
