/**
 * Branch-free per-row kernels of the entropy experiment (experiments/entropy.ts) for the three
 * kinds of the paper's controlled experiment (softmax, ReLU kernel, ELU+1 kernel), and the fast
 * exponential they use. Every kernel reads a trial's standardised draws (logits z₀ = q·g_j or
 * the key block G) and a scale σ, and writes the row's entropy, max P and skewness into `out`:
 * no branches on the random values (selects by Math.max/min only), no closures, typed arrays.
 *
 * σ-invariance used here (exact in real arithmetic; see theory/entropy-and-bounds.md E-10):
 * - softmax: argmax_j σz₀_j does not depend on σ > 0, so y_j = z₀_j − max z₀ is computed once
 *   per trial and e_j = exp(σ y_j / τ); max P = 1/Σ e (the maximal e is exp(0) = 1).
 * - ReLU kernel: φ(σk) = σφ(k), so P does not depend on σ (computed once per trial).
 * - ELU+1 kernel: φ(x) = max(x, 0) + exp(min(x, 0)) (= x + 1 for x > 0, eˣ otherwise).
 *
 * exp and log are expTwin / logTwin (src/wasm/exp-log.ts): these TypeScript kernels are the twins
 * of the WebAssembly SIMD ones (src/wasm/asm/kernels.ts `expScaled`, `squareArray`, `softmaxRow`,
 * `normalisedRow`), bit for bit (tested), and the fallback where WebAssembly SIMD is missing;
 * entropy-row-kernels.ts picks one.
 */

import { expTwin, logTwin } from '../wasm/exp-log.js';

/** Output slots of a row kernel. */
export const OUT_H = 0;
export const OUT_MAXP = 1;
export const OUT_SKEW = 2;
/** 1 when the row had zero mass and was written uniform, else 0. */
export const OUT_ZERO = 3;

/**
 * Skewness of a probability row p (mean 1/n): Σ((p−μ)/s)³/n, 0 for a constant row (the same
 * rule as core/attention-metrics rowSkewness: spread below 1e-15 of the mean).
 */
function skewOf(p: Float64Array, n: number): number {
  const mu = 1 / n;
  let m2 = 0;
  let m3 = 0;
  for (let j = 0; j < n; j++) {
    const e = p[j]! - mu;
    const e2 = e * e;
    m2 += e2;
    m3 += e2 * e;
  }
  m2 /= n;
  m3 /= n;
  const ok = m2 > 1e-30 * (mu * mu + 1e-300);
  // Select without a data-dependent branch: the division's value is discarded when !ok.
  const s = m3 / (m2 * Math.sqrt(m2) + 1e-300);
  return ok ? s : 0;
}

/**
 * e_j = exp(c·y_j) into `e`, or, when `square` is set, e_j ← e_j² (exp(2c·y) from exp(c·y): the
 * σ grid 0.5, 1, 2, 4, 8 doubles, so one exp per entry serves every σ; the squaring's relative
 * error after k doublings is at most about 2^k ulp).
 */
export function expScaled(y: Float64Array, count: number, c: number, square: boolean, e: Float64Array): void {
  if (square) for (let j = 0; j < count; j++) e[j] = e[j]! * e[j]!;
  else for (let j = 0; j < count; j++) e[j] = expTwin(c * y[j]!);
}

/**
 * Softmax row of logits σz₀/τ from e_j = exp(scale·y_j), y = z₀ − max z₀ (y ≤ 0, one entry 0):
 * H = log S − scale·Σ_j p_j y_j, S = Σ_j e_j, max P = 1/S.
 */
export function softmaxRow(e: Float64Array, y: Float64Array, n: number, scale: number, p: Float64Array, out: Float64Array): void {
  let s = 0;
  for (let j = 0; j < n; j++) s += e[j]!;
  const inv = 1 / s;
  let py = 0;
  for (let j = 0; j < n; j++) {
    const v = e[j]! * inv;
    p[j] = v;
    py += v * y[j]!;
  }
  out[OUT_H] = logTwin(s) - scale * py;
  out[OUT_MAXP] = inv;
  out[OUT_SKEW] = skewOf(p, n);
  out[OUT_ZERO] = 0;
}

/**
 * Normalises non-negative similarities w into p (uniform when Σ w = 0) and writes the row's
 * statistics. H = −Σ p log p with 0·log 0 = 0 taken as p·log(p + 1e-300) (no branch; the shift
 * changes no term above 1e-290).
 */
export function normalisedRow(w: Float64Array, n: number, p: Float64Array, out: Float64Array): void {
  let s = 0;
  for (let j = 0; j < n; j++) s += w[j]!;
  const zero = s > 0 ? 0 : 1;
  const inv = zero === 0 ? 1 / s : 0;
  const uni = zero / n;
  let h = 0;
  let mx = 0;
  for (let j = 0; j < n; j++) {
    const v = w[j]! * inv + uni;
    p[j] = v;
    h -= v * logTwin(v + 1e-300);
    mx = mx < v ? v : mx; // the kernel's pmax (the maximum does not depend on the order)
  }
  out[OUT_H] = h;
  out[OUT_MAXP] = mx;
  out[OUT_SKEW] = skewOf(p, n);
  out[OUT_ZERO] = zero;
}

/** ReLU-kernel similarities w_j = φ(q)·φ(g_j) (σ-free: φ is positively homogeneous). */
export function reluKernelWeights(phiQ: Float64Array, g: Float64Array, gOff: number, n: number, d: number, w: Float64Array): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    const o = gOff + j * d;
    for (let l = 0; l < d; l++) s += phiQ[l]! * Math.max(g[o + l]!, 0);
    w[j] = s;
  }
}

/**
 * σ-free part of the ELU+1-kernel similarities: φ(σx) = σx + 1 for x > 0 (σ > 0 keeps the
 * sign), so w_j(σ) = σA_j + B_j + Σ_{l: g_jl ≤ 0} φ(q)_l exp(σ g_jl) with A_j = Σ_{g>0} φ(q)_l g_jl,
 * B_j = Σ_{g>0} φ(q)_l. Writes A, B and compacts the non-positive entries (value, coefficient,
 * row) without a branch (every entry is written, the count advances by 0 or 1); returns their
 * number.
 */
export function elu1Split(phiQ: Float64Array, g: Float64Array, n: number, d: number, A: Float64Array, B: Float64Array, negV: Float64Array, negC: Float64Array, negJ: Int32Array): number {
  let cnt = 0;
  for (let j = 0; j < n; j++) {
    let a = 0;
    let b = 0;
    for (let l = 0; l < d; l++) {
      const x = g[j * d + l]!;
      const c = phiQ[l]!;
      const pos = +(x > 0);
      a += c * Math.max(x, 0);
      b += c * pos;
      negV[cnt] = x;
      negC[cnt] = c;
      negJ[cnt] = j;
      cnt += 1 - pos;
    }
    A[j] = a;
    B[j] = b;
  }
  return cnt;
}

/**
 * ELU+1-kernel similarities at scale σ from `elu1Split`'s parts and negE_e = exp(σ·negV_e)
 * (from `expScaled`).
 */
export function elu1KernelWeights(A: Float64Array, B: Float64Array, negE: Float64Array, negC: Float64Array, negJ: Int32Array, cnt: number, n: number, sigma: number, w: Float64Array): void {
  for (let j = 0; j < n; j++) w[j] = sigma * A[j]! + B[j]!;
  for (let e = 0; e < cnt; e++) w[negJ[e]!]! += negC[e]! * negE[e]!;
}
