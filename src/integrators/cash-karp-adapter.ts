/**
 * `cash-karp`: the Cash–Karp 5(4) method of the `ode45-cash-karp` package (scijs, v1.1.0) behind
 * the `Stepper` interface. The package has sharp edges, each hidden here and pinned by
 * `test/integrators/cash-karp-adapter.test.ts`:
 *
 * 1. It integrates `y0` in place and exposes that same array as its state (`integrator.y === y0`):
 *    the adapter hands it a private copy, so the caller's y0 is never touched.
 * 2. It reuses that one buffer for every step: saved states are copies made by the driver.
 * 3. It logs to the console by default (`verbose: true`): the adapter passes `verbose: false`
 *    (library code never prints).
 * 4. It takes a single scalar `tol` on a max-norm of errors scaled by |y| + |h·f| (relative
 *    only): the adapter passes `tol: 1` and its documented hooks `errorScaleFunction`
 *    (sc_i = atol_i + rtol·|y_i|, y at the step start; per-component atol is therefore
 *    supported), `errorReduceFunction` + `errorPostFunction` (RMS), i.e. the same error norm as
 *    dopri5 except that it scales by |y_n| rather than max(|y_n|, |y_{n+1}|).
 * 5. Its RHS is `deriv(dydt, y, t)` (output first): wrapped.
 * 6. A NaN error throws a plain `Error`: turned into the 'non-finite' status.
 * 7. It cannot stop exactly on a time (t accumulates round-off) and returns `false` from `step`
 *    near its limit: the adapter snaps to t1 when within round-off.
 * 8. It hides rejections: counted from RHS calls (1 per step + 5 per attempt).
 *
 * It has no dense output: the adapter uses cubic Hermite interpolation from f at both step ends
 * (3rd order between steps, documented limitation), evaluated only for steps whose interpolant
 * is needed (save times, events, `dense: true`), at ≤ 2 extra RHS evaluations per such step.
 * Step control: package defaults (safety 0.9, growth exponent 1/4, growth ≤ 10×) with the
 * shrink bounded by 5× (minFactor 0.2, as for dopri5).
 */
import ode45 from 'ode45-cash-karp';
import { initialStep, minStepAt } from './step-control.js';
import type { AdaptiveSetup } from './rk-stepper.js';
import { writeBaseRows } from './dense-output.js';
import type { Stepper, StepFailure } from './stepper.js';
import type { Rhs } from './types.js';

/** Cash–Karp via `ode45-cash-karp`; see the module doc. */
export class CashKarpStepper implements Stepper {
  readonly n: number;
  readonly denseWidth = 4;
  rejected = 0;
  failure: StepFailure | undefined = undefined;
  private readonly integrator: ReturnType<typeof ode45>;
  private readonly yOld: Float64Array;
  private fOld: Float64Array;
  private fNew: Float64Array;
  private fOldValid = true;
  private fNewValid = false;
  private readonly coeffs: Float64Array;
  private calls = 0;
  private tOld = 0;

  constructor(
    private readonly rhs: Rhs,
    t0: number,
    y0: Float64Array,
    t1: number,
    setup: AdaptiveSetup,
  ) {
    const n = y0.length;
    this.n = n;
    this.yOld = new Float64Array(n);
    this.fOld = new Float64Array(n);
    this.fNew = new Float64Array(n);
    this.coeffs = new Float64Array(4 * n);
    const state = Float64Array.from(y0);
    rhs(t0, state, this.fOld);
    const { rtol, atol } = setup;
    const dt0 = setup.dt0 ?? initialStep(rhs, t0, state, this.fOld, t1, setup.dtMax, 4, rtol, atol, this.yOld, this.fNew);
    const deriv = (dydt: Float64Array, y: Float64Array, t: number): void => {
      this.calls++;
      rhs(t, y, dydt);
    };
    this.integrator = ode45(state, deriv, t0, dt0, {
      tol: 1,
      verbose: false,
      maxIncreaseFactor: 10,
      maxDecreaseFactor: 5,
      dtMaxMag: Number.isFinite(setup.dtMax) ? setup.dtMax : undefined,
      errorScaleFunction: (i, _dt, y) => atol[i]! + rtol * Math.abs(y),
      errorReduceFunction: (_i, acc, e) => acc + e * e,
      errorPostFunction: (acc) => Math.sqrt(acc / n),
    });
  }

  get y(): Float64Array {
    return this.integrator.y;
  }

  step(t: number, tEnd: number): number {
    const integ = this.integrator;
    const y = integ.y;
    this.yOld.set(y);
    this.tOld = t;
    if (this.fNewValid) {
      const f = this.fOld;
      this.fOld = this.fNew;
      this.fNew = f;
      this.fOldValid = true;
    } else this.fOldValid = false;
    this.fNewValid = false;
    const calls0 = this.calls;
    try {
      integ.step(tEnd);
    } catch {
      return this.fail(t, 'non-finite');
    }
    let tNew = integ.t;
    // The package declines to step when it is within 1e-10·dt of its limit: treat that as arrival.
    if (tNew === t && tEnd - t < Math.abs(integ.dt) * 1e-10) {
      integ.t = tEnd;
      return tEnd;
    }
    let s = 0;
    for (let i = 0; i < this.n; i++) s += y[i]!;
    if (!Number.isFinite(s)) return this.fail(t, 'non-finite');
    // Snap onto tEnd when the package stopped within round-off of it (its t accumulates).
    if (tEnd - tNew <= 4 * Number.EPSILON * Math.max(Math.abs(tEnd), Math.abs(tEnd - t))) {
      tNew = tEnd;
      integ.t = tEnd;
    } else if (tNew - t < minStepAt(t)) {
      return this.fail(t, 'step-underflow');
    }
    const attempts = Math.max(1, Math.round((this.calls - calls0 - 1) / 5));
    this.rejected += attempts - 1;
    return tNew;
  }

  private fail(t: number, why: StepFailure): number {
    this.integrator.y.set(this.yOld);
    this.integrator.t = t;
    this.failure = why;
    return NaN;
  }

  dense(): Float64Array {
    const { n, yOld, coeffs, rhs } = this;
    const y = this.integrator.y;
    const tNew = this.integrator.t;
    const h = tNew - this.tOld;
    if (!this.fOldValid) {
      rhs(this.tOld, yOld, this.fOld);
      this.fOldValid = true;
    }
    if (!this.fNewValid) {
      rhs(tNew, y, this.fNew);
      this.fNewValid = true;
    }
    writeBaseRows(coeffs, 4, n, yOld, y, this.fOld, this.fNew, h);
    return coeffs;
  }
}
