/**
 * The explicit Runge–Kutta engine: one step loop for every tableau (tableau.ts) and every way of
 * evaluating its stages. The engine owns the state pair (y, y_new), the step sequence (adaptive:
 * accept/reject with the PI controller of step-control.ts; fixed: the grid t_k = t0 + k·dt), the
 * FSAL hand-over and the dense-output buffer; a `StageEvaluator` owns the stages: the plain one
 * (full-state-stages.ts) calls an RHS on stage states, the value-softmax low-rank one
 * (low-rank-stages.ts) never forms them. The driver (driver.ts) runs the engine to t1 and does
 * saving and events on its dense output.
 *
 * Adaptive step (Hairer; scipy): h ← min(h, dtMax), at least `minStepAt(t)`; clipped to land on
 * tEnd; accepted when the error norm is < 1 (h_next = h·stepFactor, prevErr = max(err, 1e-4));
 * otherwise rejected and retried smaller; a step below `minStepAt(t)` fails ('non-finite' when
 * the last rejection had a non-finite error, else 'step-underflow'). Fixed step: t_{k+1} =
 * t0 + (k + 1)·dt (computed, not accumulated), landing on tEnd when within 1e-9·dt of it; a
 * non-finite y_{k+1} fails with 'non-finite'.
 *
 * Every method built here has one concrete class (`RkStepper`) and two evaluator classes, so the
 * engine's call sites stay monomorphic or 2-way polymorphic.
 */
import { initialStep, minStepAt, stepFactor, type ControllerParams, type ErrorNorm } from './step-control.js';
import type { Stepper, StepFailure } from './stepper.js';
import type { Tableau } from './tableau.js';

/** Step-size setup of an adaptive method (resolved by the caller). */
export interface AdaptiveSetup {
  rtol: number;
  /** One absolute tolerance per component. */
  atol: Float64Array;
  dt0: number | undefined;
  dtMax: number;
  control?: ControllerParams;
  /** Error norm over a larger state this one stands for (see ErrorNorm); default the state's own. */
  norm?: ErrorNorm | undefined;
}

/** The model-specific half of a Runge–Kutta step (see the module doc). */
export interface StageEvaluator {
  /** Components of the state. */
  readonly n: number;
  /** RHS evaluations (or their equivalent) made so far. */
  readonly rhsEvals: number;
  /** A buffer for y_new that the evaluator wants the engine to use (its kernels' memory); default a fresh array. */
  readonly yNew?: Float64Array;
  /**
   * One attempt from (t, y) with step h landing on tNew: writes y_new, evaluates stage s at
   * (tNew, y_new) and returns the error norm (adaptive tableau; NaN or ∞ when non-finite), or for
   * a fixed-step tableau a number that is non-finite iff y_new is (stage s is then not evaluated).
   */
  attempt(t: number, h: number, tNew: number, y: Float64Array, yNew: Float64Array): number;
  /** The attempt was accepted: stage s becomes stage 0 of the next step. */
  accept(): void;
  /**
   * Dense coefficients of the last accepted step (tOld, step h, yOld → y) into `coeffs`
   * (tableau.dense.width·n, layout of dense-output.ts); may evaluate the extra stages.
   */
  dense(tOld: number, h: number, yOld: Float64Array, y: Float64Array, coeffs: Float64Array): void;
  /** Frees what the evaluator holds for the solve (a pooled kernel instance); it is not used afterwards. */
  release?(): void;
  /**
   * Optional: the last accepted step's interpolant y(t_old + θh) into `out` directly (Stepper.denseAt);
   * may evaluate the extra stages (once per step).
   */
  denseAt?(tOld: number, h: number, yOld: Float64Array, y: Float64Array, theta: number, out: Float64Array): void;
}

/**
 * The error norm from the scaled sums of squares of the estimators (see tableau.ts): one
 * estimator (E1 = h Σ e_j k_j): sqrt(s1/N); two (Hairer's dop853, E unscaled):
 * |h|·s1 / sqrt((s1 + 0.01·s2)·N), 0 when both sums are 0.
 * Example: `errorNormValue(1, 0.5, 4, 0, 4)` is 1.
 */
export function errorNormValue(estimators: number, h: number, s1: number, s2: number, size: number): number {
  if (estimators === 1) return Math.sqrt(s1 / size);
  if (s1 === 0 && s2 === 0) return 0;
  return (Math.abs(h) * s1) / Math.sqrt((s1 + 0.01 * s2) * size);
}

/** Hairer's first step for an evaluator whose stage 0 holds f(t0, y0) (one RHS evaluation). */
export function firstStep(
  rhs: (t: number, y: Float64Array, dydt: Float64Array) => void,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  t1: number,
  setup: AdaptiveSetup,
  control: ControllerParams,
  work: Float64Array,
  f1: Float64Array,
): number {
  return setup.dt0 ?? initialStep(rhs, t0, y0, f0, t1, setup.dtMax, control.errorOrder, setup.rtol, setup.atol, work, f1);
}

/** How the engine chooses its steps. */
export type StepPolicy =
  | { readonly kind: 'adaptive'; readonly h0: number; readonly dtMax: number; readonly control: ControllerParams }
  | { readonly kind: 'fixed'; readonly t0: number; readonly dt: number };

/** The Runge–Kutta engine (see the module doc). */
export class RkStepper implements Stepper {
  readonly n: number;
  readonly denseWidth: number;
  y: Float64Array;
  rejected = 0;
  failure: StepFailure | undefined = undefined;
  private yNew: Float64Array;
  private readonly coeffs: Float64Array;
  private readonly adaptive: boolean;
  private readonly control: ControllerParams | undefined;
  private readonly dtMax: number;
  private readonly t0: number;
  private readonly dt: number;
  private h: number;
  private hLast = 0;
  private tLast = 0;
  private prevErr = 1e-4;
  private k = 0;
  readonly denseAt: ((theta: number, out: Float64Array) => Float64Array) | undefined;

  constructor(
    tableau: Tableau,
    private readonly ev: StageEvaluator,
    y0: Float64Array,
    policy: StepPolicy,
  ) {
    const n = ev.n;
    this.n = n;
    this.denseWidth = tableau.dense.width;
    this.y = y0;
    this.yNew = ev.yNew ?? new Float64Array(n);
    this.coeffs = new Float64Array(this.denseWidth * n);
    this.adaptive = policy.kind === 'adaptive';
    this.control = policy.kind === 'adaptive' ? policy.control : undefined;
    this.dtMax = policy.kind === 'adaptive' ? policy.dtMax : Infinity;
    this.h = policy.kind === 'adaptive' ? policy.h0 : policy.dt;
    this.t0 = policy.kind === 'fixed' ? policy.t0 : 0;
    this.dt = policy.kind === 'fixed' ? policy.dt : 0;
    // After the swap in accept, yNew holds y_n (as in dense()).
    this.denseAt =
      ev.denseAt === undefined
        ? undefined
        : (theta, out) => {
            ev.denseAt!(this.tLast, this.hLast, this.yNew, this.y, theta, out);
            return out;
          };
  }

  /**
   * Gives the evaluator's resources back (its pooled kernel instance): call once the solve's
   * results are copied out; the stepper and its state buffers are not used afterwards.
   */
  release(): void {
    this.ev.release?.();
  }

  /** The evaluator's RHS evaluations so far. */
  get rhsEvals(): number {
    return this.ev.rhsEvals;
  }

  step(t: number, tEnd: number): number {
    return this.adaptive ? this.adaptiveStep(t, tEnd) : this.gridStep(t, tEnd);
  }

  private adaptiveStep(t: number, tEnd: number): number {
    const control = this.control!;
    let h = Math.min(this.h, this.dtMax);
    const minStep = minStepAt(t);
    if (h < minStep) h = minStep;
    let rejectedHere = false;
    let nonFinite = false;
    for (;;) {
      if (h < minStep) {
        this.failure = nonFinite ? 'non-finite' : 'step-underflow';
        return NaN;
      }
      let tNew = t + h;
      if (tNew >= tEnd) tNew = tEnd;
      const hh = tNew - t;
      const err = this.ev.attempt(t, hh, tNew, this.y, this.yNew);
      if (err < 1) {
        this.h = hh * stepFactor(err, this.prevErr, rejectedHere, control);
        this.prevErr = Math.max(err, 1e-4);
        this.accept(t, hh);
        return tNew;
      }
      nonFinite = !Number.isFinite(err);
      this.rejected++;
      rejectedHere = true;
      h = hh * stepFactor(err, this.prevErr, true, control);
    }
  }

  private gridStep(t: number, tEnd: number): number {
    let tNew = this.t0 + (this.k + 1) * this.dt;
    // Land on tEnd when the next grid point is at or past it (within round-off of the grid).
    if (tNew >= tEnd - 1e-9 * this.dt) tNew = tEnd;
    const h = tNew - t;
    if (!Number.isFinite(this.ev.attempt(t, h, tNew, this.y, this.yNew))) {
      this.failure = 'non-finite';
      return NaN;
    }
    this.k++;
    this.accept(t, h);
    return tNew;
  }

  /** One step of fixed size h without error control (for convergence-order tests). */
  fixedStep(t: number, h: number): number {
    this.ev.attempt(t, h, t + h, this.y, this.yNew);
    this.accept(t, h);
    return t + h;
  }

  private accept(t: number, h: number): void {
    this.tLast = t;
    this.hLast = h;
    const y = this.y;
    this.y = this.yNew;
    this.yNew = y;
    this.ev.accept();
  }

  dense(): Float64Array {
    // After the swap yNew holds y_n.
    this.ev.dense(this.tLast, this.hLast, this.yNew, this.y, this.coeffs);
    return this.coeffs;
  }
}
