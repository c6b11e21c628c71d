/**
 * The entropy experiment's exp/log-heavy row kernels from one place: the WebAssembly SIMD ones
 * (src/wasm/asm/kernels.ts) when available, else their TypeScript twins (entropy-kernels.ts), with
 * the same signatures and the same bits (tested in both modes, test/experiments/entropy-wasm.test.ts).
 * The wasm kernels read and write the caller's arrays in place, so a block's arrays live in the
 * kernels' memory: `rowScratch` hands out those arrays (plain Float64Arrays on the fallback) and
 * `release` frees them at the end of the block.
 */
import { wasmKernels } from '../wasm/kernels.js';
import { expScaled, normalisedRow, softmaxRow } from './entropy-kernels.js';

/** The row kernels of one entropy block and the arrays they work on. */
export interface RowScratch {
  /** A zeroed Float64Array of `length` (in the kernels' memory when they are WebAssembly). */
  f64(length: number): Float64Array;
  /** Call once all arrays are made: frees them (a no-op on the fallback). */
  release(): void;
  /** As entropy-kernels.ts expScaled (arrays from `f64`). */
  expScaled(y: Float64Array, count: number, c: number, square: boolean, e: Float64Array): void;
  /** As entropy-kernels.ts softmaxRow (arrays from `f64`). */
  softmaxRow(e: Float64Array, y: Float64Array, n: number, scale: number, p: Float64Array, out: Float64Array): void;
  /** As entropy-kernels.ts normalisedRow (arrays from `f64`). */
  normalisedRow(w: Float64Array, n: number, p: Float64Array, out: Float64Array): void;
}

const TS_SCRATCH: RowScratch = Object.freeze({
  f64: (length: number) => new Float64Array(length),
  release: () => undefined,
  expScaled,
  softmaxRow,
  normalisedRow,
});

/**
 * Row kernels for a block whose rows have at most `n` entries: every array the kernels touch must
 * come from `f64` of the returned object, and all of them must be made before the first kernel
 * call (making one may grow the memory, which detaches earlier views).
 *
 * @example
 * const rs = rowScratch(20); const w = rs.f64(20), p = rs.f64(20), out = rs.f64(4);
 * w.fill(1); rs.normalisedRow(w, 20, p, out); // out[0] = log 20
 * rs.release();
 */
export function rowScratch(n: number): RowScratch {
  const wk = wasmKernels();
  if (wk === undefined) return TS_SCRATCH;
  const top = wk.mark();
  const lg = wk.allocF64(Math.max(n, 1));
  const k = wk.exports;
  return Object.freeze({
    f64(length: number): Float64Array {
      const ptr = wk.allocF64(length);
      const v = wk.f64(ptr, length);
      v.fill(0);
      return v;
    },
    release: () => wk.release(top),
    expScaled(y: Float64Array, count: number, c: number, square: boolean, e: Float64Array): void {
      if (square) k.squareArray(e.byteOffset, count);
      else k.expScaled(y.byteOffset, count, c, e.byteOffset);
    },
    softmaxRow(e: Float64Array, y: Float64Array, n2: number, scale: number, p: Float64Array, out: Float64Array): void {
      k.softmaxRow(e.byteOffset, y.byteOffset, n2, scale, p.byteOffset, out.byteOffset);
    },
    normalisedRow(w: Float64Array, n2: number, p: Float64Array, out: Float64Array): void {
      k.normalisedRow(w.byteOffset, n2, p.byteOffset, lg, out.byteOffset);
    },
  });
}
