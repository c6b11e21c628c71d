/**
 * Every registered prediction of the project, in one list: the flow's polarisation predictions
 * (analysis/polarization-registry.ts, run by `vsflow check` and `vsflow sweep`), the entropy
 * experiment's (entropy-predictions.ts, `vsflow entropy`) and the Jacobian bounds'
 * (bound-predictions.ts, `vsflow bounds`); the sims take their claims on these from the same
 * entries. Each entry is `{ id, name, statement, applies, measure, verdict }` (core/prediction.ts).
 * Browser-safe.
 */
import type { Prediction } from '../core/prediction.js';
import { POLARIZATION_PREDICTIONS } from '../analysis/polarization-registry.js';
import { ENTROPY_PREDICTIONS } from './entropy-predictions.js';
import { BOUND_PREDICTIONS } from './bound-predictions.js';

/** Which experiment runs a prediction. */
export type PredictionFamily = 'polarization' | 'entropy' | 'bounds';

/** A registered prediction with the experiment that runs it. */
export interface RegisteredPrediction {
  readonly family: PredictionFamily;
  // The case, observation and measure types differ per family.
  readonly prediction: Prediction<never, never, unknown>;
}

/**
 * All registered predictions, by family, in each family's order.
 *
 * @example
 * PREDICTIONS.filter((p) => p.family === 'polarization').length; // 13
 */
export const PREDICTIONS: readonly RegisteredPrediction[] = Object.freeze([
  ...POLARIZATION_PREDICTIONS.map((prediction) => ({ family: 'polarization' as const, prediction: prediction as Prediction<never, never, unknown> })),
  ...ENTROPY_PREDICTIONS.map((prediction) => ({ family: 'entropy' as const, prediction: prediction as unknown as Prediction<never, never, unknown> })),
  ...BOUND_PREDICTIONS.map((prediction) => ({ family: 'bounds' as const, prediction: prediction as unknown as Prediction<never, never, unknown> })),
]);

/**
 * The registered prediction with this stable name, or undefined.
 *
 * @example
 * findPrediction('n2-invariant')?.prediction.id; // 'P-4'
 */
export function findPrediction(name: string): RegisteredPrediction | undefined {
  return PREDICTIONS.find((p) => p.prediction.name === name);
}

/**
 * The theory ids the registry checks, each once, in registry order.
 *
 * @example
 * registeredIds().includes('E-10'); // true
 */
export function registeredIds(): string[] {
  return [...new Set(PREDICTIONS.map((p) => p.prediction.id))];
}
