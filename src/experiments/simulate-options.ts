/**
 * The options of `simulate` (experiments/simulate.ts) and their defaults, in a module of their
 * own that loads nothing else: the CLI's help text is built from them without loading the solver.
 * simulate.ts re-exports all of them.
 */
import { STALL_STEPS } from '../integrators/driver.js';
import type { EventSpec, MethodName, SaveAt } from '../integrators/types.js';
import type { FrozenBlock } from '../models/value-softmax.js';

/**
 * How the flow is integrated (same records within the solver tolerance):
 * - `full`: the [V, a] state of valueSoftmaxRhs (VS-4/VS-5), the reference path;
 * - `reduced`: the (u, a) state of models/reduced-flow.ts (VS-6), for scalar-output losses
 *   (logistic, β ≠ 0), d-independent cost per stage; the adaptive methods measure the error over
 *   the full state, so the step sequence is the full path's;
 * - `low-rank`: the full state, but the RK stage states of V are never formed (every stage
 *   increment of V has rank K; integrators/low-rank-stages.ts), for every loss and normalisation,
 *   dopri5/dop853 with nothing frozen; same error norm, so the same steps as `full`;
 * - `auto`: `reduced` where it applies (not with cash-karp, whose error norm cannot be replaced),
 *   else `low-rank` where it applies and d·n ≥ lowRankMinSize(problem) (16 for softmax with the
 *   square or regression loss, 64 with cross-entropy, else 256), else `full`.
 */
export type Formulation = 'auto' | 'reduced' | 'low-rank' | 'full';

/** The formulations simulate accepts. */
export const FORMULATIONS: readonly Formulation[] = Object.freeze(['auto', 'reduced', 'low-rank', 'full'] as const);

/**
 * Methods accepted by simulate: all of `solve`, and `dop853-stiff` (simulate only: the square loss
 * with the softmax normalisation and nothing frozen): dop853 that switches to the Rosenbrock-W
 * method ROS34PW2 with the Gauss–Newton Hessian as W where dop853's steps are held at its
 * stability boundary, and back (integrators/stiff-switch.ts; docs/integrators.md, "The stiff
 * phase").
 */
export type SimulateMethod = MethodName | 'dop853-stiff';

/** The methods simulate accepts. */
export const SIMULATE_METHODS: readonly SimulateMethod[] = Object.freeze(['dopri5', 'dop853', 'dop853-stiff', 'cash-karp', 'rk4', 'gd'] as const);

/** Options of simulate. The flow starts at t = 0. */
export interface SimulateOptions {
  method: SimulateMethod;
  rtol: number;
  /** Scalar, or one per state component (length d·n + K·n). */
  atol: number | readonly number[];
  /** Final time (flow time; for gd, t = lr·steps). */
  tEnd: number;
  /** Save times; `undefined` = t = 0 plus 60 log-spaced times from tEnd·1e-6 (or lr for gd) to tEnd. */
  saveAt: SaveAt | undefined;
  /** Learning rate of `gd` (the step; flow time t = lr·k). */
  lr: number;
  /** Step of `rk4` (required for rk4). */
  dt: number | undefined;
  maxSteps: number;
  /**
   * The adaptive methods' stall check (0: off): a run whose largest step over the last
   * `stallSteps` accepted steps fell below 1e-6 of its largest step, with t1 over 1000 budgets
   * away at that size, ends with status 'stalled' (e.g. chattering at a kink of the RHS, as a logit
   * crossing 0 under the l1 or relu normalisation) instead of spending the rest of `maxSteps`.
   */
  stallSteps: number;
  /** Stop when every sample's attention entropy (nats) falls below this. */
  untilEntropy: number | undefined;
  /** Stop when every sample's max attention rises above this (tested as 1 − max < 1 − P). */
  untilMaxProb: number | undefined;
  /** Stop when the loss falls below this. */
  untilLoss: number | undefined;
  /** Custom events over the flat state (layout of valueSoftmaxRhs). */
  events: readonly EventSpec[];
  /** Blocks held fixed (`['a']`: the V-only flow of VS-11/VS-12). */
  freeze: readonly FrozenBlock[];
  onFailure: 'throw' | 'return';
  onStep: ((t: number, y: Float64Array) => void) | undefined;
  /**
   * Called with t after every accepted step (progress, abort checks): `onStep` without the state,
   * so the reduced formulation does not lift (O(d·n)) a state nobody reads.
   */
  onProgress: ((t: number) => void) | undefined;
  signal: AbortSignal | undefined;
  /** State the solver integrates (see Formulation); the result's config records the one used. */
  formulation: Formulation;
}

/**
 * Defaults: dop853 at rtol 1e-10 / atol 1e-12 to t = 1000 (accuracy first: saved states agree
 * with independent references to ~1e-8 relative at a few hundred steps), gd step 0.1 as in the
 * papers.
 */
export const SIMULATE_DEFAULTS: Readonly<SimulateOptions> = Object.freeze({
  method: 'dop853',
  rtol: 1e-10,
  atol: 1e-12,
  tEnd: 1000,
  saveAt: undefined,
  lr: 0.1,
  dt: undefined,
  maxSteps: 1e7,
  stallSteps: STALL_STEPS,
  untilEntropy: undefined,
  untilMaxProb: undefined,
  untilLoss: undefined,
  events: Object.freeze([]) as readonly EventSpec[],
  freeze: Object.freeze([]) as readonly FrozenBlock[],
  onFailure: 'throw',
  onStep: undefined,
  onProgress: undefined,
  signal: undefined,
  formulation: 'auto',
});
