/**
 * Entropy of softmax(a) straight from the logits (theory: A.7, VS-1), without forming log σ:
 * with m = max a = a_{i*}, b_i = a_i − m ≤ 0 and Z = 1 + ρ, ρ = Σ_{i≠i*} e^{b_i},
 *   H(σ(a)) = lse(a) − Σ σ_i a_i = log1p(ρ) + Σ_i σ_i (−b_i),
 * a sum of two non-negative terms (no cancellation), and log1p keeps full relative precision
 * when σ is nearly one-hot (ρ ≪ 1, where log(1 + ρ) would round to 0).
 */

/**
 * Shannon entropy (nats) of softmax(a[off .. off+n)). Result in [0, ln n].
 *
 * @example
 * softmaxEntropy(new Float64Array([0, 0, 0, 0])); // ln 4 = 1.3862943611198906
 * softmaxEntropy(new Float64Array([1e3, -1e3]));  // 0 (e^{-2000} underflows; exact to double)
 */
export function softmaxEntropy(a: ArrayLike<number>, off = 0, n = a.length - off): number {
  let m = -Infinity;
  let im = 0;
  for (let i = 0; i < n; i++) {
    if (a[off + i]! > m) {
      m = a[off + i]!;
      im = i;
    }
  }
  let rho = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (i === im) continue;
    const b = a[off + i]! - m;
    const e = Math.exp(b);
    // e = 0 (b = −∞ or underflow, e.g. logits ±1e308): the term is 0, not 0·(−∞) = NaN.
    if (e === 0) continue;
    rho += e;
    s -= e * b;
  }
  return Math.log1p(rho) + s / (1 + rho);
}
