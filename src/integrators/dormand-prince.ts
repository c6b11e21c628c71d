/**
 * Dormand–Prince 5(4) stepper (`dopri5`): FSAL, 6 RHS evaluations per attempt, error from the
 * embedded 4th-order solution, Hairer's 4th-order dense output (no extra RHS evaluations).
 * Tableau in `tableaus/dopri5.ts`; control in `step-control.ts`. Buffers are allocated once in
 * the constructor; `step` allocates nothing.
 *
 * Controller: scipy's RK45 constants (safety 0.9, factors [0.2, 10], error order 4, α = 1/5) with
 * no PI term (β = 0): measured RHS counts then match scipy's RK45 (see test/integrators). Hairer's
 * β = 0.04 can be passed for fewer rejections on oscillatory problems.
 */
import { DOPRI5 } from './tableaus/dopri5.js';
import { initialStep, minStepAt, stepFactor, type ControllerParams, type ErrorNorm } from './step-control.js';
import type { Stepper, StepFailure } from './stepper.js';
import type { Rhs } from './types.js';

/** Controller constants of dopri5 (see module doc). */
export const DOPRI5_CONTROL: ControllerParams = Object.freeze({ safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 4, beta: 0 });

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

// Coefficients as plain numbers, copied into locals inside the kernels (module-level bindings
// would be re-read, with a TDZ check, on every loop iteration).
const C = DOPRI5.c;
const A = DOPRI5.a;
const B = DOPRI5.b;
const E = DOPRI5.e;
const D = DOPRI5.d;

/** Dormand–Prince 5(4) with FSAL and dense output; see the module doc. */
export class Dopri5Stepper implements Stepper {
  readonly n: number;
  readonly denseWidth = 5;
  y: Float64Array;
  rejected = 0;
  failure: StepFailure | undefined = undefined;
  private yNew: Float64Array;
  private f: Float64Array;
  private fNew: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly k5: Float64Array;
  private readonly k6: Float64Array;
  private readonly w: Float64Array;
  private readonly coeffs: Float64Array;
  private readonly rtol: number;
  private readonly atol: Float64Array;
  private readonly dtMax: number;
  private readonly control: ControllerParams;
  private readonly norm: ErrorNorm | undefined;
  private readonly errBuf: Float64Array;
  private readonly sums = new Float64Array(2);
  private h: number;
  private hLast = 0;
  private prevErr = 1e-4;

  constructor(
    private readonly rhs: Rhs,
    t0: number,
    y0: Float64Array,
    t1: number,
    setup: AdaptiveSetup,
  ) {
    const n = y0.length;
    this.n = n;
    this.y = Float64Array.from(y0);
    this.yNew = new Float64Array(n);
    this.f = new Float64Array(n);
    this.fNew = new Float64Array(n);
    this.k2 = new Float64Array(n);
    this.k3 = new Float64Array(n);
    this.k4 = new Float64Array(n);
    this.k5 = new Float64Array(n);
    this.k6 = new Float64Array(n);
    this.w = new Float64Array(n);
    this.coeffs = new Float64Array(5 * n);
    this.rtol = setup.rtol;
    this.atol = setup.atol;
    this.dtMax = setup.dtMax;
    this.control = setup.control ?? DOPRI5_CONTROL;
    this.norm = setup.norm;
    this.errBuf = new Float64Array(setup.norm === undefined ? 0 : n);
    rhs(t0, this.y, this.f);
    this.h =
      setup.dt0 ??
      initialStep(rhs, t0, this.y, this.f, t1, this.dtMax, this.control.errorOrder, this.rtol, this.atol, this.w, this.k2);
  }

  step(t: number, tEnd: number): number {
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
      const err = this.attempt(t, hh, tNew);
      if (err < 1) {
        this.h = hh * stepFactor(err, this.prevErr, rejectedHere, this.control);
        this.prevErr = Math.max(err, 1e-4);
        this.hLast = hh;
        this.swap();
        return tNew;
      }
      nonFinite = !Number.isFinite(err);
      this.rejected++;
      rejectedHere = true;
      h = hh * stepFactor(err, this.prevErr, true, this.control);
    }
  }

  /** One step of fixed size h without error control (for convergence-order tests). */
  fixedStep(t: number, h: number): number {
    this.attempt(t, h, t + h);
    this.hLast = h;
    this.swap();
    return t + h;
  }

  private swap(): void {
    const y = this.y;
    this.y = this.yNew;
    this.yNew = y;
    const f = this.f;
    this.f = this.fNew;
    this.fNew = f;
  }

  /** Computes yNew, fNew and returns the scaled RMS error norm (NaN/∞ when non-finite). */
  private attempt(t: number, h: number, tNew: number): number {
    const { n, y, f: k1, k2, k3, k4, k5, k6, w, yNew, fNew: k7, rhs, atol, rtol } = this;
    const c2 = C[1]!, c3 = C[2]!, c4 = C[3]!, c5 = C[4]!;
    const a21 = A[0]![0]!;
    const a31 = A[1]![0]!, a32 = A[1]![1]!;
    const a41 = A[2]![0]!, a42 = A[2]![1]!, a43 = A[2]![2]!;
    const a51 = A[3]![0]!, a52 = A[3]![1]!, a53 = A[3]![2]!, a54 = A[3]![3]!;
    const a61 = A[4]![0]!, a62 = A[4]![1]!, a63 = A[4]![2]!, a64 = A[4]![3]!, a65 = A[4]![4]!;
    const b1 = B[0]!, b3 = B[2]!, b4 = B[3]!, b5 = B[4]!, b6 = B[5]!;
    const e1 = E[0]!, e3 = E[2]!, e4 = E[3]!, e5 = E[4]!, e6 = E[5]!, e7 = E[6]!;
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a21 * k1[i]!);
    rhs(t + c2 * h, w, k2);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a31 * k1[i]! + a32 * k2[i]!);
    rhs(t + c3 * h, w, k3);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a41 * k1[i]! + a42 * k2[i]! + a43 * k3[i]!);
    rhs(t + c4 * h, w, k4);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a51 * k1[i]! + a52 * k2[i]! + a53 * k3[i]! + a54 * k4[i]!);
    rhs(t + c5 * h, w, k5);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a61 * k1[i]! + a62 * k2[i]! + a63 * k3[i]! + a64 * k4[i]! + a65 * k5[i]!);
    rhs(tNew, w, k6);
    for (let i = 0; i < n; i++) yNew[i] = y[i]! + h * (b1 * k1[i]! + b3 * k3[i]! + b4 * k4[i]! + b5 * k5[i]! + b6 * k6[i]!);
    rhs(tNew, yNew, k7);
    const norm = this.norm;
    if (norm !== undefined) {
      const e = this.errBuf;
      for (let i = 0; i < n; i++) e[i] = h * (e1 * k1[i]! + e3 * k3[i]! + e4 * k4[i]! + e5 * k5[i]! + e6 * k6[i]! + e7 * k7[i]!);
      norm.sums(y, yNew, e, undefined, this.sums);
      return Math.sqrt(this.sums[0]! / norm.size);
    }
    let s = 0;
    for (let i = 0; i < n; i++) {
      const e = h * (e1 * k1[i]! + e3 * k3[i]! + e4 * k4[i]! + e5 * k5[i]! + e6 * k6[i]! + e7 * k7[i]!);
      const sc = atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
      const r = e / sc;
      s += r * r;
    }
    return Math.sqrt(s / n);
  }

  dense(): Float64Array {
    // After the swap: yNew holds y_n, fNew holds f_n; k2..k6 still hold the accepted stages.
    const { n, y, yNew: yOld, fNew: k1, k3, k4, k5, k6, f: k7, coeffs, hLast: h } = this;
    const d1 = D[0]!, d3 = D[2]!, d4 = D[3]!, d5 = D[4]!, d6 = D[5]!, d7 = D[6]!;
    for (let i = 0; i < n; i++) {
      const y0 = yOld[i]!;
      const dy = y[i]! - y0;
      const bspl = h * k1[i]! - dy;
      coeffs[i] = y0;
      coeffs[n + i] = dy;
      coeffs[2 * n + i] = bspl;
      coeffs[3 * n + i] = dy - h * k7[i]! - bspl;
      coeffs[4 * n + i] = h * (d1 * k1[i]! + d3 * k3[i]! + d4 * k4[i]! + d5 * k5[i]! + d6 * k6[i]! + d7 * k7[i]!);
    }
    return coeffs;
  }
}
