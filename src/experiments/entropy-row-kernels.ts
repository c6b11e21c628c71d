/**
 * The entropy experiment's exp/log-heavy row kernels from one place: the WebAssembly SIMD ones
 * (src/wasm/asm/kernels.ts) when available, else their TypeScript twins (entropy-kernels.ts), with
 * the same signatures and the same bits (tested in both modes, test/experiments/entropy-wasm.test.ts).
 * The wasm kernels read and write the caller's arrays in place, so a block's arrays live in the
 * kernels' memory: `rowScratch` makes those arrays all at once (plain Float64Arrays on the
 * fallback) and `release` frees them at the end of the block.
 */
import { wasmKernels } from '../wasm/kernels.js';
import { expScaled, normalisedRow, softmaxRow } from './entropy-kernels.js';

/** The row kernels of one entropy block and the arrays they work on. */
export interface RowScratch {
  /** Zeroed Float64Arrays of the requested lengths (in the kernels' memory when they are WebAssembly). */
  readonly arrays: Float64Array[];
  /** Frees the arrays (a no-op on the fallback). */
  release(): void;
  /** As entropy-kernels.ts expScaled (arrays from `f64`). */
  expScaled(y: Float64Array, count: number, c: number, square: boolean, e: Float64Array): void;
  /** As entropy-kernels.ts softmaxRow (arrays from `f64`). */
  softmaxRow(e: Float64Array, y: Float64Array, n: number, scale: number, p: Float64Array, out: Float64Array): void;
  /** As entropy-kernels.ts normalisedRow (arrays from `f64`). */
  normalisedRow(w: Float64Array, n: number, p: Float64Array, out: Float64Array): void;
}

const TS_KERNELS = Object.freeze({ release: () => undefined, expScaled, softmaxRow, normalisedRow });

/**
 * Row kernels for a block whose rows have at most `n` entries, with the arrays they may touch
 * (`lengths`): every array passed to the kernels must be one of `arrays`. All are allocated before
 * any view is made (an allocation may grow the memory, which detaches earlier views; making views
 * one by one gave detached, empty arrays once n·d outgrew the memory, see CHANGELOG.md).
 *
 * @example
 * const rs = rowScratch(20, [20, 20, 4]); const [w, p, out] = rs.arrays;
 * w.fill(1); rs.normalisedRow(w, 20, p, out); // out[0] = log 20
 * rs.release();
 */
export function rowScratch(n: number, lengths: readonly number[]): RowScratch {
  const wk = wasmKernels();
  if (wk === undefined) return Object.freeze({ ...TS_KERNELS, arrays: lengths.map((len) => new Float64Array(len)) });
  const top = wk.mark();
  const lg = wk.allocF64(Math.max(n, 1));
  const ptrs = lengths.map((len) => wk.allocF64(len));
  const arrays = ptrs.map((ptr, i) => wk.f64(ptr, lengths[i]!).fill(0));
  const k = wk.exports;
  return Object.freeze({
    arrays,
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
