/**
 * Max-shifted softmax and log-sum-exp on a slice of a Float64Array (theory: VS-1, A.7).
 * Shifting by the max keeps every exponent ≤ 0, so nothing overflows at logits of ±1e3 and the
 * largest term is exactly 1. The slice form (`off`, `n`) lets the model work on the K per-sample
 * logit vectors of one flat state without allocating subarrays.
 */

/**
 * log Σ_i exp(a_i) over a[off .. off+n), computed as m + log Σ exp(a_i − m) with m = max a.
 *
 * @example
 * logSumExp(new Float64Array([1000, 1000])); // 1000 + ln 2 = 1000.6931471805599
 */
export function logSumExp(a: ArrayLike<number>, off = 0, n = a.length - off): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (a[off + i]! > m) m = a[off + i]!;
  if (m === -Infinity) return -Infinity;
  let z = 0;
  for (let i = 0; i < n; i++) z += Math.exp(a[off + i]! - m);
  return m + Math.log(z);
}

/**
 * σ(a)_i = exp(a_i − m) / Σ_j exp(a_j − m), m = max a (VS-1), written into
 * out[outOff .. outOff+n); returns log Σ exp(a) (the log-partition, reused by callers).
 * Allocation-free; `out` may alias `a` when the offsets match.
 *
 * @example
 * const s = new Float64Array(3);
 * softmax(new Float64Array([0, 0, Math.log(2)]), s); // s = [0.25, 0.25, 0.5], returns ln 4
 */
export function softmax(a: ArrayLike<number>, out: Float64Array, off = 0, outOff = 0, n = a.length - off): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (a[off + i]! > m) m = a[off + i]!;
  let z = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(a[off + i]! - m);
    out[outOff + i] = e;
    z += e;
  }
  const inv = 1 / z;
  for (let i = 0; i < n; i++) out[outOff + i] *= inv;
  return m + Math.log(z);
}

/**
 * log σ(a)_i = a_i − logSumExp(a), written into out[outOff .. outOff+n); returns logSumExp(a).
 * Exact for the largest entry (0 when it dominates), finite for every finite input.
 *
 * @example
 * const l = new Float64Array(2);
 * logSoftmax(new Float64Array([1000, -1000]), l); // l = [0, -2000]
 */
export function logSoftmax(a: ArrayLike<number>, out: Float64Array, off = 0, outOff = 0, n = a.length - off): number {
  const lse = logSumExp(a, off, n);
  for (let i = 0; i < n; i++) out[outOff + i] = a[off + i]! - lse;
  return lse;
}
