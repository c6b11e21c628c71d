/**
 * Fixed-step steppers: classic 4th-order Runge–Kutta (`rk4`) and explicit Euler (`gd`, gradient
 * descent on a gradient flow: y_{k+1} = y_k + dt·f(t_k, y_k), with dt the learning rate; theory
 * id VS-4: GD with step η is the explicit Euler discretisation of the flow, t = η·iterations).
 *
 * Times are t_k = t0 + k·dt (computed, not accumulated, so t = lr·k exactly as in the papers'
 * loops). rk4 shortens its last step to land on t1; gd stops at the last whole step ≤ t1 (the
 * driver passes tEnd = t0 + K·dt). Both evaluate f(t_{k+1}, y_{k+1}) once and reuse it as the
 * first stage of the next step: rk4 costs 4 RHS evaluations per step, gd 1 (plus one at t0).
 * Dense output: cubic Hermite (rk4, 3rd-order accurate between steps) and linear (gd, Euler's
 * own continuous extension). A non-finite y_{k+1} fails the step with 'non-finite'.
 */
import type { Stepper, StepFailure } from './stepper.js';
import type { Rhs } from './types.js';

abstract class FixedStepper implements Stepper {
  readonly n: number;
  abstract readonly denseWidth: number;
  y: Float64Array;
  readonly rejected = 0;
  failure: StepFailure | undefined = undefined;
  protected yNew: Float64Array;
  protected f: Float64Array;
  protected fNew: Float64Array;
  protected k = 0;
  protected hLast = 0;

  constructor(
    protected readonly rhs: Rhs,
    protected readonly t0: number,
    y0: Float64Array,
    protected readonly dt: number,
  ) {
    const n = y0.length;
    this.n = n;
    this.y = Float64Array.from(y0);
    this.yNew = new Float64Array(n);
    this.f = new Float64Array(n);
    this.fNew = new Float64Array(n);
    rhs(t0, this.y, this.f);
  }

  step(t: number, tEnd: number): number {
    let tNew = this.t0 + (this.k + 1) * this.dt;
    // Land on tEnd when the next grid point is at or past it (within round-off of the grid).
    if (tNew >= tEnd - 1e-9 * this.dt) tNew = tEnd;
    const h = tNew - t;
    if (!Number.isFinite(this.advance(t, h, tNew))) {
      this.failure = 'non-finite';
      return NaN;
    }
    this.k++;
    this.hLast = h;
    const y = this.y;
    this.y = this.yNew;
    this.yNew = y;
    const f = this.f;
    this.f = this.fNew;
    this.fNew = f;
    return tNew;
  }

  /** Writes y_{k+1} into yNew and f(tNew, yNew) into fNew; returns Σ yNew (non-finite ⇔ overflow/NaN). */
  protected abstract advance(t: number, h: number, tNew: number): number;

  abstract dense(): Float64Array;
}

/** Classic RK4 with cubic Hermite dense output; see the module doc. */
export class Rk4Stepper extends FixedStepper {
  readonly denseWidth = 4;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly w: Float64Array;
  private readonly coeffs: Float64Array;

  constructor(rhs: Rhs, t0: number, y0: Float64Array, dt: number) {
    super(rhs, t0, y0, dt);
    const n = y0.length;
    this.k2 = new Float64Array(n);
    this.k3 = new Float64Array(n);
    this.k4 = new Float64Array(n);
    this.w = new Float64Array(n);
    this.coeffs = new Float64Array(4 * n);
  }

  protected advance(t: number, h: number, tNew: number): number {
    const { n, y, f: k1, k2, k3, k4, w, yNew, fNew, rhs } = this;
    const h2 = 0.5 * h;
    for (let i = 0; i < n; i++) w[i] = y[i]! + h2 * k1[i]!;
    rhs(t + h2, w, k2);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h2 * k2[i]!;
    rhs(t + h2, w, k3);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * k3[i]!;
    rhs(tNew, w, k4);
    const h6 = h / 6;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = y[i]! + h6 * (k1[i]! + 2 * (k2[i]! + k3[i]!) + k4[i]!);
      yNew[i] = v;
      s += v;
    }
    if (!Number.isFinite(s)) return s;
    rhs(tNew, yNew, fNew);
    return s;
  }

  dense(): Float64Array {
    const { n, y, yNew: yOld, fNew: fOld, f: fNew, coeffs, hLast: h } = this;
    for (let i = 0; i < n; i++) {
      const dy = y[i]! - yOld[i]!;
      const bspl = h * fOld[i]! - dy;
      coeffs[i] = yOld[i]!;
      coeffs[n + i] = dy;
      coeffs[2 * n + i] = bspl;
      coeffs[3 * n + i] = dy - h * fNew[i]! - bspl;
    }
    return coeffs;
  }
}

/** Explicit Euler / gradient descent with linear dense output; see the module doc. */
export class EulerStepper extends FixedStepper {
  readonly denseWidth = 2;
  private readonly coeffs: Float64Array;

  constructor(rhs: Rhs, t0: number, y0: Float64Array, dt: number) {
    super(rhs, t0, y0, dt);
    this.coeffs = new Float64Array(2 * y0.length);
  }

  protected advance(_t: number, h: number, tNew: number): number {
    const { n, y, f, yNew, fNew, rhs } = this;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = y[i]! + h * f[i]!;
      yNew[i] = v;
      s += v;
    }
    if (!Number.isFinite(s)) return s;
    rhs(tNew, yNew, fNew);
    return s;
  }

  dense(): Float64Array {
    const { n, y, yNew: yOld, coeffs } = this;
    for (let i = 0; i < n; i++) {
      coeffs[i] = yOld[i]!;
      coeffs[n + i] = y[i]! - yOld[i]!;
    }
    return coeffs;
  }
}
