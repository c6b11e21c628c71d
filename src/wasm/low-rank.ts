/**
 * The O(d·n) kernels of the low-rank stage evaluator (integrators/low-rank-stages.ts; theory
 * VS-4/VS-5): the forward sweep f_k = V N_k, the backward sweep w_k = Vᵀ g_k, the fused step
 * update with its two error sums (or one, `fused2`, for dopri5), and the rank-R sums of the
 * dense output. Each runs in WebAssembly SIMD (src/wasm/asm/low-rank.ts) or as its TypeScript twin here, which performs the
 * same IEEE-754 operations in the same order (tested bit for bit, test/wasm/low-rank.test.ts);
 * plus vsflow's exp over an array (the existing `expScaled` kernel) for the stages' softmax.
 *
 * Both work on one workspace: a Float64Array `m` (the kernels' memory from a byte offset, or a
 * plain array), every operand an offset into it, in f64 slots (even, so 16-byte aligned in the
 * kernels' memory). Layouts: V row-major d×n; N, w (K·n) and f, g (K·d) sample-major; the fused
 * coefficients C[(i·R + r)·2 + x] (x: update, E1; `fused` also Ch[i·M + m] of its M subtracted
 * terms, their indices Ti[m]) and the dense ones C[i·R + r]; Nt the terms' N rows, Nt[r·n + q].
 */
import type { KernelExports } from './kernels.js';
import { expTwin } from './exp-log.js';
import { normalizationVjp, normalize, type NormalizationName } from '../models/normalizations.js';

/** The kernels over one workspace (offsets in f64 slots). */
export interface LowRankKernels {
  /** f[k·d + i] = Σ_q V[i·n + q]·N[k·n + q]: per sum two accumulators (even, odd q), the odd last term to the even one, then even + odd. */
  forward(V: number, N: number, K: number, d: number, n: number, f: number): void;
  /** w[k·n + q] = Σ_i V[i·n + q]·g[k·d + i], from 0 in increasing i. */
  backward(V: number, g: number, K: number, d: number, n: number, w: number): void;
  /** The fused update and error sums, E2 = B − (M subtracted terms) (see `lrFusedTwin`); out = [s1, s2]; the M slots after Ti are the kernel's scratch. */
  fused(V: number, Vn: number, C: number, Nt: number, R: number, Ch: number, Ti: number, M: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void;
  /** The fused update and the one error sum (see `lrFused2Twin`); out = [s1]. */
  fused2(V: number, Vn: number, C: number, Nt: number, R: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void;
  /** out[i·n + q] = Σ_r C[i·R + r]·Nt[r·n + q], from 0 in increasing r. */
  combine(C: number, Nt: number, R: number, d: number, n: number, out: number): void;
  /** out[k·len + q] += Σ_r c[k·R + r]·rows[r·len + q], continuing out in increasing r. */
  addRows(out: number, rows: number, c: number, R: number, K: number, len: number): void;
  /** out[q] = e^{x[q]}, q < len, by vsflow's exp (`expScaled` with c = 1; twin `expTwin`, ≤ 2 ulp of Math.exp). */
  exp(x: number, len: number, out: number): void;
  /** e = a − max(a) per sample (see `lrShiftMaxTwin`). */
  shiftMax(a: number, K: number, n: number, e: number): void;
  /** N = e·(1/Σe) per sample (see `lrScaleBySumTwin`). */
  scaleBySum(e: number, K: number, n: number, N: number): void;
  /** The softmax VJP (s·N)·(w − N·w) per sample (see `lrSoftmaxVjpTwin`). */
  softmaxVjp(N: number, w: number, K: number, n: number, s: number, out: number): void;
  /** N = N(a) per sample and the normalisers S (K) for normalisation code `kind` (`NormCode`; see `lrNormalizeTwin`); E: K·n scratch. */
  normalize(a: number, K: number, n: number, kind: NormCode, E: number, N: number, S: number): void;
  /** out = scale·J_N(a)ᵀ w per sample, N and S from `normalize` (see `lrNormVjpTwin`). */
  normVjp(a: number, N: number, S: number, w: number, K: number, n: number, kind: NormCode, scale: number, out: number): void;
  /**
   * One whole stage with the square (loss 0), regression (1) or cross-entropy (2) loss and the
   * normalisation `norm` (`NormCode`) in one call (`lrStageOne`,
   * src/wasm/asm/low-rank-stage.ts; offsets as its pointers; Sn the normalisers): true when done,
   * false when these kernels have no one-call stage (the twins), and the caller runs the
   * multi-call sequence, which gives the same bits.
   */
  stageOne(vb: number, aS: number, KAS: number, ac: number, E: number, NS: number, GS: number, f: number, g: number, w: number, X: number, Xc: number, yt: number, Xr: number, rq: number, Sn: number, s: number, K: number, d: number, n: number, rows: number, loss: 0 | 1 | 2, norm: NormCode, invK: number): boolean;
  /**
   * A whole step attempt for the cases of `stageOne` in one call (`lrAttemptOne`,
   * src/wasm/asm/low-rank-stage.ts): stages 1..fsal, the fused pass, the logit error sums into
   * out = [s1, s2]; true when done, false for the twins (the caller runs the multi-call attempt).
   */
  attemptOne(vb: number, vn: number, aS: number, KAS: number, ac: number, E: number, NS: number, GS: number, f: number, g: number, w: number, X: number, Xc: number, yt: number, Xr: number, rq: number, Sn: number, C: number, Nt: number, at: number, atStep: 0 | 1, atA: number, tab: number, out: number, fsal: number, S: number, two: 0 | 1, K: number, d: number, n: number, rows: number, loss: 0 | 1 | 2, norm: NormCode, invK: number, h: number, rtol: number): boolean;
  /**
   * The low-rank `denseAt` in one call (`lrDenseAtOne`, src/wasm/asm/low-rank-stage.ts): the
   * weights c_j in ac (S, then a 1), D = yOld's V block + the terms' combination, E = the logits;
   * true when done, false for the twins (the caller runs the multi-call sequence, the same bits).
   */
  denseAtOne(NS: number, GS: number, KAS: number, vb: number, ac: number, S: number, K: number, d: number, n: number, Nt: number, C: number, D: number, E: number): boolean;
}

/**
 * The WebAssembly kernels over the workspace that starts at byte offset `base` of their memory.
 * (Classes, not closures: every instance calls the same functions, so optimised callers are not
 * deoptimised by a new instance.)
 * Example: `wasmLowRankKernels(wasmKernels()!.exports, ptr).forward(0, 8, 1, 2, 4, 16)`.
 */
export function wasmLowRankKernels(ex: KernelExports, base: number): LowRankKernels {
  return new WasmLowRankKernels(ex, base);
}

/**
 * The TypeScript twins over the plain workspace `m`.
 * Example: with m = [1, 2, 3, 4, 1, 1, 0, 0], `twinLowRankKernels(m).forward(0, 4, 1, 2, 2, 6)` gives m[6..7] = [3, 7].
 */
export function twinLowRankKernels(m: Float64Array): LowRankKernels {
  return new TwinLowRankKernels(m);
}

class WasmLowRankKernels implements LowRankKernels {
  constructor(
    private readonly ex: KernelExports,
    private readonly base: number,
  ) {}
  forward(V: number, N: number, K: number, d: number, n: number, f: number): void {
    const b = this.base;
    this.ex.lrForward(b + 8 * V, b + 8 * N, K, d, n, b + 8 * f);
  }
  backward(V: number, g: number, K: number, d: number, n: number, w: number): void {
    const b = this.base;
    this.ex.lrBackward(b + 8 * V, b + 8 * g, K, d, n, b + 8 * w);
  }
  fused(V: number, Vn: number, C: number, Nt: number, R: number, Ch: number, Ti: number, M: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void {
    const b = this.base;
    this.ex.lrFused(b + 8 * V, b + 8 * Vn, b + 8 * C, b + 8 * Nt, R, b + 8 * Ch, b + 8 * Ti, M, b + 8 * (Ti + M), d, n, b + 8 * at, atStep, rtol, b + 8 * out);
  }
  fused2(V: number, Vn: number, C: number, Nt: number, R: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void {
    const b = this.base;
    this.ex.lrFused2(b + 8 * V, b + 8 * Vn, b + 8 * C, b + 8 * Nt, R, d, n, b + 8 * at, atStep, rtol, b + 8 * out);
  }
  combine(C: number, Nt: number, R: number, d: number, n: number, out: number): void {
    const b = this.base;
    this.ex.lrCombine(b + 8 * C, b + 8 * Nt, R, d, n, b + 8 * out);
  }
  addRows(out: number, rows: number, c: number, R: number, K: number, len: number): void {
    const b = this.base;
    this.ex.lrAddRows(b + 8 * out, b + 8 * rows, b + 8 * c, R, K, len);
  }
  exp(x: number, len: number, out: number): void {
    const b = this.base;
    this.ex.expScaled(b + 8 * x, len, 1, b + 8 * out);
  }
  shiftMax(a: number, K: number, n: number, e: number): void {
    const b = this.base;
    this.ex.lrShiftMax(b + 8 * a, K, n, b + 8 * e);
  }
  scaleBySum(e: number, K: number, n: number, N: number): void {
    const b = this.base;
    this.ex.lrScaleBySum(b + 8 * e, K, n, b + 8 * N);
  }
  softmaxVjp(N: number, w: number, K: number, n: number, s: number, out: number): void {
    const b = this.base;
    this.ex.lrSoftmaxVjp(b + 8 * N, b + 8 * w, K, n, s, b + 8 * out);
  }
  normalize(a: number, K: number, n: number, kind: NormCode, E: number, N: number, S: number): void {
    const b = this.base;
    this.ex.lrNormalize(b + 8 * a, K, n, kind, b + 8 * E, b + 8 * N, b + 8 * S);
  }
  normVjp(a: number, N: number, S: number, w: number, K: number, n: number, kind: NormCode, scale: number, out: number): void {
    const b = this.base;
    this.ex.lrNormVjp(b + 8 * a, b + 8 * N, b + 8 * S, b + 8 * w, K, n, kind, scale, b + 8 * out);
  }
  stageOne(vb: number, aS: number, KAS: number, ac: number, E: number, NS: number, GS: number, f: number, g: number, w: number, X: number, Xc: number, yt: number, Xr: number, rq: number, Sn: number, s: number, K: number, d: number, n: number, rows: number, loss: 0 | 1 | 2, norm: NormCode, invK: number): boolean {
    const b = this.base;
    this.ex.lrStageOne(b + 8 * vb, b + 8 * aS, b + 8 * KAS, b + 8 * ac, b + 8 * E, b + 8 * NS, b + 8 * GS, b + 8 * f, b + 8 * g, b + 8 * w, b + 8 * X, b + 8 * Xc, b + 8 * yt, b + 8 * Xr, b + 8 * rq, b + 8 * Sn, s, K, d, n, rows, loss, norm, invK);
    return true;
  }
  attemptOne(vb: number, vn: number, aS: number, KAS: number, ac: number, E: number, NS: number, GS: number, f: number, g: number, w: number, X: number, Xc: number, yt: number, Xr: number, rq: number, Sn: number, C: number, Nt: number, at: number, atStep: 0 | 1, atA: number, tab: number, out: number, fsal: number, S: number, two: 0 | 1, K: number, d: number, n: number, rows: number, loss: 0 | 1 | 2, norm: NormCode, invK: number, h: number, rtol: number): boolean {
    const b = this.base;
    this.ex.lrAttemptOne(b + 8 * vb, b + 8 * vn, b + 8 * aS, b + 8 * KAS, b + 8 * ac, b + 8 * E, b + 8 * NS, b + 8 * GS, b + 8 * f, b + 8 * g, b + 8 * w, b + 8 * X, b + 8 * Xc, b + 8 * yt, b + 8 * Xr, b + 8 * rq, b + 8 * Sn, b + 8 * C, b + 8 * Nt, b + 8 * at, atStep, b + 8 * atA, b + 8 * tab, b + 8 * out, fsal, S, two, K, d, n, rows, loss, norm, invK, h, rtol);
    return true;
  }
  denseAtOne(NS: number, GS: number, KAS: number, vb: number, ac: number, S: number, K: number, d: number, n: number, Nt: number, C: number, D: number, E: number): boolean {
    const b = this.base;
    this.ex.lrDenseAtOne(b + 8 * NS, b + 8 * GS, b + 8 * KAS, b + 8 * vb, b + 8 * ac, S, K, d, n, b + 8 * Nt, b + 8 * C, b + 8 * D, b + 8 * E);
    return true;
  }
}

class TwinLowRankKernels implements LowRankKernels {
  constructor(private readonly m: Float64Array) {}
  forward(V: number, N: number, K: number, d: number, n: number, f: number): void {
    lrForwardTwin(this.m, V, N, K, d, n, f);
  }
  backward(V: number, g: number, K: number, d: number, n: number, w: number): void {
    lrBackwardTwin(this.m, V, g, K, d, n, w);
  }
  fused(V: number, Vn: number, C: number, Nt: number, R: number, Ch: number, Ti: number, M: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void {
    lrFusedTwin(this.m, V, Vn, C, Nt, R, Ch, Ti, M, d, n, at, atStep, rtol, out);
  }
  fused2(V: number, Vn: number, C: number, Nt: number, R: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void {
    lrFused2Twin(this.m, V, Vn, C, Nt, R, d, n, at, atStep, rtol, out);
  }
  combine(C: number, Nt: number, R: number, d: number, n: number, out: number): void {
    lrCombineTwin(this.m, C, Nt, R, d, n, out);
  }
  addRows(out: number, rows: number, c: number, R: number, K: number, len: number): void {
    lrAddRowsTwin(this.m, out, rows, c, R, K, len);
  }
  exp(x: number, len: number, out: number): void {
    // expScaled's twin with c = 1 (1·x = x exactly).
    const m = this.m;
    for (let q = 0; q < len; q++) m[out + q] = expTwin(m[x + q]!);
  }
  shiftMax(a: number, K: number, n: number, e: number): void {
    lrShiftMaxTwin(this.m, a, K, n, e);
  }
  scaleBySum(e: number, K: number, n: number, N: number): void {
    lrScaleBySumTwin(this.m, e, K, n, N);
  }
  softmaxVjp(N: number, w: number, K: number, n: number, s: number, out: number): void {
    lrSoftmaxVjpTwin(this.m, N, w, K, n, s, out);
  }
  normalize(a: number, K: number, n: number, kind: NormCode, E: number, N: number, S: number): void {
    lrNormalizeTwin(this.m, a, K, n, kind, E, N, S);
  }
  normVjp(a: number, N: number, S: number, w: number, K: number, n: number, kind: NormCode, scale: number, out: number): void {
    lrNormVjpTwin(this.m, a, N, S, w, K, n, kind, scale, out);
  }
  stageOne(): boolean {
    return false;
  }
  attemptOne(): boolean {
    return false;
  }
  denseAtOne(): boolean {
    return false;
  }
}

/** Twin of lrForward (see LowRankKernels.forward). */
export function lrForwardTwin(m: Float64Array, V: number, N: number, K: number, d: number, n: number, f: number): void {
  for (let i = 0; i < d; i++) {
    const ro = V + i * n;
    for (let k = 0; k < K; k++) {
      const ko = N + k * n;
      let s0 = 0;
      let s1 = 0;
      let q = 0;
      for (; q + 1 < n; q += 2) {
        s0 += m[ro + q]! * m[ko + q]!;
        s1 += m[ro + q + 1]! * m[ko + q + 1]!;
      }
      if (q < n) s0 += m[ro + q]! * m[ko + q]!;
      m[f + k * d + i] = s0 + s1;
    }
  }
}

/** Twin of lrBackward (see LowRankKernels.backward): rows of V in order, each added to all sums. */
export function lrBackwardTwin(m: Float64Array, V: number, g: number, K: number, d: number, n: number, w: number): void {
  for (let q = 0; q < K * n; q++) m[w + q] = 0;
  for (let i = 0; i < d; i++) {
    const ro = V + i * n;
    for (let k = 0; k < K; k++) {
      const gi = m[g + k * d + i]!;
      const ko = w + k * n;
      for (let q = 0; q < n; q++) m[ko + q] = m[ko + q]! + m[ro + q]! * gi;
    }
  }
}

/**
 * The fused step update and error sums over V (d×n) from R rank terms:
 *   B_iq = Σ_r C[(iR + r)·2]·Nt[r·n + q],   E1_iq = Σ_r C[(iR + r)·2 + 1]·Nt[r·n + q],
 *   T_iq = Σ_{m<M} Ch[i·M + m]·Nt[Ti[m]·n + q],   E2_iq = B_iq − T_iq,
 *   Vn_iq = V_iq + B_iq,   sc_iq = at_iq + rtol·max(|V_iq|, |Vn_iq|),
 *   s1 = Σ (E1_iq·(1/sc_iq))²,   s2 = Σ (E2_iq·(1/sc_iq))²,
 * at_iq = m[at + (i·n + q)·atStep], Ti the M subtracted terms' indices (f64 integers < R). So
 * E2 costs M multiply-adds per element instead of R when its weights are the update's minus a
 * few (dop853: E2 = Σ (b_j − bhh_j) k_j, bhh on three stages). Sum orders: B and E1 as
 * lrFused2Twin; T from the first product in increasing m (0 when M = 0); the squares into five
 * sums, A_c for the columns q ≡ c (mod 4) below n − n%2 and O for the odd last column, each in
 * increasing (i, q), combined as ((A_0 + A_1) + (A_2 + A_3)) + O.
 * Vn must not alias V.
 * Example: d = n = 1, R = 1, C = [2, 1], M = 1, Ch = [1], Ti = [0], Nt = [3], V = [1], at = [1],
 * rtol = 0 → Vn = [7], s1 = 9, s2 = 9 (E2 = 6 − 3).
 */
export function lrFusedTwin(m: Float64Array, V: number, Vn: number, C: number, Nt: number, R: number, Ch: number, Ti: number, M: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void {
  if (rowScratch.length < 3 * n) rowScratch = new Float64Array(3 * n);
  const acc = rowScratch;
  const n2 = n - (n % 2);
  const A1 = sums1;
  const A2 = sums2;
  A1.fill(0);
  A2.fill(0);
  for (let i = 0; i < d; i++) {
    rankSums2(m, acc, C + i * R * 2, Nt, R, n);
    // T of row i in acc[2n, 3n), three terms per pass over the row (left to right, the same
    // sums as one term per pass).
    const hr = Ch + i * M;
    const t2 = 2 * n;
    if (M === 0) acc.fill(0, t2, 3 * n);
    let j = 0;
    for (; j + 3 <= M; j += 3) {
      const x0 = Nt + (m[Ti + j]! | 0) * n;
      const x1 = Nt + (m[Ti + j + 1]! | 0) * n;
      const x2 = Nt + (m[Ti + j + 2]! | 0) * n;
      const c0 = m[hr + j]!, c1 = m[hr + j + 1]!, c2 = m[hr + j + 2]!;
      if (j === 0) for (let q = 0; q < n; q++) acc[t2 + q] = c0 * m[x0 + q]! + c1 * m[x1 + q]! + c2 * m[x2 + q]!;
      else for (let q = 0; q < n; q++) acc[t2 + q] = acc[t2 + q]! + c0 * m[x0 + q]! + c1 * m[x1 + q]! + c2 * m[x2 + q]!;
    }
    for (; j < M; j++) {
      const xj = Nt + (m[Ti + j]! | 0) * n;
      const cj = m[hr + j]!;
      if (j === 0) for (let q = 0; q < n; q++) acc[t2 + q] = cj * m[xj + q]!;
      else for (let q = 0; q < n; q++) acc[t2 + q] = acc[t2 + q]! + cj * m[xj + q]!;
    }
    // Update, scale and squares into the sums of their column class (4: the odd last column).
    const ro = i * n;
    for (let q = 0; q < n; q++) {
      const v = m[V + ro + q]!;
      const b = acc[q]!;
      const vn = v + b;
      m[Vn + ro + q] = vn;
      const inv = 1 / (m[at + (ro + q) * atStep]! + rtol * Math.max(Math.abs(v), Math.abs(vn)));
      const x1 = acc[n + q]! * inv;
      const x2 = (b - acc[2 * n + q]!) * inv;
      const c = q < n2 ? q & 3 : 4;
      A1[c] = A1[c]! + x1 * x1;
      A2[c] = A2[c]! + x2 * x2;
    }
  }
  m[out] = A1[0]! + A1[1]! + (A1[2]! + A1[3]!) + A1[4]!;
  m[out + 1] = A2[0]! + A2[1]! + (A2[2]! + A2[3]!) + A2[4]!;
}

/**
 * B and E1 of one row into acc[0, n) and [n, 2n) from the coefficients at cr (C[(r·2 + x)],
 * x: update, E1): terms in groups of four, ((c0y0 + c1y1) + c2y2) + c3y3, the first group
 * starting the sums (0 when R < 4), each later group added, then the remaining terms one by one.
 */
function rankSums2(m: Float64Array, acc: Float64Array, cr: number, Nt: number, R: number, n: number): void {
  let r = 0;
  for (; r + 4 <= R; r += 4) {
    const x0 = Nt + r * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
    const k = cr + r * 2;
    const b0 = m[k]!, b1 = m[k + 2]!, b2 = m[k + 4]!, b3 = m[k + 6]!;
    const p0 = m[k + 1]!, p1 = m[k + 3]!, p2 = m[k + 5]!, p3 = m[k + 7]!;
    if (r === 0) {
      for (let q = 0; q < n; q++) {
        const y0 = m[x0 + q]!, y1 = m[x1 + q]!, y2 = m[x2 + q]!, y3 = m[x3 + q]!;
        acc[q] = b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3;
        acc[n + q] = p0 * y0 + p1 * y1 + p2 * y2 + p3 * y3;
      }
    } else {
      for (let q = 0; q < n; q++) {
        const y0 = m[x0 + q]!, y1 = m[x1 + q]!, y2 = m[x2 + q]!, y3 = m[x3 + q]!;
        acc[q] = acc[q]! + (b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3);
        acc[n + q] = acc[n + q]! + (p0 * y0 + p1 * y1 + p2 * y2 + p3 * y3);
      }
    }
  }
  if (r === 0) acc.fill(0, 0, 2 * n);
  for (; r < R; r++) {
    const x0 = Nt + r * n;
    const k = cr + r * 2;
    const b0 = m[k]!, p0 = m[k + 1]!;
    for (let q = 0; q < n; q++) {
      const y0 = m[x0 + q]!;
      acc[q] = acc[q]! + b0 * y0;
      acc[n + q] = acc[n + q]! + p0 * y0;
    }
  }
}

/**
 * lrFusedTwin with the update and one error estimator (dopri5, whose E2 weights are zero):
 * C[(i·R + r)·2 + x] (x: update, E1); Vn and s1 as lrFusedTwin computes them (same operations,
 * same order); out = [s1].
 * Example: d = n = 1, R = 1, C = [2, 1], Nt = [3], V = [1], at = [1], rtol = 0 → Vn = [7], s1 = 9.
 */
export function lrFused2Twin(m: Float64Array, V: number, Vn: number, C: number, Nt: number, R: number, d: number, n: number, at: number, atStep: 0 | 1, rtol: number, out: number): void {
  if (rowScratch.length < 3 * n) rowScratch = new Float64Array(3 * n);
  const acc = rowScratch;
  const n2 = n - (n % 2);
  const A1 = sums1;
  A1.fill(0);
  for (let i = 0; i < d; i++) {
    rankSums2(m, acc, C + i * R * 2, Nt, R, n);
    const ro = i * n;
    for (let q = 0; q < n; q++) {
      const v = m[V + ro + q]!;
      const vn = v + acc[q]!;
      m[Vn + ro + q] = vn;
      const inv = 1 / (m[at + (ro + q) * atStep]! + rtol * Math.max(Math.abs(v), Math.abs(vn)));
      const x1 = acc[n + q]! * inv;
      const c = q < n2 ? q & 3 : 4;
      A1[c] = A1[c]! + x1 * x1;
    }
  }
  m[out] = A1[0]! + A1[1]! + (A1[2]! + A1[3]!) + A1[4]!;
}

/** Row accumulators and the five sums of lrFusedTwin and lrFused2Twin (the twins are not re-entered). */
let rowScratch = new Float64Array(0);
const sums1 = new Float64Array(5);
const sums2 = new Float64Array(5);

/** Twin of lrCombine (see LowRankKernels.combine): terms in order, each added to the whole output. */
export function lrCombineTwin(m: Float64Array, C: number, Nt: number, R: number, d: number, n: number, out: number): void {
  for (let q = 0; q < d * n; q++) m[out + q] = 0;
  for (let r = 0; r < R; r++) {
    const nr = Nt + r * n;
    for (let i = 0; i < d; i++) {
      const c = m[C + i * R + r]!;
      const ro = out + i * n;
      for (let q = 0; q < n; q++) m[ro + q] = m[ro + q]! + c * m[nr + q]!;
    }
  }
}

/** Twin of lrAddRows (see LowRankKernels.addRows): rows in order, each added to the whole output. */
export function lrAddRowsTwin(m: Float64Array, out: number, rows: number, c: number, R: number, K: number, len: number): void {
  for (let k = 0; k < K; k++) {
    const ok = out + k * len;
    for (let r = 0; r < R; r++) {
      const cc = m[c + k * R + r]!;
      const ro = rows + r * len;
      for (let q = 0; q < len; q++) m[ok + q] = m[ok + q]! + cc * m[ro + q]!;
    }
  }
}

/**
 * Twin of lrShiftMax: e[k·n + q] = a[k·n + q] − M_k, M_k the maximum as `x > m ? x : m` from
 * −∞ over even q and over odd q, then odd over even the same way, then the odd last term.
 */
export function lrShiftMaxTwin(m: Float64Array, a: number, K: number, n: number, e: number): void {
  const n2 = n - (n % 2);
  for (let k = 0; k < K; k++) {
    const ak = a + k * n;
    const ek = e + k * n;
    let m0 = -Infinity;
    let m1 = -Infinity;
    for (let q = 0; q < n2; q += 2) {
      const x0 = m[ak + q]!;
      const x1 = m[ak + q + 1]!;
      m0 = x0 > m0 ? x0 : m0;
      m1 = x1 > m1 ? x1 : m1;
    }
    let mx = m1 > m0 ? m1 : m0;
    if (n2 < n) {
      const x = m[ak + n2]!;
      mx = x > mx ? x : mx;
    }
    for (let q = 0; q < n; q++) m[ek + q] = m[ak + q]! - mx;
  }
}

/** Twin of lrScaleBySum: N = e·(1/z) per sample, z in the forward sweep's two-sum order. */
export function lrScaleBySumTwin(m: Float64Array, e: number, K: number, n: number, N: number): void {
  for (let k = 0; k < K; k++) {
    const ek = e + k * n;
    let z0 = 0;
    let z1 = 0;
    let q = 0;
    for (; q + 1 < n; q += 2) {
      z0 += m[ek + q]!;
      z1 += m[ek + q + 1]!;
    }
    if (q < n) z0 += m[ek + q]!;
    const inv = 1 / (z0 + z1);
    for (let j = 0; j < n; j++) m[N + k * n + j] = m[ek + j]! * inv;
  }
}

/** Twin of lrSoftmaxVjp: out = (s·N)·(w − nw) per sample, nw = N·w in the two-sum order. */
export function lrSoftmaxVjpTwin(m: Float64Array, N: number, w: number, K: number, n: number, s: number, out: number): void {
  for (let k = 0; k < K; k++) {
    const Nk = N + k * n;
    const wk = w + k * n;
    let s0 = 0;
    let s1 = 0;
    let q = 0;
    for (; q + 1 < n; q += 2) {
      s0 += m[Nk + q]! * m[wk + q]!;
      s1 += m[Nk + q + 1]! * m[wk + q + 1]!;
    }
    if (q < n) s0 += m[Nk + q]! * m[wk + q]!;
    const nw = s0 + s1;
    for (let j = 0; j < n; j++) m[out + k * n + j] = s * m[Nk + j]! * (m[wk + j]! - nw);
  }
}

/** Normalisation codes of the kernels (`normalize`, `normVjp`, the one-call stage): 0 softmax, 1 l1, 2 l2sq, 3 sigmoid, 4 relu, 5 sum. */
export type NormCode = 0 | 1 | 2 | 3 | 4 | 5;

/** The normalisation of each code (index = code). */
const NORM_NAMES: readonly NormalizationName[] = ['softmax', 'l1', 'l2sq', 'sigmoid', 'relu', 'sum'];

/** The kernels' code of a normalisation (the inverse of NORM_NAMES). */
export const normCode = (name: NormalizationName): NormCode => NORM_NAMES.indexOf(name) as NormCode;

/**
 * Twin of lrNormalize: N[k·n + q] = N(a_k)_q and S[k] = Σ_q φ(a_kq) per sample (theory VS-5).
 * Softmax (0): lrShiftMaxTwin into E, vsflow's exp, lrScaleBySumTwin (S not written). l1, l2sq,
 * relu, sum: models/normalizations.ts's `normalize` itself (the kernel's operation order).
 * Sigmoid: E = e^{−|a|} by vsflow's exp (expTwin, ≤ 2 ulp of Math.exp), then 1/(1 + E) where
 * a ≥ 0 and E/(1 + E) elsewhere: sigmoidTwin's value (wasm/exp-log.ts), which differs from
 * normalizations.ts (Math.exp) at round-off. E: K·n scratch.
 * Example: kind 2 (l2sq), a = [1, 2] (K = 1, n = 2) → N = [0.2, 0.8], S = [5].
 */
export function lrNormalizeTwin(m: Float64Array, a: number, K: number, n: number, kind: NormCode, E: number, N: number, S: number): void {
  const KN = K * n;
  if (kind === 0) {
    lrShiftMaxTwin(m, a, K, n, E);
    for (let q = 0; q < KN; q++) m[E + q] = expTwin(m[E + q]!);
    lrScaleBySumTwin(m, E, K, n, N);
    return;
  }
  if (kind === 3) for (let q = 0; q < KN; q++) m[E + q] = expTwin(-Math.abs(m[a + q]!));
  for (let k = 0; k < K; k++) {
    const ak = a + k * n;
    const Nk = N + k * n;
    if (kind !== 3) {
      m[S + k] = normalize(NORM_NAMES[kind]!, m, ak, n, m, Nk);
      continue;
    }
    const Ek = E + k * n;
    let s = 0;
    for (let q = 0; q < n; q++) {
      const e = m[Ek + q]!;
      const v = m[ak + q]! >= 0 ? 1 / (1 + e) : e / (1 + e);
      m[Nk + q] = v;
      s += v;
    }
    m[S + k] = s;
  }
}

/**
 * Twin of lrNormVjp: out[k·n + q] = scale·(J_N(a_k)ᵀ w_k)_q per sample, N and S from
 * lrNormalizeTwin. Softmax (0): lrSoftmaxVjpTwin; the others are models/normalizations.ts's
 * `normalizationVjp` itself (sigmoid ((scale·s)·(1 − s))·w; else nw = N·w from 0 in increasing
 * q, then c·(…)·(w − nw), c = scale/S, l2sq (2·scale)/S; l1 with sgn(0) = 0), the kernel's
 * operation order.
 * Example: kind 5 (sum), a = [1, 3], N = [0.25, 0.75], S = [4], w = [1, 0], scale = 1 →
 * out = [0.1875, −0.0625].
 */
export function lrNormVjpTwin(m: Float64Array, a: number, N: number, S: number, w: number, K: number, n: number, kind: NormCode, scale: number, out: number): void {
  if (kind === 0) {
    lrSoftmaxVjpTwin(m, N, w, K, n, scale, out);
    return;
  }
  for (let k = 0; k < K; k++) normalizationVjp(NORM_NAMES[kind]!, m, a + k * n, n, m, N + k * n, m[S + k]!, m, w + k * n, m, out + k * n, scale);
}
