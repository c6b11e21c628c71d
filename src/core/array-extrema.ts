/**
 * Minimum, maximum and Euclidean norm of arrays of any length. `Math.min(...xs)` passes every
 * element as a call argument and overflows the call stack past ~100 000 elements (a
 * 200 000-record result, `--d 200000`): these loop instead. Empty arrays give the identities of
 * `Math.min()`/`Math.max()` (+∞ / −∞); NaN propagates as in `Math`.
 */

/** Smallest element (`Infinity` for an empty array). @example arrayMin([3, 1, 2]) // 1 */
export function arrayMin(xs: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (Number.isNaN(v)) return NaN;
    if (v < m) m = v;
  }
  return m;
}

/** Largest element (`-Infinity` for an empty array). @example arrayMax([3, 1, 2]) // 3 */
export function arrayMax(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/**
 * ‖x‖₂ without overflow or underflow (scaled by max |x_i|, as `Math.hypot`).
 * @example arrayHypot([3, 4]) // 5
 */
export function arrayHypot(xs: ArrayLike<number>): number {
  // Short arrays: Math.hypot itself (its exact rounding keeps seeded problems byte-identical).
  if (xs.length <= 1024) return Math.hypot(...Array.from(xs));
  let scale = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = Math.abs(xs[i]!);
    if (v === Infinity) return Infinity;
    if (Number.isNaN(v)) return NaN;
    if (v > scale) scale = v;
  }
  if (scale === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = xs[i]! / scale;
    s += r * r;
  }
  return scale * Math.sqrt(s);
}
