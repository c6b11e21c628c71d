/**
 * Matrix-vector and RK stage-sum kernels for the flow's stage evaluators (V·s, Vᵀ·r and
 * y + h·Σ_j c_j k_j, the products and sums of the low-rank-stage and full-state paths), each in
 * WebAssembly SIMD (src/wasm/asm/kernels.ts `matVec`, `matTVec`, `stageCombine`) with a
 * TypeScript twin here that performs the same operations in the same order (tested bit for bit).
 *
 * Each function takes plain Float64Arrays (row-major V of d×n). It runs the WebAssembly kernel
 * when every array is a view on the kernels' memory (made with `kernelScratch`), and the twin
 * otherwise, so callers can adopt the fast path by allocating their workspace there.
 */
import { wasmKernels, type WasmKernels } from './kernels.js';

/** True when all arrays are views on the kernels' current memory. */
function inKernelMemory(k: WasmKernels, ...arrays: Float64Array[]): boolean {
  const buf = k.exports.memory.buffer;
  for (const a of arrays) if (a.buffer !== buf) return false;
  return true;
}

/**
 * Float64Array workspace in the kernels' memory (plain arrays when WebAssembly SIMD is not
 * available): `arrays(lengths)` returns one zeroed array per length; `release()` frees them all.
 * Make every array before the first kernel call and release when done: a later allocation may
 * grow the memory and detach existing views.
 *
 * @example
 * const ws = kernelScratch(); const [V, s, out] = ws.arrays([6, 3, 2]);
 * V.set([1, 2, 3, 4, 5, 6]); s.set([1, 1, 1]); matVec(V, s, 2, 3, out); // out = [6, 15]
 * ws.release();
 */
export function kernelScratch(): { arrays(lengths: readonly number[]): Float64Array[]; release(): void } {
  const k = wasmKernels();
  if (k === undefined) return { arrays: (lengths) => lengths.map((l) => new Float64Array(l)), release: () => undefined };
  const top = k.mark();
  return {
    arrays(lengths) {
      const ptrs = lengths.map((l) => k.allocF64(l));
      return ptrs.map((p, i) => k.f64(p, lengths[i]!).fill(0));
    },
    release: () => k.release(top),
  };
}

/**
 * The longest region `scratchRegions` gives (2^20 f64, 8 MiB): the shared memory never shrinks,
 * and loops this long leave the interpreter by on-stack replacement within their first pass.
 */
export const SCRATCH_MAX_LENGTH = 1 << 20;

/**
 * Scratch regions of the given f64 lengths on the shared kernels (byte offsets in `ptrs`, not
 * zeroed), or undefined when the kernels are unavailable, a length exceeds SCRATCH_MAX_LENGTH or
 * their memory cannot grow (then use the TypeScript loops). Make views (`k.f64`) only after this
 * returns, use them before any call that may allocate, and `release()` before returning.
 *
 * @example
 * const s = scratchRegions([4, 2]); // s.ptrs = [p, p + 32] (16-byte aligned); s.release()
 */
export function scratchRegions(lengths: readonly number[]): { k: WasmKernels; ptrs: number[]; release(): void } | undefined {
  const k = wasmKernels();
  if (k === undefined || lengths.some((l) => l > SCRATCH_MAX_LENGTH)) return undefined;
  const top = k.mark();
  try {
    const ptrs = lengths.map((l) => k.allocF64(l));
    return { k, ptrs, release: () => k.release(top) };
  } catch {
    k.release(top);
    return undefined;
  }
}

/**
 * out_i = Σ_j V_ij s_j, i < d (V row-major d×n). Sum order: two accumulators per row, over even
 * and odd j (an odd last term added to the even one), then even + odd.
 *
 * @example
 * matVec(new Float64Array([1, 2, 3, 4]), new Float64Array([1, -1]), 2, 2, out); // out = [-1, -1]
 */
export function matVec(V: Float64Array, s: Float64Array, d: number, n: number, out: Float64Array): void {
  const k = wasmKernels();
  if (k !== undefined && inKernelMemory(k, V, s, out)) return k.exports.matVec(V.byteOffset, s.byteOffset, d, n, out.byteOffset);
  for (let i = 0; i < d; i++) {
    const row = i * n;
    let a0 = 0;
    let a1 = 0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      a0 += V[row + j]! * s[j]!;
      a1 += V[row + j + 1]! * s[j + 1]!;
    }
    if (j < n) a0 += V[row + j]! * s[j]!;
    out[i] = a0 + a1;
  }
}

/**
 * out_j = Σ_i V_ij r_i, j < n (V row-major d×n), each sum in increasing i starting from 0.
 *
 * @example
 * matTVec(new Float64Array([1, 2, 3, 4]), new Float64Array([1, -1]), 2, 2, out); // out = [-2, -2]
 */
export function matTVec(V: Float64Array, r: Float64Array, d: number, n: number, out: Float64Array): void {
  const k = wasmKernels();
  if (k !== undefined && inKernelMemory(k, V, r, out)) return k.exports.matTVec(V.byteOffset, r.byteOffset, d, n, out.byteOffset);
  for (let j = 0; j < n; j++) out[j] = 0;
  for (let i = 0; i < d; i++) {
    const ri = r[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] = out[j]! + V[row + j]! * ri;
  }
}

/**
 * RK stage state out_q = y_q + h·Σ_{j<m} c_j·K[j·len + q], q < len (K holds m stage derivatives one
 * after another); the sum runs in increasing j from 0. `out` may be `y`.
 *
 * @example
 * stageCombine(y, K, new Float64Array([0.5, 0.5]), 2, 0.1, y.length, out); // y + 0.05·(k0 + k1)
 */
export function stageCombine(y: Float64Array, K: Float64Array, c: Float64Array, m: number, h: number, len: number, out: Float64Array): void {
  const k = wasmKernels();
  if (k !== undefined && inKernelMemory(k, y, K, c, out)) return k.exports.stageCombine(y.byteOffset, K.byteOffset, c.byteOffset, m, h, len, out.byteOffset);
  for (let q = 0; q < len; q++) {
    let acc = 0;
    for (let j = 0; j < m; j++) acc += c[j]! * K[j * len + q]!;
    out[q] = y[q]! + h * acc;
  }
}

/**
 * True when x and y hold the same numbers entry by entry as Object.is compares them (same length;
 * equal bits, or both NaN). From 256 entries on the kernel sameF64 compares copies of both (at
 * full speed on a process's first call, where this loop runs interpreted); same answer.
 *
 * @example
 * sameEntries(new Float64Array([0, NaN]), new Float64Array([0, NaN])); // true; [0] vs [-0]: false
 */
export function sameEntries(x: Float64Array, y: Float64Array): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  const n = x.length;
  const ws = n >= 256 ? scratchRegions([n, n]) : undefined;
  if (ws !== undefined) {
    const [px, py] = ws.ptrs as [number, number];
    ws.k.f64(px, n).set(x);
    ws.k.f64(py, n).set(y);
    const same = ws.k.exports.sameF64(px, py, n) === 1;
    ws.release();
    return same;
  }
  for (let i = 0; i < n; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}
