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
import { initialStep, minStepAt, stepFactor, type ControllerParams } from './step-control.js';
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
const E5_ROW = sparse(DOP853.e5);
const E3_ROW = sparse(DOP853.e3);
const D_ROWS: readonly SparseRow[] = DOP853.d.map(sparse);
const C = Float64Array.from(DOP853.c);

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

/** acc = Σ_j row_j K_j (base ignored: `zero` is only read as a source of zeros on the first pass). */
function weighted(acc: Float64Array, row: SparseRow, K: readonly Float64Array[], n: number, zero: Float64Array): void {
  const { idx, val } = row;
  const m = idx.length;
  for (let from = 0; from < m; from += 4) accumulate(acc, zero, from === 0, 1, idx, val, from, Math.min(4, m - from), K, n);
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
  private readonly err5: Float64Array;
  private readonly err3: Float64Array;
  private readonly zero: Float64Array;
  private readonly coeffs: Float64Array;
  /** Views of coeffs rows 4..7 (filled from the D matrix). */
  private readonly dRows: Float64Array[];
  private readonly rtol: number;
  private readonly atol: Float64Array;
  private readonly dtMax: number;
  private readonly control: ControllerParams;
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
    this.err5 = new Float64Array(n);
    this.err3 = new Float64Array(n);
    this.zero = new Float64Array(n);
    this.coeffs = new Float64Array(8 * n);
    this.dRows = [4, 5, 6, 7].map((r) => this.coeffs.subarray(r * n, (r + 1) * n));
    this.rtol = setup.rtol;
    this.atol = setup.atol;
    this.dtMax = setup.dtMax;
    this.control = setup.control ?? DOP853_CONTROL;
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
    const { n, y, K, w, yNew, rhs, atol, rtol, err5, err3, zero } = this;
    for (let s = 1; s < 12; s++) {
      combine(w, y, h, A_ROWS[s]!, K, n);
      rhs(s === 11 ? tNew : t + C[s]! * h, w, K[s]!);
    }
    combine(yNew, y, h, A_ROWS[12]!, K, n);
    rhs(tNew, yNew, K[12]!);
    weighted(err5, E5_ROW, K, n, zero);
    weighted(err3, E3_ROW, K, n, zero);
    let s5 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      const sc = atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
      const r5 = err5[i]! / sc;
      const r3 = err3[i]! / sc;
      s5 += r5 * r5;
      s3 += r3 * r3;
    }
    if (s5 === 0 && s3 === 0) return 0;
    return (Math.abs(h) * s5) / Math.sqrt((s5 + 0.01 * s3) * n);
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
