/**
 * The logistic sigmoid s(x) = 1 / (1 + e^{−x}) without overflow (theory: A.2, A.7): for x < 0 it
 * uses e^{x} / (1 + e^{x}), so no exponent is ever positive and s(−1e3) = 0, s(1e3) = 1 exactly.
 */

/**
 * s(x) = 1 / (1 + e^{−x}), in [0, 1].
 *
 * @example
 * sigmoid(0);     // 0.5
 * sigmoid(-1000); // 0 (underflow to +0, never NaN)
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
