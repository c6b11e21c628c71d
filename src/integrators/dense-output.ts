/**
 * Evaluation of the nested dense-output form shared by every method here (Hairer's `contd5` /
 * `contd8` layout). With θ = (t − t_n)/h and θ' = 1 − θ, coefficient vectors c_1..c_w give
 *
 *   y(t_n + θh) = c_1 + θ(c_2 + θ'(c_3 + θ(c_4 + θ'(c_5 + …))))
 *
 * - w = 2: linear (explicit Euler / gd): c_1 = y_n, c_2 = Δy.
 * - w = 4: cubic Hermite (rk4, cash-karp): c_3 = h f_n − Δy, c_4 = Δy − h f_{n+1} − c_3.
 * - w = 5: dopri5 (Hairer's 4th-order continuous extension), c_5 = h Σ d_j k_j.
 * - w = 8: dop853 (7th-order), c_5..c_8 = h Σ D_ij k_j.
 *
 * Layout: `coeffs` holds w vectors of length n back to back (coefficient-major), from `offset`.
 * Example: w = 2, coeffs = [1, 2] (n = 1), θ = 0.5 → out = [2].
 */
export function interpolateNested(
  coeffs: Float64Array,
  offset: number,
  w: number,
  n: number,
  theta: number,
  out: Float64Array,
): void {
  const theta1 = 1 - theta;
  const last = offset + (w - 1) * n;
  for (let i = 0; i < n; i++) out[i] = coeffs[last + i]!;
  for (let j = w - 2; j >= 0; j--) {
    // Coefficient index j (0-based) multiplies the bracket after it by θ when j is even, θ' when odd.
    const m = (j & 1) === 0 ? theta : theta1;
    const base = offset + j * n;
    for (let i = 0; i < n; i++) out[i] = coeffs[base + i]! + m * out[i]!;
  }
}

/**
 * The rows every method's dense output starts with, written once for all of them: c_1 = y_n,
 * c_2 = Δy = y_{n+1} − y_n and, for w ≥ 4, the cubic Hermite rows c_3 = h f_n − Δy,
 * c_4 = Δy − h f_{n+1} − c_3 (coefficient-major layout of `interpolateNested`, from offset 0).
 * Rows c_5.. (w > 4) are the method's own (tableau.ts). `fOld`, `fNew` are read only for w ≥ 4.
 * Example: w = 2, n = 1, yOld = [1], y = [3] → coeffs = [1, 2].
 */
export function writeBaseRows(
  coeffs: Float64Array,
  w: number,
  n: number,
  yOld: Float64Array,
  y: Float64Array,
  fOld: Float64Array,
  fNew: Float64Array,
  h: number,
): void {
  if (w < 4) {
    for (let i = 0; i < n; i++) {
      coeffs[i] = yOld[i]!;
      coeffs[n + i] = y[i]! - yOld[i]!;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const y0 = yOld[i]!;
    const dy = y[i]! - y0;
    const bspl = h * fOld[i]! - dy;
    coeffs[i] = y0;
    coeffs[n + i] = dy;
    coeffs[2 * n + i] = bspl;
    coeffs[3 * n + i] = dy - h * fNew[i]! - bspl;
  }
}
