/**
 * Hairer's DOP853 stepper: 8th-order step from 12 stages (FSAL: the 13th evaluation
 * f(t + h, y_{n+1}) starts the next step, so 12 RHS evaluations per attempt), error from the
 * embedded 5th- and 3rd-order estimators combined as in `dop853.f`, 7th-order dense output that
 * costs 3 extra RHS evaluations, performed only for steps whose interpolant is needed (a save
 * time or an event inside the step, or `dense: true`), as scipy does.
 *
 * Controller: scipy's DOP853 constants (safety 0.9, factors [0.2, 10], error order 7, α = 1/8,
 * β = 0 as in Hairer's default). Buffers allocated once; `step` allocates nothing.
 */
import { DOP853 } from './tableaus/dop853.js';
import { initialStep, minStepAt, stepFactor, type ControllerParams, type ErrorNorm } from './step-control.js';
import type { AdaptiveSetup } from './dormand-prince.js';
import type { Stepper, StepFailure } from './stepper.js';
import type { Rhs } from './types.js';

/** Controller constants of dop853 (see module doc). */
export const DOP853_CONTROL: ControllerParams = Object.freeze({ safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 7, beta: 0 });

interface SparseRow {
  readonly idx: Int32Array;
  readonly val: Float64Array;
}

function sparse(row: readonly number[]): SparseRow {
  const idx: number[] = [];
  const val: number[] = [];
  row.forEach((v, j) => {
    if (v !== 0) {
      idx.push(j);
      val.push(v);
    }
  });
  return { idx: Int32Array.from(idx), val: Float64Array.from(val) };
}

const A_ROWS: readonly SparseRow[] = DOP853.a.map(sparse);
const D_ROWS: readonly SparseRow[] = DOP853.d.map(sparse);
const C = Float64Array.from(DOP853.c);
const A_DENSE = DOP853.a;
const E5 = DOP853.e5;
const E3 = DOP853.e3;

/**
 * Nonzero pattern of DOP853's stages 1..12 and error weights, which `attempt` writes out term by
 * term (one pass per stage). Checked against the tableau by test/integrators/dop853.test.ts.
 */
export const DOP853_STAGE_PATTERN: readonly (readonly number[])[] = Object.freeze([
  [],
  [0],
  [0, 1],
  [0, 2],
  [0, 2, 3],
  [0, 3, 4],
  [0, 3, 4, 5],
  [0, 3, 4, 5, 6],
  [0, 3, 4, 5, 6, 7],
  [0, 3, 4, 5, 6, 7, 8],
  [0, 3, 4, 5, 6, 7, 8, 9],
  [0, 3, 4, 5, 6, 7, 8, 9, 10],
  [0, 5, 6, 7, 8, 9, 10, 11],
]);
/** Nonzero pattern of the 5th- and 3rd-order error weights (same for both). */
export const DOP853_ERROR_PATTERN: readonly number[] = Object.freeze([0, 5, 6, 7, 8, 9, 10, 11]);

/**
 * out = (init ? base : out) + Σ_{m∈[from, from+count)} coef_m·K[idx_m], fused over up to 4 terms
 * per pass: one pass per 4 nonzeros instead of one per nonzero (memory traffic dominates for
 * large n).
 */
function accumulate(
  out: Float64Array,
  base: Float64Array,
  init: boolean,
  scale: number,
  idx: Int32Array,
  val: Float64Array,
  from: number,
  count: number,
  K: readonly Float64Array[],
  n: number,
): void {
  const src = init ? base : out;
  switch (count) {
    case 1: {
      const k0 = K[idx[from]!]!;
      const c0 = scale * val[from]!;
      for (let i = 0; i < n; i++) out[i] = src[i]! + c0 * k0[i]!;
      return;
    }
    case 2: {
      const k0 = K[idx[from]!]!;
      const k1 = K[idx[from + 1]!]!;
      const c0 = scale * val[from]!;
      const c1 = scale * val[from + 1]!;
      for (let i = 0; i < n; i++) out[i] = src[i]! + (c0 * k0[i]! + c1 * k1[i]!);
      return;
    }
    case 3: {
      const k0 = K[idx[from]!]!;
      const k1 = K[idx[from + 1]!]!;
      const k2 = K[idx[from + 2]!]!;
      const c0 = scale * val[from]!;
      const c1 = scale * val[from + 1]!;
      const c2 = scale * val[from + 2]!;
      for (let i = 0; i < n; i++) out[i] = src[i]! + (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]!);
      return;
    }
    default: {
      const k0 = K[idx[from]!]!;
      const k1 = K[idx[from + 1]!]!;
      const k2 = K[idx[from + 2]!]!;
      const k3 = K[idx[from + 3]!]!;
      const c0 = scale * val[from]!;
      const c1 = scale * val[from + 1]!;
      const c2 = scale * val[from + 2]!;
      const c3 = scale * val[from + 3]!;
      for (let i = 0; i < n; i++) out[i] = src[i]! + (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]!);
    }
  }
}

/** w = base + h·Σ_j row_j K_j. */
function combine(w: Float64Array, base: Float64Array, h: number, row: SparseRow, K: readonly Float64Array[], n: number): void {
  const { idx, val } = row;
  const m = idx.length;
  for (let from = 0; from < m; from += 4) accumulate(w, base, from === 0, h, idx, val, from, Math.min(4, m - from), K, n);
}

/** DOP853 with FSAL and lazily computed 7th-order dense output; see the module doc. */
export class Dop853Stepper implements Stepper {
  readonly n: number;
  readonly denseWidth = 8;
  y: Float64Array;
  rejected = 0;
  failure: StepFailure | undefined = undefined;
  private yNew: Float64Array;
  /** K[0..15]: stage derivatives; K[0] = f(t, y), K[12] = f(t + h, y_new). */
  private readonly K: Float64Array[];
  private readonly w: Float64Array;
  private readonly zero: Float64Array;
  private readonly coeffs: Float64Array;
  /** Views of coeffs rows 4..7 (filled from the D matrix). */
  private readonly dRows: Float64Array[];
  private readonly rtol: number;
  private readonly atol: Float64Array;
  private readonly dtMax: number;
  private readonly control: ControllerParams;
  private readonly norm: ErrorNorm | undefined;
  private readonly err5: Float64Array;
  private readonly err3: Float64Array;
  private readonly sums = new Float64Array(2);
  private h: number;
  private hLast = 0;
  private tLast = 0;
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
    this.K = Array.from({ length: 16 }, () => new Float64Array(n));
    this.w = new Float64Array(n);
    this.zero = new Float64Array(n);
    this.coeffs = new Float64Array(8 * n);
    this.dRows = [4, 5, 6, 7].map((r) => this.coeffs.subarray(r * n, (r + 1) * n));
    this.rtol = setup.rtol;
    this.atol = setup.atol;
    this.dtMax = setup.dtMax;
    this.control = setup.control ?? DOP853_CONTROL;
    this.norm = setup.norm;
    this.err5 = new Float64Array(setup.norm === undefined ? 0 : n);
    this.err3 = new Float64Array(setup.norm === undefined ? 0 : n);
    rhs(t0, this.y, this.K[0]!);
    this.h =
      setup.dt0 ??
      initialStep(rhs, t0, this.y, this.K[0]!, t1, this.dtMax, this.control.errorOrder, this.rtol, this.atol, this.w, this.K[1]!);
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
        this.accept(t, hh);
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
    this.accept(t, h);
    return t + h;
  }

  private accept(t: number, h: number): void {
    this.tLast = t;
    this.hLast = h;
    const y = this.y;
    this.y = this.yNew;
    this.yNew = y;
    // K[0] must hold f(t_new, y_new) for the next step, but dense() still needs the old K[0]:
    // swap K[0] and K[12] and let dense() read them crosswise.
    const K = this.K;
    const k0 = K[0]!;
    K[0] = K[12]!;
    K[12] = k0;
  }

  /** Computes yNew, f(tNew, yNew) into K[12] and returns Hairer's error norm. */
  private attempt(t: number, h: number, tNew: number): number {
    const { n, y, K, w, yNew, rhs, atol, rtol } = this;
    const k0 = K[0]!, k1 = K[1]!, k2 = K[2]!, k3 = K[3]!, k4 = K[4]!, k5 = K[5]!, k6 = K[6]!, k7 = K[7]!, k8 = K[8]!, k9 = K[9]!, k10 = K[10]!, k11 = K[11]!, k12 = K[12]!;
    const AD = A_DENSE;
    const A1 = AD[1]!, A2 = AD[2]!, A3 = AD[3]!, A4 = AD[4]!, A5 = AD[5]!, A6 = AD[6]!, A7 = AD[7]!, A8 = AD[8]!, A9 = AD[9]!, A10 = AD[10]!, A11 = AD[11]!, A12 = AD[12]!;
    const a1_0 = A1[0]!;
    const a2_0 = A2[0]!, a2_1 = A2[1]!;
    const a3_0 = A3[0]!, a3_2 = A3[2]!;
    const a4_0 = A4[0]!, a4_2 = A4[2]!, a4_3 = A4[3]!;
    const a5_0 = A5[0]!, a5_3 = A5[3]!, a5_4 = A5[4]!;
    const a6_0 = A6[0]!, a6_3 = A6[3]!, a6_4 = A6[4]!, a6_5 = A6[5]!;
    const a7_0 = A7[0]!, a7_3 = A7[3]!, a7_4 = A7[4]!, a7_5 = A7[5]!, a7_6 = A7[6]!;
    const a8_0 = A8[0]!, a8_3 = A8[3]!, a8_4 = A8[4]!, a8_5 = A8[5]!, a8_6 = A8[6]!, a8_7 = A8[7]!;
    const a9_0 = A9[0]!, a9_3 = A9[3]!, a9_4 = A9[4]!, a9_5 = A9[5]!, a9_6 = A9[6]!, a9_7 = A9[7]!, a9_8 = A9[8]!;
    const a10_0 = A10[0]!, a10_3 = A10[3]!, a10_4 = A10[4]!, a10_5 = A10[5]!, a10_6 = A10[6]!, a10_7 = A10[7]!, a10_8 = A10[8]!, a10_9 = A10[9]!;
    const a11_0 = A11[0]!, a11_3 = A11[3]!, a11_4 = A11[4]!, a11_5 = A11[5]!, a11_6 = A11[6]!, a11_7 = A11[7]!, a11_8 = A11[8]!, a11_9 = A11[9]!, a11_10 = A11[10]!;
    const a12_0 = A12[0]!, a12_5 = A12[5]!, a12_6 = A12[6]!, a12_7 = A12[7]!, a12_8 = A12[8]!, a12_9 = A12[9]!, a12_10 = A12[10]!, a12_11 = A12[11]!;
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a1_0 * k0[i]!);
    rhs(t + C[1]! * h, w, k1);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a2_0 * k0[i]! + a2_1 * k1[i]!);
    rhs(t + C[2]! * h, w, k2);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a3_0 * k0[i]! + a3_2 * k2[i]!);
    rhs(t + C[3]! * h, w, k3);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a4_0 * k0[i]! + a4_2 * k2[i]! + a4_3 * k3[i]!);
    rhs(t + C[4]! * h, w, k4);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a5_0 * k0[i]! + a5_3 * k3[i]! + a5_4 * k4[i]!);
    rhs(t + C[5]! * h, w, k5);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a6_0 * k0[i]! + a6_3 * k3[i]! + a6_4 * k4[i]! + a6_5 * k5[i]!);
    rhs(t + C[6]! * h, w, k6);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a7_0 * k0[i]! + a7_3 * k3[i]! + a7_4 * k4[i]! + a7_5 * k5[i]! + a7_6 * k6[i]!);
    rhs(t + C[7]! * h, w, k7);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a8_0 * k0[i]! + a8_3 * k3[i]! + a8_4 * k4[i]! + a8_5 * k5[i]! + a8_6 * k6[i]! + a8_7 * k7[i]!);
    rhs(t + C[8]! * h, w, k8);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a9_0 * k0[i]! + a9_3 * k3[i]! + a9_4 * k4[i]! + a9_5 * k5[i]! + a9_6 * k6[i]! + a9_7 * k7[i]! + a9_8 * k8[i]!);
    rhs(t + C[9]! * h, w, k9);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a10_0 * k0[i]! + a10_3 * k3[i]! + a10_4 * k4[i]! + a10_5 * k5[i]! + a10_6 * k6[i]! + a10_7 * k7[i]! + a10_8 * k8[i]! + a10_9 * k9[i]!);
    rhs(t + C[10]! * h, w, k10);
    for (let i = 0; i < n; i++) w[i] = y[i]! + h * (a11_0 * k0[i]! + a11_3 * k3[i]! + a11_4 * k4[i]! + a11_5 * k5[i]! + a11_6 * k6[i]! + a11_7 * k7[i]! + a11_8 * k8[i]! + a11_9 * k9[i]! + a11_10 * k10[i]!);
    rhs(tNew, w, k11);
    for (let i = 0; i < n; i++) yNew[i] = y[i]! + h * (a12_0 * k0[i]! + a12_5 * k5[i]! + a12_6 * k6[i]! + a12_7 * k7[i]! + a12_8 * k8[i]! + a12_9 * k9[i]! + a12_10 * k10[i]! + a12_11 * k11[i]!);
    rhs(tNew, yNew, k12);
    const p0 = E5[0]!, p5 = E5[5]!, p6 = E5[6]!, p7 = E5[7]!, p8 = E5[8]!, p9 = E5[9]!, p10 = E5[10]!, p11 = E5[11]!;
    const q0 = E3[0]!, q5 = E3[5]!, q6 = E3[6]!, q7 = E3[7]!, q8 = E3[8]!, q9 = E3[9]!, q10 = E3[10]!, q11 = E3[11]!;
    let s5 = 0;
    let s3 = 0;
    let size = n;
    const norm = this.norm;
    if (norm !== undefined) {
      const e5 = this.err5;
      const e3 = this.err3;
      for (let i = 0; i < n; i++) {
        e5[i] = p0 * k0[i]! + p5 * k5[i]! + p6 * k6[i]! + p7 * k7[i]! + p8 * k8[i]! + p9 * k9[i]! + p10 * k10[i]! + p11 * k11[i]!;
        e3[i] = q0 * k0[i]! + q5 * k5[i]! + q6 * k6[i]! + q7 * k7[i]! + q8 * k8[i]! + q9 * k9[i]! + q10 * k10[i]! + q11 * k11[i]!;
      }
      norm.sums(y, yNew, e5, e3, this.sums);
      s5 = this.sums[0]!;
      s3 = this.sums[1]!;
      size = norm.size;
    } else {
      for (let i = 0; i < n; i++) {
        const sc = atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
        const r5 = (p0 * k0[i]! + p5 * k5[i]! + p6 * k6[i]! + p7 * k7[i]! + p8 * k8[i]! + p9 * k9[i]! + p10 * k10[i]! + p11 * k11[i]!) / sc;
        const r3 = (q0 * k0[i]! + q5 * k5[i]! + q6 * k6[i]! + q7 * k7[i]! + q8 * k8[i]! + q9 * k9[i]! + q10 * k10[i]! + q11 * k11[i]!) / sc;
        s5 += r5 * r5;
        s3 += r3 * r3;
      }
    }
    if (s5 === 0 && s3 === 0) return 0;
    return (Math.abs(h) * s5) / Math.sqrt((s5 + 0.01 * s3) * size);
  }

  dense(): Float64Array {
    const { n, y, yNew: yOld, K, w, coeffs, dRows, hLast: h, tLast: t, rhs, zero } = this;
    // Undo the FSAL swap for the duration of the dense computation.
    const fNew = K[0]!;
    const fOld = K[12]!;
    K[0] = fOld;
    K[12] = fNew;
    for (let s = 13; s < 16; s++) {
      combine(w, yOld, h, A_ROWS[s]!, K, n);
      rhs(t + C[s]! * h, w, K[s]!);
    }
    for (let i = 0; i < n; i++) {
      const dy = y[i]! - yOld[i]!;
      const bspl = h * fOld[i]! - dy;
      coeffs[i] = yOld[i]!;
      coeffs[n + i] = dy;
      coeffs[2 * n + i] = bspl;
      coeffs[3 * n + i] = dy - h * fNew[i]! - bspl;
    }
    for (let r = 0; r < 4; r++) {
      const row = D_ROWS[r]!;
      combine(dRows[r]!, zero, h, row, K, n);
    }
    K[0] = fNew;
    K[12] = fOld;
    return coeffs;
  }
}
