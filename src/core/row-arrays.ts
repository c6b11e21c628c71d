/**
 * Float64Array data → plain JSON arrays (result states, canonical problem specs, records).
 * A preallocated `new Array(len)` filled by index: ~10× faster than `Array.from(subarray)` for
 * the 256×2048 V of a result (measured 1 ms vs 13 ms, bench/simulate-overhead-ab.ts), the same
 * numbers bit for bit (a copy).
 */

/**
 * The entries data[offset .. offset + length) as a number array.
 *
 * @example
 * toArray(new Float64Array([1, 2, 3]), 1, 2); // [2, 3]
 */
export function toArray(data: Float64Array, offset: number, length: number): number[] {
  const out = new Array<number>(length);
  for (let j = 0; j < length; j++) out[j] = data[offset + j]!;
  return out;
}

/**
 * `rows` rows of `cols` entries of row-major data starting at `offset`, as nested number arrays.
 *
 * @example
 * toRows(new Float64Array([1, 2, 3, 4]), 2, 2); // [[1, 2], [3, 4]]
 */
export function toRows(data: Float64Array, rows: number, cols: number, offset = 0): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(toArray(data, offset + i * cols, cols));
  return out;
}
