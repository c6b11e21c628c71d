/**
 * A faster Transpose for the tfjs wasm backend, for the permutations of the model:
 * after dropping size-1 axes and merging axes that stay adjacent, a permutation that swaps two
 * neighbouring groups, x [B, R, C, E] → [B, C, R, E] (the 2-D transposes of the dense-weight
 * gradients, [5632, 64] in the CLS bench; the head split [B, N, H, d] → [B, H, N, d]). tfjs
 * 4.22's generic loop took ~2.5 ms for a [5632, 64] float32 transpose here. A transpose copies
 * bits, so results are identical by construction (and tested: test/train/kernels/).
 * Other permutations, other dtypes than float32/int32, and empty tensors go to tfjs's kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TRANSPOSE_WASM_BASE64 } from './transpose-wasm.js';
import { activeWasmBackend, heapOffset, instantiateOnHeap, type WasmBackendLike } from './wasm-heap.js';

type TransposeFn = (x: number, out: number, B: number, R: number, C: number, E: number) => void;

let installed: { backend: WasmBackendLike; fn: TransposeFn } | null = null;
let original: tf.KernelConfig | null = null;

/**
 * [B, R, C, E] when `perm` on `shape` is such a swap (after dropping size-1 axes and merging
 * axes that stay adjacent), else null.
 *
 * @example
 * swapForm([512, 11, 4, 16], [0, 2, 1, 3]); // [512, 11, 4, 16]
 * swapForm([5632, 64], [1, 0]);             // [1, 5632, 64, 1]
 */
export function swapForm(shape: readonly number[], perm: readonly number[]): [number, number, number, number] | null {
  // Keep axes of size > 1, renumbered in input order.
  const kept = shape.map((d, i) => (d > 1 ? i : -1)).filter((i) => i >= 0);
  const rank = new Map(kept.map((axis, i) => [axis, i]));
  const p = perm.filter((a) => shape[a]! > 1).map((a) => rank.get(a)!);
  const s = kept.map((a) => shape[a]!);
  // Merge runs of output axes that are consecutive input axes.
  const groups: number[][] = [];
  for (const a of p) {
    const last = groups.at(-1);
    if (last !== undefined && last.at(-1)! + 1 === a) last.push(a);
    else groups.push([a]);
  }
  const size = (g: number[]): number => g.reduce((acc, a) => acc * s[a]!, 1);
  const order = groups.map((g) => g[0]!);
  const q = order.map((a) => [...order].sort((x, y) => x - y).indexOf(a));
  const dims = [...groups].sort((x, y) => x[0]! - y[0]!).map(size);
  const key = q.join(',');
  if (key === '1,0') return [1, dims[0]!, dims[1]!, 1];
  if (key === '0,2,1') return [dims[0]!, dims[1]!, dims[2]!, 1];
  if (key === '1,0,2') return [1, dims[0]!, dims[1]!, dims[2]!];
  if (key === '0,2,1,3') return [dims[0]!, dims[1]!, dims[2]!, dims[3]!];
  return null;
}

function transposeSimd(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const fallback = original!.kernelFunc as (x: typeof args) => tf.TensorInfo;
  const x = args.inputs['x'] as tf.TensorInfo;
  const perm = args.attrs?.['perm'] as number[];
  const inst = installed;
  if (inst === null || args.backend !== inst.backend || (x.dtype !== 'float32' && x.dtype !== 'int32') || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
  const form = swapForm(x.shape, perm);
  if (form === null) return fallback(args);
  const out = inst.backend.makeOutput(perm.map((a) => x.shape[a]!), x.dtype);
  inst.fn(heapOffset(inst.backend, x), heapOffset(inst.backend, out), ...form);
  return out;
}

/**
 * Replaces the active wasm backend's Transpose (idempotent); false off wasm.
 *
 * @example
 * installWasmTranspose(); // true on wasm; tf.transpose(x) of a [5632, 64] matrix now tiled
 */
export function installWasmTranspose(): boolean {
  const backend = activeWasmBackend();
  if (backend === null) return false;
  if (installed !== null && installed.backend === backend) return true;
  if (original === null) original = tf.getKernel('Transpose', 'wasm') ?? null;
  if (original === null) return false;
  installed = { backend, fn: instantiateOnHeap(backend, TRANSPOSE_WASM_BASE64)['transpose'] as TransposeFn };
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel({ kernelName: 'Transpose', backendName: 'wasm', kernelFunc: transposeSimd as unknown as tf.KernelFunc, ...(original.setupFunc === undefined ? {} : { setupFunc: original.setupFunc }) });
  return true;
}

/**
 * Restores tfjs's own wasm Transpose (tests and A/B benchmarks).
 *
 * @example
 * uninstallWasmTranspose();
 */
export function uninstallWasmTranspose(): void {
  if (original === null) return;
  installed = null;
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel(original);
}
