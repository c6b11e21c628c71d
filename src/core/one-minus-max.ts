/**
 * 1 − max σ(a) without cancellation (theory: A.7): with m = max a and the arg-max index i*,
 *   1 − σ_{i*} = Σ_{i≠i*} e^{a_i − m} / Σ_i e^{a_i − m},
 * the sum of the other probabilities. Computing 1 − σ_max directly loses all digits once
 * σ_max > 1 − 1e-16; this form keeps full relative precision down to the underflow limit.
 */

/**
 * 1 − max_i softmax(a)_i over a[off .. off+n). Ties: the first maximal index is the arg-max
 * and the tied others count as "other" mass.
 *
 * @example
 * softmaxOneMinusMax(new Float64Array([0, -50])); // e^{-50}/(1+e^{-50}) = 1.9287498479639178e-22
 */
export function softmaxOneMinusMax(a: ArrayLike<number>, off = 0, n = a.length - off): number {
  let m = -Infinity;
  let im = 0;
  for (let i = 0; i < n; i++) {
    if (a[off + i]! > m) {
      m = a[off + i]!;
      im = i;
    }
  }
  let others = 0;
  for (let i = 0; i < n; i++) if (i !== im) others += Math.exp(a[off + i]! - m);
  return others / (1 + others);
}

/**
 * Index of the largest entry of a[off .. off+n) (first one on ties), relative to `off`.
 *
 * @example
 * argmax(new Float64Array([0.1, 0.7, 0.2])); // 1
 */
export function argmax(a: ArrayLike<number>, off = 0, n = a.length - off): number {
  let m = -Infinity;
  let im = 0;
  for (let i = 0; i < n; i++) {
    if (a[off + i]! > m) {
      m = a[off + i]!;
      im = i;
    }
  }
  return im;
}
