/**
 * Method dop853-stiff of simulate (experiments/simulate.ts): dop853 that hands over to the Rosenbrock-W method
 * (rosenbrock-w.ts) where its steps are held at its stability boundary, and back where they are
 * not: one Stepper for the driver (integrators/driver.ts).
 *
 * Every `CHECK_EVERY` accepted dop853 steps, W's spectral radius ρ at the current state
 * (`WOperator.stiffness`) is compared with the last step: h·ρ ≥ SWITCH_AT·|z*| (z* = −6.39, dop853's
 * real stability boundary) at `needed` checks in a row (2 at first) switches to the Rosenbrock
 * method (first step: 2h). A Rosenbrock step with h·ρ < BACK_AT·|z*| three times in a row (its
 * accuracy, not dop853's stability, then sets the step, and dop853 is cheaper per unit time)
 * switches back to a fresh dop853 stepper from the current state, with a first step within
 * dop853's stability boundary (0.9·|z*|/ρ), and doubles `needed` (no back-and-forth). A switch is made at
 * the start of the next step, so the last step's dense output stays valid for the driver.
 * Dense output: dop853's own (width 8) for its steps; the Rosenbrock steps' cubic Hermite in the
 * same nested form (rows 5–8 zero).
 */
import type { Rhs } from './types.js';
import type { StepFailure, Stepper } from './stepper.js';
import { interpolateNested } from './dense-output.js';
import { RosenbrockStepper, type WOperator } from './rosenbrock-w.js';

/** dop853's real stability boundary |z*| (stability function of its 12-stage step, bench/peers/stability_limit.py). */
export const DOP853_REAL_BOUNDARY = 6.3936;
const CHECK_EVERY = 2;
const SWITCH_AT = 0.8;
const BACK_AT = 0.25;

/** A dop853 stepper started at (t, y) with first step h0, with its RHS count and its release. */
export interface ExplicitPhase {
  readonly stepper: Stepper;
  rhsEvals(): number;
  release(): void;
}

/** Where the stepper switched: time and the method taken from there. */
export interface SwitchEvent {
  readonly t: number;
  readonly to: 'rosenbrock' | 'dop853';
}

export class StiffSwitchStepper implements Stepper {
  readonly n: number;
  readonly denseWidth: number;
  failure: StepFailure | undefined = undefined;
  /** The switches so far, in order. */
  readonly switches: SwitchEvent[] = [];
  readonly denseAt: (theta: number, out: Float64Array) => Float64Array;
  private explicit: ExplicitPhase | undefined;
  private ros: RosenbrockStepper | undefined;
  private last: 'explicit' | 'rosenbrock' = 'explicit';
  private pending: { to: 'rosenbrock' | 'dop853'; h0: number } | undefined;
  private doneEvals = 0;
  private doneRejected = 0;
  private accepted = 0;
  private stiffChecks = 0;
  private needed = 2;
  private easySteps = 0;

  constructor(
    first: ExplicitPhase,
    private readonly makeExplicit: (t: number, y: Float64Array, h0: number) => ExplicitPhase,
    private readonly rhs: Rhs,
    private readonly W: WOperator,
    private readonly rtol: number,
    private readonly atol: Float64Array,
  ) {
    this.explicit = first;
    this.n = first.stepper.n;
    this.denseWidth = first.stepper.denseWidth;
    this.denseAt = (theta, out) => {
      if (this.last === 'rosenbrock') return this.ros!.denseAt(theta, out);
      const s = this.explicit!.stepper;
      if (s.denseAt !== undefined) return s.denseAt(theta, out);
      interpolateNested(s.dense(), 0, this.denseWidth, this.n, theta, out);
      return out;
    };
  }

  get y(): Float64Array {
    return this.last === 'rosenbrock' ? this.ros!.y : this.explicit!.stepper.y;
  }

  get rejected(): number {
    return this.doneRejected + (this.explicit?.stepper.rejected ?? 0) + (this.ros?.rejected ?? 0);
  }

  /** RHS evaluations of both methods so far (W's operations not counted). */
  get rhsEvals(): number {
    return this.doneEvals + (this.explicit?.rhsEvals() ?? 0) + (this.ros?.rhsEvals ?? 0);
  }

  step(t: number, tEnd: number): number {
    if (this.pending !== undefined) this.switchNow(t);
    if (this.explicit !== undefined) {
      const s = this.explicit.stepper;
      const tNew = s.step(t, tEnd);
      this.last = 'explicit';
      if (Number.isNaN(tNew)) {
        this.failure = s.failure;
        return tNew;
      }
      if (++this.accepted % CHECK_EVERY === 0 && tNew < tEnd) {
        const stiff = (tNew - t) * this.W.stiffness(s.y) >= SWITCH_AT * DOP853_REAL_BOUNDARY;
        this.stiffChecks = stiff ? this.stiffChecks + 1 : 0;
        if (this.stiffChecks >= this.needed) this.pending = { to: 'rosenbrock', h0: 2 * (tNew - t) };
      }
      return tNew;
    }
    const r = this.ros!;
    const tNew = r.step(t, tEnd);
    this.last = 'rosenbrock';
    if (Number.isNaN(tNew)) {
      this.failure = r.failure;
      return tNew;
    }
    this.easySteps = r.lastStiffness < BACK_AT * DOP853_REAL_BOUNDARY ? this.easySteps + 1 : 0;
    if (this.easySteps >= 3 && tNew < tEnd) {
      const h = tNew - t;
      const rho = r.lastStiffness / h;
      this.pending = { to: 'dop853', h0: rho > 0 ? Math.min(h, (0.9 * DOP853_REAL_BOUNDARY) / rho) : h };
    }
    return tNew;
  }

  private switchNow(t: number): void {
    const p = this.pending!;
    this.pending = undefined;
    const y = this.y;
    if (p.to === 'rosenbrock') {
      const e = this.explicit!;
      this.ros = new RosenbrockStepper(this.rhs, this.W, y, p.h0, this.rtol, this.atol, this.denseWidth);
      this.doneEvals += e.rhsEvals();
      this.doneRejected += e.stepper.rejected;
      e.release();
      this.explicit = undefined;
      this.stiffChecks = 0;
    } else {
      const r = this.ros!;
      this.explicit = this.makeExplicit(t, y, p.h0);
      this.doneEvals += r.rhsEvals;
      this.doneRejected += r.rejected;
      this.ros = undefined;
      this.easySteps = 0;
      this.accepted = 0;
      this.needed *= 2;
    }
    this.switches.push({ t, to: p.to });
  }

  /** Dense coefficients of the last step (width denseWidth). */
  dense(): Float64Array {
    return this.last === 'rosenbrock' ? this.ros!.dense() : this.explicit!.stepper.dense();
  }

  /** Gives the dop853 phase's resources back (pooled kernels). */
  release(): void {
    this.explicit?.release();
  }
}
