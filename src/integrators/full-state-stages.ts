/**
 * The plain stage evaluator of the Runge–Kutta engine (rk-stepper.ts): stage states
 * w_i = y + h Σ_j a_ij k_j and k_i = f(t + c_i h, w_i) from an RHS, the update
 * y_new = y + h Σ_j b_j k_j, stage s = f(t + h, y_new), the error vectors E = (h) Σ_j e_j k_j and
 * their norm (the state's own: sc_i = atol_i + rtol·max(|y_i|, |y_new,i|), or an `ErrorNorm` hook
 * for a state that stands for a larger one), and the dense rows h Σ_j D_rj k_j after the extra
 * stages. Every combination is `stageSum` (stage-sum.ts) over the tableau's nonzero terms, so the
 * arithmetic is that of the written-out sums. A stage with c_i = 1 is evaluated at tNew itself
 * (t + 1·h can differ from tNew in the last bit). Buffers are allocated once.
 *
 * With WebAssembly SIMD (src/wasm/kernels.ts) the combinations run as the kernels `rkStageSum`,
 * `rkErrorSquares` and `sumInOrder` (src/wasm/asm/stage-sum.ts; the same operations in the same
 * order as stage-sum.ts, so the same bits: tested). The evaluator then keeps its vectors (y, y_new
 * for the engine, the stages, the stage state, the error vectors, atol and the tableau's terms) in
 * a private kernel instance whose memory is sized once here: the RHS gets views on it and may use
 * the shared kernels (whose memory may grow) without detaching them. The instance comes from the
 * pool of kernels.ts and goes back to it on `release()`; its memory holds the last owner's data,
 * so everything read is written first (the zero vector explicitly). The RHS evaluations are
 * counted here (`rhsEvals`), so solve's count needs no wrapper around the RHS.
 *
 * An RHS that carries a `KernelRhs` (under the key KERNEL_RHS) runs on this instance itself: the
 * evaluator reserves its scratch here and calls it with the byte offsets of the state and the
 * stage, so no state is copied into another instance and no derivative copied back; likewise an
 * ErrorNorm that carries a `KernelNorm` (KERNEL_NORM).
 */
import type { ErrorNorm } from './step-control.js';
import { writeBaseRows } from './dense-output.js';
import { errorNormValue, type StageEvaluator } from './rk-stepper.js';
import { fusedErrorSquares, stageSum, stageTerms, type StageTerms } from './stage-sum.js';
import { denseWeightRows, denseWeightsAt, type Tableau } from './tableau.js';
import type { Rhs } from './types.js';
import { privateKernels, releaseKernels, type KernelExports } from '../wasm/kernels.js';

/**
 * An RHS that can run as a kernel on the evaluator's own instance: `scratchBytes` of its memory
 * (16-aligned) are reserved for it, `bind(x, base)` writes the RHS's fixed data at byte offset
 * `base` of x's memory and returns f(yp, fp): the derivative of the state at byte offset yp into
 * byte offset fp (both in x's memory), the same numbers as the RHS function.
 */
export interface KernelRhs {
  readonly scratchBytes: number;
  bind(x: KernelExports, base: number): (yp: number, fp: number) => void;
}

/** The key under which an RHS function carries its KernelRhs (registered: `Symbol.for`). */
export const KERNEL_RHS: symbol = Symbol.for('vsflow.kernelRhs');

/**
 * An ErrorNorm that can run as a kernel on the evaluator's own instance (as KernelRhs):
 * `bind(x, base)` writes its fixed data at byte offset `base` and returns
 * sums(yp, ynp, e1p, e2p, two, out): `ErrorNorm.sums` of the vectors at those byte offsets
 * (e2p = e1p when `two` is false), the same numbers.
 */
export interface KernelNorm {
  readonly scratchBytes: number;
  bind(x: KernelExports, base: number): (yp: number, ynp: number, e1p: number, e2p: number, two: boolean, out: Float64Array) => void;
}

/** The key under which an ErrorNorm carries its KernelNorm (registered: `Symbol.for`). */
export const KERNEL_NORM: symbol = Symbol.for('vsflow.kernelNorm');

/** A tableau's rows as nonzero terms, made once per tableau (small solves pay for construction). */
interface TableauTerms {
  readonly c: Float64Array;
  readonly rows: StageTerms[];
  readonly bTerms: StageTerms;
  readonly eTerms: StageTerms[];
  readonly dTerms: StageTerms[];
}

const TERMS = new WeakMap<Tableau, TableauTerms>();

function termsOf(T: Tableau): TableauTerms {
  let t = TERMS.get(T);
  if (t === undefined) {
    t = { c: Float64Array.from(T.c), rows: T.a.map(stageTerms), bTerms: stageTerms(T.b), eTerms: T.errors.map((e) => stageTerms(e.e)), dTerms: T.dense.rows.map(stageTerms) };
    TERMS.set(T, t);
  }
  return t;
}

/** Byte offsets in the private kernel memory, 16-aligned, from the first 64 KiB page on (kernels.ts keeps it free). */
class Layout {
  end = 65536;
  take(bytes: number): number {
    const p = this.end;
    this.end += (bytes + 15) & ~15;
    return p;
  }
}

/** A row of terms in kernel memory: i32 stage numbers at `idx`, f64 coefficients at `coef`. */
interface KernelRow {
  readonly idx: number;
  readonly coef: number;
  readonly m: number;
}

/** The evaluator's kernel instance and where its arrays are. */
interface KernelState {
  readonly x: KernelExports;
  readonly buffer: ArrayBuffer;
  /** u32 table of the stage vectors' byte offsets (swapped with K on the FSAL hand-over). */
  readonly kTab: Uint32Array;
  readonly kTabPtr: number;
  readonly resPtr: number;
  readonly rows: KernelRow[];
  readonly b: KernelRow;
  readonly e: KernelRow[];
  readonly d: KernelRow[];
  readonly yPtr: number;
  readonly yNewPtr: number;
  readonly wPtr: number;
  readonly e1Ptr: number;
  readonly e2Ptr: number;
  readonly zeroPtr: number;
  readonly atolPtr: number;
  readonly sumsPtr: number;
  readonly densePtr: number;
  /** Byte offset of the KernelRhs's scratch (0 without one). */
  readonly rhsScratchPtr: number;
  /** Byte offset of the KernelNorm's scratch (0 without one). */
  readonly normScratchPtr: number;
  readonly sums: Float64Array;
  readonly denseRow: Float64Array;
  /** denseAt's row of up to one term per stage: its idx / coef offsets and views on them. */
  readonly atIdxPtr: number;
  readonly atCoefPtr: number;
  readonly atIdx: Int32Array;
  readonly atCoef: Float64Array;
}

/**
 * The plain stage evaluator (see the module doc). `K[0]` holds f(t, y) at the current step start;
 * `y` (a copy of y0) and `yNew` are the state pair the engine should use.
 */
export class FullStateStages implements StageEvaluator {
  readonly n: number;
  /** Stage derivatives k_0..k_{S−1}. */
  readonly K: Float64Array[];
  /** Stage-state scratch (also lent to the initial-step heuristic). */
  readonly w: Float64Array;
  /** The state at t0 (a copy of y0), then the engine's current state buffer. */
  readonly y: Float64Array;
  /** The engine's second state buffer. */
  readonly yNew: Float64Array;
  /** RHS evaluations so far (every call of `rhs` made here). */
  rhsEvals = 0;
  private readonly s: number;
  private readonly nStages: number;
  private readonly c: Float64Array;
  private readonly rows: StageTerms[];
  private readonly bTerms: StageTerms;
  private readonly eTerms: StageTerms[];
  private readonly dTerms: StageTerms[];
  private readonly estimators: number;
  private readonly fixed: boolean;
  private readonly width: number;
  private readonly E1: Float64Array;
  private readonly E2: Float64Array;
  private readonly zero: Float64Array;
  private readonly dRows: Float64Array[];
  private readonly sums = new Float64Array(2);
  private readonly atol: Float64Array;
  /** The kernels and their memory, or undefined (TypeScript stage sums). */
  private ks: KernelState | undefined;
  /** Accepted steps, and the step (and its start state) whose extra dense stages are in K (−1: none). */
  private steps = 0;
  private extrasOf = -1;
  private extrasAt: Float64Array | undefined;
  /** denseAt: the nested form's stage vectors, w(θ) and the nonzero terms' scratch (TypeScript path). */
  private readonly denseRowsW: Float64Array[];
  private readonly denseW: Float64Array;
  private readonly atIdx: Int32Array;
  private readonly atCoef: Float64Array;
  /** The RHS bound to the kernel instance (KernelRhs), or undefined. */
  private readonly fast: ((yp: number, fp: number) => void) | undefined;
  /** The error norm bound to the kernel instance (KernelNorm), or undefined. */
  private readonly fastNorm: ((yp: number, ynp: number, e1p: number, e2p: number, two: boolean, out: Float64Array) => void) | undefined;

  constructor(
    T: Tableau,
    private readonly rhs: Rhs,
    t0: number,
    y0: Float64Array,
    private readonly rtol: number,
    atol: Float64Array,
    private readonly norm: ErrorNorm | undefined,
  ) {
    const n = y0.length;
    this.n = n;
    this.s = T.stages;
    this.nStages = T.c.length;
    this.denseRowsW = denseWeightRows(T);
    this.denseW = new Float64Array(this.nStages);
    this.atIdx = new Int32Array(this.nStages);
    this.atCoef = new Float64Array(this.nStages);
    const terms = termsOf(T);
    this.c = terms.c;
    this.rows = terms.rows;
    this.bTerms = terms.bTerms;
    this.estimators = T.errors.length;
    this.fixed = this.estimators === 0;
    this.eTerms = terms.eTerms;
    this.dTerms = terms.dTerms;
    this.width = T.dense.width;
    const e1Len = this.estimators >= 1 && (norm !== undefined || this.eTerms[0]!.idx.length > 8) ? n : 0;
    const e2Len = this.estimators >= 2 ? n : 0;
    const zeroLen = this.estimators > 0 || this.dTerms.length > 0 ? n : 0;
    const atolLen = norm === undefined ? atol.length : 0;
    this.dRows = [];
    const kr = (rhs as unknown as Record<symbol, KernelRhs | undefined>)[KERNEL_RHS];
    const kn = norm === undefined ? undefined : (norm as unknown as Record<symbol, KernelNorm | undefined>)[KERNEL_NORM];
    const ks = kernelState(terms, this.nStages, n, e1Len, e2Len, zeroLen, atolLen, kr?.scratchBytes ?? 0, kn?.scratchBytes ?? 0);
    this.ks = ks;
    this.fast = ks === undefined || kr === undefined ? undefined : kr.bind(ks.x, ks.rhsScratchPtr);
    this.fastNorm = ks === undefined || kn === undefined || e1Len === 0 ? undefined : kn.bind(ks.x, ks.normScratchPtr);
    if (ks === undefined) {
      this.K = Array.from({ length: this.nStages }, () => new Float64Array(n));
      this.w = new Float64Array(n);
      this.y = Float64Array.from(y0);
      this.yNew = new Float64Array(n);
      this.E1 = new Float64Array(e1Len);
      this.E2 = new Float64Array(e2Len);
      this.zero = new Float64Array(zeroLen);
      this.atol = atol;
    } else {
      const view = (ptr: number, len: number): Float64Array => new Float64Array(ks.buffer, ptr, len);
      this.K = Array.from(ks.kTab, (p) => view(p, n));
      this.w = view(ks.wPtr, n);
      this.y = view(ks.yPtr, n);
      this.yNew = view(ks.yNewPtr, n);
      this.y.set(y0);
      this.E1 = view(ks.e1Ptr, e1Len);
      this.E2 = view(ks.e2Ptr, e2Len);
      // Zeroed here: the instance comes from a pool and holds its last owner's data.
      this.zero = view(ks.zeroPtr, zeroLen).fill(0);
      this.atol = view(ks.atolPtr, atolLen);
      this.atol.set(atol.subarray(0, atolLen));
    }
    this.rhsEvals++;
    if (this.fast !== undefined) this.fast(ks!.yPtr, ks!.kTab[0]!);
    else rhs(t0, this.y, this.K[0]!);
  }

  attempt(t: number, h: number, tNew: number, y: Float64Array, yNew: Float64Array): number {
    const ks = this.ks;
    // The kernels need both states in their memory (always so through the engine).
    if (ks !== undefined && y.buffer === ks.buffer && yNew.buffer === ks.buffer) return this.attemptKernels(ks, t, h, tNew, y.byteOffset, yNew.byteOffset, y, yNew);
    const { n, K, w, rhs, rows, c, s } = this;
    for (let i = 1; i < s; i++) {
      stageSum(w, y, h, rows[i]!, K, n);
      this.rhsEvals++;
      rhs(c[i] === 1 ? tNew : t + c[i]! * h, w, K[i]!);
    }
    stageSum(yNew, y, h, this.bTerms, K, n);
    if (this.fixed) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yNew[i]!;
      if (Number.isFinite(sum)) {
        this.rhsEvals++;
        rhs(tNew, yNew, K[s]!);
      }
      return sum;
    }
    this.rhsEvals++;
    rhs(tNew, yNew, K[s]!);
    // dopri5-type (one estimator): E = h Σ e_j k_j; dop853-type: E unscaled, h enters the norm.
    const two = this.estimators === 2;
    const eh = two ? 1 : h;
    if (two) stageSum(this.E2, this.zero, 1, this.eTerms[1]!, K, n);
    const E2 = two ? this.E2 : undefined;
    const sums = this.sums;
    const norm = this.norm;
    let size = n;
    if (norm !== undefined) {
      stageSum(this.E1, this.zero, eh, this.eTerms[0]!, K, n);
      norm.sums(y, yNew, this.E1, E2, sums);
      size = norm.size;
    } else if (!fusedErrorSquares(y, yNew, this.atol, this.rtol, eh, this.eTerms[0]!, K, this.zero, E2, n, sums)) {
      stageSum(this.E1, this.zero, eh, this.eTerms[0]!, K, n);
      scaledSquares(y, yNew, this.E1, E2, this.atol, this.rtol, n, sums);
    }
    return errorNormValue(this.estimators, h, sums[0]!, sums[1]!, size);
  }

  /** `attempt` with the kernels (the same operations; yp, ynp: byte offsets of y, yNew). */
  private attemptKernels(ks: KernelState, t: number, h: number, tNew: number, yp: number, ynp: number, y: Float64Array, yNew: Float64Array): number {
    const { x, rows, kTabPtr, resPtr } = ks;
    const { n, K, w, rhs, c, s, fast } = this;
    const wp = ks.wPtr;
    const kTab = ks.kTab;
    for (let i = 1; i < s; i++) {
      const r = rows[i]!;
      x.rkStageSum(wp, yp, h, r.idx, r.coef, r.m, kTabPtr, resPtr, n);
      this.rhsEvals++;
      if (fast !== undefined) fast(wp, kTab[i]!);
      else rhs(c[i] === 1 ? tNew : t + c[i]! * h, w, K[i]!);
    }
    const b = ks.b;
    x.rkStageSum(ynp, yp, h, b.idx, b.coef, b.m, kTabPtr, resPtr, n);
    if (this.fixed) {
      const sum = x.sumInOrder(ynp, n);
      if (Number.isFinite(sum)) {
        this.rhsEvals++;
        if (fast !== undefined) fast(ynp, kTab[s]!);
        else rhs(tNew, yNew, K[s]!);
      }
      return sum;
    }
    this.rhsEvals++;
    if (fast !== undefined) fast(ynp, kTab[s]!);
    else rhs(tNew, yNew, K[s]!);
    const two = this.estimators === 2;
    const eh = two ? 1 : h;
    if (two) {
      const e = ks.e[1]!;
      x.rkStageSum(ks.e2Ptr, ks.zeroPtr, 1, e.idx, e.coef, e.m, kTabPtr, resPtr, n);
    }
    const e0 = ks.e[0]!;
    const norm = this.norm;
    let s1: number;
    let s2: number;
    let size = n;
    if (norm !== undefined) {
      x.rkStageSum(ks.e1Ptr, ks.zeroPtr, eh, e0.idx, e0.coef, e0.m, kTabPtr, resPtr, n);
      const sums = this.sums;
      const fastNorm = this.fastNorm;
      if (fastNorm !== undefined) fastNorm(yp, ynp, ks.e1Ptr, two ? ks.e2Ptr : ks.e1Ptr, two, sums);
      else norm.sums(y, yNew, this.E1, two ? this.E2 : undefined, sums);
      s1 = sums[0]!;
      s2 = sums[1]!;
      size = norm.size;
    } else {
      // One fused pass for any row length: (eh·Σ)/sc and (0 + eh·Σ)/sc (the twin's path for rows
      // over eight terms) differ at most in the sign of a zero, which squaring removes.
      x.rkErrorSquares(yp, ynp, ks.atolPtr, this.rtol, eh, e0.idx, e0.coef, e0.m, kTabPtr, resPtr, ks.e2Ptr, two ? 1 : 0, n, ks.sumsPtr);
      s1 = ks.sums[0]!;
      s2 = ks.sums[1]!;
    }
    return errorNormValue(this.estimators, h, s1, s2, size);
  }

  /**
   * Gives the kernel instance back to the pool (kernels.ts `releaseKernels`); the evaluator and
   * every view it handed out (y, yNew, K, w) must not be used afterwards. The engine's caller
   * calls it once the solve's results are copied out (solve.ts, after `drive`).
   */
  release(): void {
    const ks = this.ks;
    this.ks = undefined;
    if (ks !== undefined) releaseKernels(ks.x);
  }

  accept(): void {
    this.steps++;
    this.swap();
  }

  /** Stage s (f at the new point) becomes stage 0; the old stage 0 waits in slot s for dense(). Its own inverse. */
  private swap(): void {
    const K = this.K;
    const k0 = K[0]!;
    K[0] = K[this.s]!;
    K[this.s] = k0;
    const ks = this.ks;
    if (ks !== undefined) {
      const tab = ks.kTab;
      const p0 = tab[0]!;
      tab[0] = tab[this.s]!;
      tab[this.s] = p0;
    }
  }

  /** The extra stages of the last accepted step's dense output, once per step (call with the hand-over undone). */
  private extras(tOld: number, h: number, yOld: Float64Array, ks: KernelState | undefined): void {
    if (this.extrasOf === this.steps && this.extrasAt === yOld) return;
    const { n, K, w, rhs, rows, c, s, nStages, fast } = this;
    for (let i = s + 1; i < nStages; i++) {
      this.rhsEvals++;
      if (ks === undefined) {
        stageSum(w, yOld, h, rows[i]!, K, n);
        rhs(tOld + c[i]! * h, w, K[i]!);
        continue;
      }
      const r = ks.rows[i]!;
      ks.x.rkStageSum(ks.wPtr, yOld.byteOffset, h, r.idx, r.coef, r.m, ks.kTabPtr, ks.resPtr, n);
      // The RHS on this instance where it has a kernel form (the same numbers), as in the attempt.
      if (fast !== undefined) fast(ks.wPtr, ks.kTab[i]!);
      else rhs(tOld + c[i]! * h, w, K[i]!);
    }
    this.extrasOf = this.steps;
    this.extrasAt = yOld;
  }

  dense(tOld: number, h: number, yOld: Float64Array, y: Float64Array, coeffs: Float64Array): void {
    const { n, K, s, width } = this;
    const ks = this.ks !== undefined && yOld.buffer === this.ks.buffer ? this.ks : undefined;
    // Undo the hand-over for the computation: slot 0 = f_n, slot s = f_{n+1}.
    this.swap();
    this.extras(tOld, h, yOld, ks);
    writeBaseRows(coeffs, width, n, yOld, y, K[0]!, K[s]!, h);
    const dRows = this.dRows;
    if (dRows.length === 0) for (let r = 0; r < this.dTerms.length; r++) dRows.push(coeffs.subarray((4 + r) * n, (5 + r) * n));
    for (let r = 0; r < dRows.length; r++) {
      if (ks === undefined) stageSum(dRows[r]!, this.zero, h, this.dTerms[r]!, K, n);
      else {
        const d = ks.d[r]!;
        ks.x.rkStageSum(ks.densePtr, ks.zeroPtr, h, d.idx, d.coef, d.m, ks.kTabPtr, ks.resPtr, n);
        dRows[r]!.set(ks.denseRow);
      }
    }
    this.swap();
  }

  /**
   * y(tOld + θh) = yOld + h Σ_j w_j(θ) k_j (denseWeights, the nonzero weights in stage order) into
   * `out`: one stageSum / rkStageSum pass instead of the dense rows and the nested evaluation;
   * the same polynomial summed in another order (equal to round-off, tested).
   */
  denseAt(tOld: number, h: number, yOld: Float64Array, _y: Float64Array, theta: number, out: Float64Array): void {
    const { n, K } = this;
    const ks = this.ks !== undefined && yOld.buffer === this.ks.buffer ? this.ks : undefined;
    this.swap();
    this.extras(tOld, h, yOld, ks);
    const w = denseWeightsAt(this.denseRowsW, theta, this.denseW);
    const idx = ks === undefined ? this.atIdx : ks.atIdx;
    const coef = ks === undefined ? this.atCoef : ks.atCoef;
    let m = 0;
    for (let j = 0; j < w.length; j++) {
      if (w[j] === 0) continue;
      idx[m] = j;
      coef[m] = w[j]!;
      m++;
    }
    if (m === 0) out.set(yOld);
    else if (ks === undefined) stageSum(out, yOld, h, { idx: idx.subarray(0, m), coef: coef.subarray(0, m) }, K, n);
    else {
      ks.x.rkStageSum(ks.wPtr, yOld.byteOffset, h, ks.atIdxPtr, ks.atCoefPtr, m, ks.kTabPtr, ks.resPtr, n);
      out.set(this.w);
    }
    this.swap();
  }
}

/**
 * The private kernel instance of one evaluator with its arrays laid out and the tableau's terms
 * written, or undefined without WebAssembly SIMD.
 */
function kernelState(terms: TableauTerms, nStages: number, n: number, e1Len: number, e2Len: number, zeroLen: number, atolLen: number, rhsScratchBytes: number, normScratchBytes: number): KernelState | undefined {
  const L = new Layout();
  const vec = (len: number): number => L.take(8 * len);
  const kPtrs = Array.from({ length: nStages }, () => vec(n));
  const wPtr = vec(n);
  const e1Ptr = vec(e1Len);
  const e2Ptr = vec(e2Len);
  const zeroPtr = vec(zeroLen);
  const atolPtr = vec(atolLen);
  const sumsPtr = vec(2);
  const densePtr = vec(terms.dTerms.length > 0 ? n : 0);
  const yPtr = vec(n);
  const yNewPtr = vec(n);
  const kTabPtr = L.take(4 * nStages);
  let maxTerms = 1;
  const rowOf = (t: StageTerms): { t: StageTerms; idx: number; coef: number } => {
    maxTerms = Math.max(maxTerms, t.idx.length);
    const idx = L.take(4 * t.idx.length);
    return { t, idx, coef: L.take(8 * t.idx.length) };
  };
  const rows = terms.rows.map(rowOf);
  const b = rowOf(terms.bTerms);
  const e = terms.eTerms.map(rowOf);
  const d = terms.dTerms.map(rowOf);
  // denseAt's row (every stage may have a weight).
  maxTerms = Math.max(maxTerms, nStages);
  const atIdxPtr = L.take(4 * nStages);
  const atCoefPtr = L.take(8 * nStages);
  const resPtr = L.take(4 * maxTerms);
  const rhsScratchPtr = rhsScratchBytes > 0 ? L.take(rhsScratchBytes) : 0;
  const normScratchPtr = normScratchBytes > 0 ? L.take(normScratchBytes) : 0;
  const x = privateKernels(L.end);
  if (x === undefined) return undefined;
  const buffer = x.memory.buffer;
  const kTab = new Uint32Array(buffer, kTabPtr, nStages);
  kTab.set(kPtrs);
  const place = (r: { t: StageTerms; idx: number; coef: number }): KernelRow => {
    new Int32Array(buffer, r.idx, r.t.idx.length).set(r.t.idx);
    new Float64Array(buffer, r.coef, r.t.coef.length).set(r.t.coef);
    return { idx: r.idx, coef: r.coef, m: r.t.idx.length };
  };
  return {
    x,
    buffer,
    kTab,
    kTabPtr,
    resPtr,
    rows: rows.map(place),
    b: place(b),
    e: e.map(place),
    d: d.map(place),
    yPtr,
    yNewPtr,
    wPtr,
    e1Ptr,
    e2Ptr,
    zeroPtr,
    atolPtr,
    sumsPtr,
    densePtr,
    rhsScratchPtr,
    normScratchPtr,
    sums: new Float64Array(buffer, sumsPtr, 2),
    denseRow: new Float64Array(buffer, densePtr, terms.dTerms.length > 0 ? n : 0),
    atIdxPtr,
    atCoefPtr,
    atIdx: new Int32Array(buffer, atIdxPtr, nStages),
    atCoef: new Float64Array(buffer, atCoefPtr, nStages),
  };
}

/** out[0] = Σ (E1_i/sc_i)², out[1] = Σ (E2_i/sc_i)² (0 without E2), sc_i = atol_i + rtol·max(|y_i|, |y_new,i|). */
function scaledSquares(
  y: Float64Array,
  yNew: Float64Array,
  E1: Float64Array,
  E2: Float64Array | undefined,
  atol: Float64Array,
  rtol: number,
  n: number,
  out: Float64Array,
): void {
  let s1 = 0;
  let s2 = 0;
  if (E2 === undefined) {
    for (let i = 0; i < n; i++) {
      const r = E1[i]! / (atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!)));
      s1 += r * r;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const sc = atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
      const r1 = E1[i]! / sc;
      const r2 = E2[i]! / sc;
      s1 += r1 * r1;
      s2 += r2 * r2;
    }
  }
  out[0] = s1;
  out[1] = s2;
}
