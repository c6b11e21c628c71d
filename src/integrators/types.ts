/**
 * The one interface every integrator implements: `solve(rhs, y0, t0, t1, options)`.
 * State layout: a flat Float64Array; the model decides what the components mean.
 */

import type { ErrorNorm } from './step-control.js';

/** Right-hand side dy/dt = f(t, y), written into `dydt` (no allocation per call). */
export type Rhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

/** Integration methods. `gd` is explicit Euler with step `lr` (gradient descent on a flow). */
export type MethodName = 'dopri5' | 'dop853' | 'cash-karp' | 'rk4' | 'gd';

/** A scalar event function g(t, y); an event fires where g crosses zero. */
export interface EventSpec {
  readonly name: string;
  readonly fn: (t: number, y: Float64Array) => number;
  /** +1: only upward crossings (g goes − → +); −1: only downward; 0: both (default). */
  readonly direction?: -1 | 0 | 1;
  /** Stop the integration at the first occurrence (default true). */
  readonly terminal?: boolean;
}

/** Where to save the solution: explicit increasing times, or a log-spaced grid. */
export type SaveAt = readonly number[] | { readonly log: readonly [from: number, to: number, count: number] };

export interface SolveOptions {
  method: MethodName;
  /** Relative tolerance (adaptive methods). */
  rtol: number;
  /** Absolute tolerance, scalar or one per component (adaptive methods). */
  atol: number | readonly number[] | Float64Array;
  /** Initial step; `undefined` = automatic (Hairer's initial-step heuristic). */
  dt0: number | undefined;
  /** Step for fixed-step methods (`rk4`, `gd`). For `gd` this is the learning rate. */
  dt: number | undefined;
  /** Largest allowed step (default: t1 − t0). */
  dtMax: number | undefined;
  /** Step budget; exceeding it ends with status `max-steps`. */
  maxSteps: number;
  /**
   * The adaptive methods' stall check (0: off): a run whose largest step over the last
   * `stallSteps` accepted steps fell below 1e-6 of its largest step, with t1 over 1000 budgets
   * away at that size, ends with status 'stalled' (e.g. chattering at a kink of the RHS, as a logit
   * crossing 0 under the l1 or relu normalisation) instead of spending the rest of `maxSteps`.
   */
  stallSteps: number;
  /** Save times. Default: every accepted step (adaptive) / every step (fixed). */
  saveAt: SaveAt | undefined;
  events: readonly EventSpec[];
  /** Keep dense output over the whole run (`Solution.interpolate`). Default false. */
  dense: boolean;
  /** On numerical failure: throw `IntegrationError` (default) or return the partial solution. */
  onFailure: 'throw' | 'return';
  /** Called after every accepted step (e.g. progress); keep it cheap. */
  onStep: ((t: number, y: Float64Array) => void) | undefined;
  /** Stops the run cleanly with status `interrupted` when aborted. */
  signal: AbortSignal | undefined;
  /**
   * dopri5/dop853 only: the error norm of a larger state this one stands for (see `ErrorNorm` in
   * step-control.ts; the reduced value-softmax flow uses it). Default: the state's own norm.
   */
  errorNorm: ErrorNorm | undefined;
}

/**
 * How a run ended. Failures: 'max-steps' (the step budget ran out), 'step-underflow', 'non-finite',
 * and 'stalled' (an adaptive run whose steps collapsed for `stallSteps` accepted steps, with t1 over
 * 1000 budgets away at that size: see the stall check in driver.ts); `FAILURE_STATUSES` in solve.ts.
 */
export type SolveStatus = 'success' | 'terminated' | 'max-steps' | 'stalled' | 'step-underflow' | 'non-finite' | 'interrupted';

export interface SolverStats {
  readonly steps: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rhsEvals: number;
  /**
   * Wall time of the integration in ms: the stepper's set-up, the first-step heuristic, the
   * steps and the saved states (in `simulate`, every formulation alike); not the problem's
   * validation nor the records, which the result's `meta.wallTimeMs` (the whole call) includes.
   */
  readonly wallTimeMs: number;
}

export interface EventRecord {
  readonly name: string;
  readonly t: number;
  readonly y: Float64Array;
}

export interface Solution {
  readonly method: MethodName;
  readonly status: SolveStatus;
  readonly message: string;
  /** Save times and states (copies). */
  readonly t: readonly number[];
  readonly y: readonly Float64Array[];
  /** Events that fired, in order. */
  readonly events: readonly EventRecord[];
  /** Last time reached and last good state. */
  readonly tEnd: number;
  readonly yEnd: Float64Array;
  readonly stats: SolverStats;
  /** Dense output over [t0, tEnd] when `dense: true` was asked; otherwise undefined. */
  readonly interpolate: ((t: number) => Float64Array) | undefined;
}
