/**
 * A SIMD BatchMatMul for the tfjs wasm backend: tfjs-backend-wasm 4.22 sends every
 * batched or transposed product to a scalar C++ triple loop (`slow_batch_matmul`,
 * batch_mat_mul_impl.cc) and only batch-1 untransposed products to XNNPACK. The attention
 * products ([B·H, N, d_k] by [B·H, d_k, N] and their gradients) are all of the first kind.
 *
 * `installWasmBatchMatMul()` replaces the backend's BatchMatMul kernel by one that runs the
 * products of that loop in WebAssembly SIMD (f32x4 over output columns, batch-matmul.as.ts)
 * with the same float32 summation order, so every result is bitwise the one tfjs computed
 * before (test/train/kernels/wasm-batch-matmul.test.ts compares them on random and edge
 * shapes). Everything else (batch-1 untransposed products, which XNNPACK sums in its own
 * order; broadcast batches; non-float32) still goes to tfjs's own kernel. Gradients need
 * nothing: tfjs's BatchMatMul gradient is again BatchMatMul with transposes, so it runs here too.
 *
 * The kernel module imports the backend's `WebAssembly.Memory` and reads and writes tensors in
 * place (no copies); its one scratch buffer (B of one batch, zero-padded to a multiple of 4
 * columns) is malloc'ed on that heap and grown when needed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_MATMUL_WASM_BASE64 } from './batch-matmul-wasm.js';
import { activeWasmBackend, heapOffset as offsetOf, instantiateOnHeap, type WasmBackendLike } from './wasm-heap.js';

type Bmm = (a: number, b: number, out: number, batch: number, M: number, K: number, N: number, transA: number, transB: number, scratch: number) => void;

interface Installed {
  readonly backend: WasmBackendLike;
  readonly bmm: Bmm;
  scratch: number;
  scratchBytes: number;
}

let installed: Installed | null = null;
let original: tf.KernelConfig | null = null;

function batchMatMulSimd(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const fallback = original!.kernelFunc as (x: typeof args) => tf.TensorInfo;
  const a = args.inputs['a'] as tf.TensorInfo;
  const b = args.inputs['b'] as tf.TensorInfo;
  const transposeA = (args.attrs?.['transposeA'] ?? false) as boolean;
  const transposeB = (args.attrs?.['transposeB'] ?? false) as boolean;
  const inst = installed;
  if (inst === null || args.backend !== inst.backend || a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const Kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  // XNNPACK's products (their own summation order), broadcasting, mismatches and empty tensors:
  // tfjs's kernel, unchanged.
  const xnnpack = !transposeA && !transposeB && batchA === 1 && batchB === 1;
  if (xnnpack || batchA !== batchB || outerA.length !== outerB.length || outerA.some((d, i) => d !== outerB[i]) || K !== Kb || M === 0 || N === 0 || K === 0 || batchA === 0) return fallback(args);
  const out = inst.backend.makeOutput([...outerA, M, N], 'float32');
  const Np = (N + 3) & ~3;
  const need = K * Np * 4;
  if (need > inst.scratchBytes) {
    if (inst.scratch !== 0) inst.backend.wasm._free(inst.scratch);
    inst.scratchBytes = Math.max(need, 2 * inst.scratchBytes);
    inst.scratch = inst.backend.wasm._malloc(inst.scratchBytes);
  }
  inst.bmm(offsetOf(inst.backend, a), offsetOf(inst.backend, b), offsetOf(inst.backend, out), batchA, M, K, N, transposeA ? 1 : 0, transposeB ? 1 : 0, inst.scratch);
  return out;
}

/**
 * Replaces the active wasm backend's BatchMatMul by the SIMD kernel (idempotent). Call after
 * `tf.setBackend('wasm')` and `tf.ready()`. Returns false (and changes nothing) when the
 * backend is not wasm or does not expose its memory as expected.
 *
 * @example
 * await tf.setBackend('wasm'); await tf.ready();
 * installWasmBatchMatMul(); // true; tf.matMul(a, b, false, true) now runs in SIMD, same bits
 */
export function installWasmBatchMatMul(): boolean {
  const backend = activeWasmBackend();
  if (backend === null) return false;
  if (installed !== null && installed.backend === backend) return true;
  const bmm = instantiateOnHeap(backend, BATCH_MATMUL_WASM_BASE64)['bmm'] as Bmm;
  if (original === null) original = tf.getKernel('BatchMatMul', 'wasm') ?? null;
  if (original === null) return false;
  installed = { backend, bmm, scratch: 0, scratchBytes: 0 };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  // The original's setupFunc (binds its C++ entry) stays, for a backend initialised later.
  tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMulSimd as unknown as tf.KernelFunc, ...(original.setupFunc === undefined ? {} : { setupFunc: original.setupFunc }) });
  return true;
}

/**
 * Restores tfjs's own wasm BatchMatMul (tests and A/B benchmarks).
 *
 * @example
 * uninstallWasmBatchMatMul(); // tf.matMul on wasm runs tfjs's C++ loop again
 */
export function uninstallWasmBatchMatMul(): void {
  if (original === null) return;
  if (installed !== null && installed.scratch !== 0) installed.backend.wasm._free(installed.scratch);
  installed = null;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(original);
}
