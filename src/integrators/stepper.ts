/**
 * The internal contract between the integration driver (`driver.ts`) and one method: a stepper
 * owns its buffers (allocated once), its step-size control and its dense output; the driver owns
 * saving, events, budgets and the result.
 */
import type { Rhs } from './types.js';

export type StepFailure = 'step-underflow' | 'non-finite';

export interface Stepper {
  readonly n: number;
  /** State at the current time (the buffer identity may change after each step: re-read it). */
  readonly y: Float64Array;
  /** Rejected attempts so far. */
  readonly rejected: number;
  /** Why the last `step` returned NaN. */
  readonly failure: StepFailure | undefined;
  /** Number of vectors in the dense interpolant (see `interpolateNested`). */
  readonly denseWidth: number;
  /**
   * Takes one accepted step from `t`, landing on `tEnd` exactly if it would pass it. Returns the
   * new time, or NaN on failure (state left at `t`, `failure` set).
   */
  step(t: number, tEnd: number): number;
  /** Dense coefficients of the last accepted step (denseWidth·n, coefficient-major); may evaluate the RHS. */
  dense(): Float64Array;
  /**
   * The last accepted step's interpolant at θ = (t − t_old)/h into `out` without the dense
   * coefficients, where the stepper has a cheaper way (RkStepper with either stage evaluator: one
   * combination y_n + h Σ_j w_j(θ) k_j instead of the dense rows); the driver uses it for saves
   * and events.
   * The same polynomial as `dense()` + interpolateNested, summed in another order (round-off).
   */
  readonly denseAt?: ((theta: number, out: Float64Array) => Float64Array) | undefined;
}

/** Mutable RHS-evaluation counter shared by a run's wrapped RHS. */
export interface RhsCounter {
  n: number;
}

/**
 * Wraps `rhs` so that every call increments `counter.n` (the `rhsEvals` statistic).
 * Example: after `countingRhs(f, c)(0, y, dy)` twice, `c.n` is 2.
 */
export function countingRhs(rhs: Rhs, counter: RhsCounter): Rhs {
  return (t, y, dydt) => {
    counter.n++;
    rhs(t, y, dydt);
  };
}
