/**
 * AddN for the tfjs webgpu backend with any number of inputs. tfjs-backend-webgpu 4.22's AddN
 * binds every input as its own storage buffer in one shader, so with more than
 * `maxStorageBuffersPerShaderStage - 1` inputs (8 - 1 = 7 at WebGPU's default limits, which is
 * what tfjs requests) Dawn rejects the pipeline ("The number of storage buffers (10) in the
 * Compute stage exceeds the maximum per-stage limit (8)"), the command buffer is dropped and
 * the output buffer is never written — no exception, just a wrong tensor. vsflow's optimizer
 * sums one squared norm per parameter tensor with tf.addN (the global gradient norm and its
 * clipping), so a model with 8 or more parameter tensors hit it (3-layer icl model: 9).
 * tfjs's own Concat kernel splits its inputs the same way; AddN does not.
 *
 * Here inputs beyond the limit are summed left to right in chunks: acc = AddN(x0..x{k-1}),
 * acc = AddN(acc, x{k}..x{2k-2}), … — the same order of additions as one AddN.
 */
import * as tf from '@tensorflow/tfjs-core';

interface WebgpuBackendLike {
  readonly device: { readonly limits: { readonly maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: object): boolean;
}

let original: tf.KernelConfig | null = null;

function addNChunked(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const run = original!.kernelFunc as (x: typeof args) => tf.TensorInfo;
  const backend = args.backend as WebgpuBackendLike;
  const xs = args.inputs as unknown as tf.TensorInfo[];
  // One storage buffer is the output; tfjs also binds no other storage buffer for AddN.
  const k = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
  if (xs.length <= k) return run(args);
  let acc = run({ ...args, inputs: xs.slice(0, k) as unknown as tf.NamedTensorInfoMap });
  for (let i = k; i < xs.length; i += k - 1) {
    const next = run({ ...args, inputs: [acc, ...xs.slice(i, i + k - 1)] as unknown as tf.NamedTensorInfoMap });
    backend.disposeData(acc.dataId);
    acc = next;
  }
  return acc;
}

/**
 * Replaces the webgpu backend's AddN by the chunked one (idempotent); false when no webgpu
 * AddN is registered.
 *
 * @example
 * installWebgpuAddN(); // true after tfjs-backend-webgpu is imported; tf.addN of 9 tensors now correct
 */
export function installWebgpuAddN(): boolean {
  if (original !== null) return true;
  original = tf.getKernel('AddN', 'webgpu') ?? null;
  if (original === null) return false;
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ kernelName: 'AddN', backendName: 'webgpu', kernelFunc: addNChunked as unknown as tf.KernelFunc, ...(original.setupFunc === undefined ? {} : { setupFunc: original.setupFunc }) });
  return true;
}
