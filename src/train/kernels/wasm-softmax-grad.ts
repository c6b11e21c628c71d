/**
 * The Softmax gradient on the tfjs wasm backend as one kernel. tfjs-core 4.22 computes it as
 * `sub(dyTimesY, mul(sum(dyTimesY, dim, true), y))` with `dyTimesY = mul(dy, y)`: four kernels
 * and four passes over [B, H, N, N] (~0.22 ms per attention layer of the in-context model,
 * [256, 1, 20, 20], as much as the Softmax itself). `softmax-grad.as.ts` does the same float32
 * operations in the same order in one pass, so the gradient is bitwise tfjs's (tested:
 * test/train/kernels/wasm-softmax-grad.test.ts). Installed as the registered gradient of
 * Softmax; it runs only on the wasm backend it was installed for, over the last axis and in
 * float32 — everything else (cpu, webgpu, other axes) gets tfjs's own gradient function.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_GRAD_WASM_BASE64 } from './softmax-grad-wasm.js';
import { activeWasmBackend, heapOffset, instantiateOnHeap, type WasmBackendLike } from './wasm-heap.js';

type SoftmaxGradFn = (dy: number, y: number, out: number, rows: number, n: number) => void;

/** Name of the fused kernel (registered for the wasm backend only). */
const KERNEL = 'VsflowSoftmaxGrad';

let installed: { backend: WasmBackendLike; fn: SoftmaxGradFn } | null = null;
let originalGrad: tf.GradConfig | null = null;

function softmaxGradKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const inst = installed!;
  const dy = args.inputs['dy'] as tf.TensorInfo;
  const y = args.inputs['y'] as tf.TensorInfo;
  const out = inst.backend.makeOutput(y.shape, 'float32');
  const n = y.shape[y.shape.length - 1]!;
  const size = tf.util.sizeFromShape(y.shape);
  if (size > 0) inst.fn(heapOffset(inst.backend, dy), heapOffset(inst.backend, y), heapOffset(inst.backend, out), size / n, n);
  return out;
}

const fusedGrad: tf.GradConfig = {
  kernelName: 'Softmax',
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [y] = saved as tf.Tensor[];
    const d = dy as tf.Tensor;
    const dim = (attrs as { dim?: number } | undefined)?.dim ?? -1;
    const last = dim === -1 || dim === y!.rank - 1;
    const inst = installed;
    if (inst === null || tf.backend() !== (inst.backend as unknown) || !last || y!.dtype !== 'float32' || d.dtype !== 'float32' || !tf.util.arraysEqual(d.shape, y!.shape)) {
      return originalGrad!.gradFunc(dy, saved, attrs);
    }
    return { logits: () => tf.engine().runKernel(KERNEL, { dy: d, y: y! }) as tf.Tensor };
  },
};

/**
 * Installs the one-pass Softmax gradient for the active wasm backend (idempotent); false off wasm.
 *
 * @example
 * installWasmSoftmaxGrad(); // true on wasm; gradients through tf.softmax now take one kernel
 */
export function installWasmSoftmaxGrad(): boolean {
  const backend = activeWasmBackend();
  if (backend === null) return false;
  if (installed !== null && installed.backend === backend) return true;
  if (originalGrad === null) originalGrad = tf.getGradient('Softmax') ?? null;
  if (originalGrad === null) return false;
  installed = { backend, fn: instantiateOnHeap(backend, SOFTMAX_GRAD_WASM_BASE64)['softmaxGrad'] as SoftmaxGradFn };
  if (tf.getKernel(KERNEL, 'wasm') === undefined) tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: softmaxGradKernel as unknown as tf.KernelFunc });
  tf.registerGradient(fusedGrad);
  return true;
}

/**
 * Restores tfjs's own Softmax gradient (tests and A/B benchmarks).
 *
 * @example
 * uninstallWasmSoftmaxGrad();
 */
export function uninstallWasmSoftmaxGrad(): void {
  if (originalGrad === null) return;
  installed = null;
  tf.registerGradient(originalGrad);
  if (tf.getKernel(KERNEL, 'wasm') !== undefined) tf.unregisterKernel(KERNEL, 'wasm');
}
