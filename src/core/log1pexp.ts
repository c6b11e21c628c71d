/**
 * log(1 + e^{x}) (softplus) without overflow or loss of precision (theory: A.2, A.7):
 * x > 0 → x + log1p(e^{−x}); x ≤ 0 → log1p(e^{x}). The logistic loss is log1pexp(−y·z).
 */

/**
 * log(1 + e^{x}).
 *
 * @example
 * log1pexp(0);     // ln 2 = 0.6931471805599453
 * log1pexp(1000);  // 1000
 * log1pexp(-1000); // 0 (exactly e^{-1000} underflows)
 * log1pexp(-40);   // 4.248354255291589e-18 (full relative precision)
 */
export function log1pexp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
