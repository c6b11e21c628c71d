/**
 * Metrics of attention rows and matrices (theory: E-4 … E-7; theory/entropy-and-bounds.md).
 * Layout: a row is a slice p[off .. off+n) of a Float64Array; a matrix is row-major m×n
 * (entry (i, j) at i·n + j). All kernels are pure, allocation-free and trust their inputs
 * (validate at the public boundary); the norms take caller-provided work buffers.
 * Two spectral norms: `spectralNorm` (power iteration, cheap, converges like (σ₂/σ₁)^{2k}) and
 * `operatorNorm` (Jacobi eigenvalues of AᵀA, exact to rounding even when σ₁ ≈ σ₂).
 */

/**
 * Shannon entropy of one probability row, −Σ_j p_j log p_j in nats, with 0·log 0 = 0 (E-4).
 * In [0, log n] for a probability vector.
 *
 * @example
 * rowEntropy(new Float64Array([0.5, 0.5, 0, 0]), 0, 4); // ln 2 = 0.6931471805599453
 */
export function rowEntropy(p: ArrayLike<number>, off: number, n: number): number {
  let h = 0;
  for (let j = 0; j < n; j++) {
    const v = p[off + j]!;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

/**
 * Attention entropy H(P) = (1/m) Σ_i H(P_i), the mean row entropy of a row-major m×n matrix
 * (E-4, the paper's eq. 6; maximum log n).
 *
 * @example
 * meanEntropy(new Float64Array([1, 0, 0.5, 0.5]), 2, 2); // (0 + ln 2)/2 = 0.34657359027997264
 */
export function meanEntropy(P: ArrayLike<number>, m: number, n: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) s += rowEntropy(P, i * n, n);
  return s / m;
}

/**
 * Attention logit variance of one row, (1/n) Σ_j (z_j − z̄)² (population variance, E-5, the
 * paper's eq. 8). Two passes (mean first), so no cancellation.
 *
 * @example
 * logitVariance(new Float64Array([1, 3]), 0, 2); // 1
 */
export function logitVariance(z: ArrayLike<number>, off: number, n: number): number {
  let m = 0;
  for (let j = 0; j < n; j++) m += z[off + j]!;
  m /= n;
  let v = 0;
  for (let j = 0; j < n; j++) {
    const e = z[off + j]! - m;
    v += e * e;
  }
  return v / n;
}

/**
 * Largest entry of one row, max_j p_j.
 *
 * @example
 * rowMax(new Float64Array([0.2, 0.7, 0.1]), 0, 3); // 0.7
 */
export function rowMax(p: ArrayLike<number>, off: number, n: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) if (p[off + j]! > m) m = p[off + j]!;
  return m;
}

/**
 * Row skewness S = (1/n) Σ_j ((p_j − μ)/s)³, μ and s the row's mean and population std (E-6;
 * the printed eq. 18 has a typo). A one-hot row gives (n − 2)/√(n − 1); a constant row (s = 0)
 * gives 0 by convention.
 *
 * @example
 * rowSkewness(new Float64Array([1, 0, 0, 0, 0]), 0, 5); // 1.4999999999999996 (= 3/2 up to rounding)
 */
export function rowSkewness(p: ArrayLike<number>, off: number, n: number): number {
  let mu = 0;
  for (let j = 0; j < n; j++) mu += p[off + j]!;
  mu /= n;
  let m2 = 0;
  let m3 = 0;
  for (let j = 0; j < n; j++) {
    const e = p[off + j]! - mu;
    const e2 = e * e;
    m2 += e2;
    m3 += e2 * e;
  }
  m2 /= n;
  m3 /= n;
  // Spread below ~1e-15 of the mean is rounding noise of a constant row: skewness 0.
  if (!(m2 > 1e-30 * (mu * mu + 1e-300))) return 0;
  return m3 / (m2 * Math.sqrt(m2));
}

/**
 * Frobenius norm ‖P‖_F = (Σ_ij P_ij²)^{1/2} of a row-major m×n matrix. For a row-stochastic
 * n×n P, 1 ≤ ‖P‖_F ≤ √n (E-7).
 *
 * @example
 * frobeniusNorm(new Float64Array([1, 0, 0, 1]), 2, 2); // √2 = 1.4142135623730951
 */
export function frobeniusNorm(P: ArrayLike<number>, m: number, n: number): number {
  let s = 0;
  const len = m * n;
  for (let i = 0; i < len; i++) s += P[i]! * P[i]!;
  return Math.sqrt(s);
}

/** Options of `spectralNorm`. */
export interface PowerIterationOptions {
  /** Stop when the relative residual ‖AᵀA v − λ v‖/λ falls below this (default 1e-12). */
  tol: number;
  /** Iteration cap (default 20 000). */
  maxIter: number;
}

/**
 * Defaults of the power iteration.
 *
 * @example
 * POWER_ITERATION_DEFAULTS.tol; // 1e-12
 */
export const POWER_ITERATION_DEFAULTS: Readonly<PowerIterationOptions> = Object.freeze({ tol: 1e-12, maxIter: 20000 });

/**
 * Spectral norm ‖A‖₂ (largest singular value) of a row-major m×n matrix by power iteration on
 * AᵀA: v ← AᵀA v/‖AᵀA v‖, λ = vᵀAᵀA v (a Rayleigh quotient, so λ ≤ ‖A‖₂² at every step and
 * converges to it). The start vector v_j = 1 + frac(0.618034·j) is positive (overlaps the
 * Perron vector of a non-negative A) and generic. `work` must hold ≥ m + 2n numbers.
 * Returns ‖A‖₂ (0 for A = 0).
 *
 * @example
 * const w = new Float64Array(2 + 4);
 * spectralNorm(new Float64Array([3, 0, 0, 1]), 2, 2, w); // 3
 */
export function spectralNorm(
  A: ArrayLike<number>,
  m: number,
  n: number,
  work: Float64Array,
  tol: number = POWER_ITERATION_DEFAULTS.tol,
  maxIter: number = POWER_ITERATION_DEFAULTS.maxIter,
): number {
  // work layout: v [0, n), u = A v [n, n+m), w = Aᵀu [n+m, 2n+m).
  const vOff = 0;
  const uOff = n;
  const wOff = n + m;
  let nv = 0;
  for (let j = 0; j < n; j++) {
    const x = 1 + ((0.618034 * j) % 1);
    work[vOff + j] = x;
    nv += x * x;
  }
  nv = 1 / Math.sqrt(nv);
  for (let j = 0; j < n; j++) work[vOff + j] *= nv;
  let lambda = 0;
  for (let it = 0; it < maxIter; it++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j]! * work[vOff + j]!;
      work[uOff + i] = s;
    }
    for (let j = 0; j < n; j++) work[wOff + j] = 0;
    for (let i = 0; i < m; i++) {
      const u = work[uOff + i]!;
      if (u === 0) continue;
      for (let j = 0; j < n; j++) work[wOff + j] += A[i * n + j]! * u;
    }
    let lam = 0;
    let ww = 0;
    for (let j = 0; j < n; j++) {
      lam += work[vOff + j]! * work[wOff + j]!;
      ww += work[wOff + j]! * work[wOff + j]!;
    }
    lambda = lam;
    if (!(ww > 0)) return 0;
    // Residual ‖w − λv‖ summed explicitly (‖w‖² − λ² would cancel to √eps·λ).
    let r2 = 0;
    for (let j = 0; j < n; j++) {
      const e = work[wOff + j]! - lam * work[vOff + j]!;
      r2 += e * e;
    }
    const res = Math.sqrt(r2);
    const inv = 1 / Math.sqrt(ww);
    for (let j = 0; j < n; j++) work[vOff + j] = work[wOff + j]! * inv;
    if (res <= tol * lam) break;
  }
  return Math.sqrt(Math.max(0, lambda));
}

/**
 * Spectral norm ‖A‖₂ of a row-major m×n matrix as √λ_max(AᵀA), with λ_max from cyclic Jacobi
 * rotations on the Gram matrix (an eigen-solver on JᵀJ: robust when the top singular values
 * are close, where power iteration crawls). `gram` must hold ≥ n² numbers; allocation-free.
 * Converges quadratically; stops when the off-diagonal mass is below 1e-30 of the total.
 *
 * @example
 * operatorNorm(new Float64Array([3, 4]), 1, 2, new Float64Array(4)); // 5
 */
export function operatorNorm(A: ArrayLike<number>, m: number, n: number, gram: Float64Array): number {
  const B = gram;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += A[i * n + a]! * A[i * n + b]!;
      B[a * n + b] = s;
      B[b * n + a] = s;
    }
  }
  let total = 0;
  for (let e = 0; e < n * n; e++) total += B[e]! * B[e]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * B[p * n + q]! * B[p * n + q]!;
    if (!(off > 1e-30 * total)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = B[p * n + q]!;
        if (apq === 0) continue;
        const app = B[p * n + p]!;
        const aqq = B[q * n + q]!;
        // Rotation angle from the stable formula t = sign(θ)/(|θ| + √(θ² + 1)).
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < n; k++) {
          const bkp = B[k * n + p]!;
          const bkq = B[k * n + q]!;
          B[k * n + p] = cs * bkp - sn * bkq;
          B[k * n + q] = sn * bkp + cs * bkq;
        }
        for (let k = 0; k < n; k++) {
          const bpk = B[p * n + k]!;
          const bqk = B[q * n + k]!;
          B[p * n + k] = cs * bpk - sn * bqk;
          B[q * n + k] = sn * bpk + cs * bqk;
        }
      }
    }
  }
  let lmax = 0;
  for (let a = 0; a < n; a++) if (B[a * n + a]! > lmax) lmax = B[a * n + a]!;
  return Math.sqrt(lmax);
}
