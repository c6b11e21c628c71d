/**
 * Identity for the tfjs wasm backend that shares the input's buffer (a reference count, as the
 * wasm backend's own Reshape and the cpu backend's Identity do) instead of copying it.
 *
 * While a gradient tape records (`tf.variableGrads`), tfjs-core saves every tensor a kernel's
 * gradient needs through `Engine.clone`, which runs Identity; tfjs-backend-wasm 4.22's Identity
 * allocates a new heap buffer and copies. In the in-context model's training step that was ~100
 * copies per step (P [256, 1, 20, 20], activations [5120, 6], …) plus their frees. tfjs tensors
 * are immutable (a Variable's `assign` swaps its buffer, no kernel writes to its inputs), so a
 * shared buffer holds the same bits for as long as either tensor lives: results are identical
 * by construction (and tested: test/train/kernels/wasm-identity.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeWasmBackend } from './wasm-heap.js';

interface RefCounting {
  incRef(dataId: object): void;
}

let original: tf.KernelConfig | null = null;

function identityShared(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const x = args.inputs['x'] as tf.TensorInfo;
  if (x.dtype === 'string') return (original!.kernelFunc as (a: typeof args) => tf.TensorInfo)(args);
  (args.backend as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Replaces the wasm backend's Identity by the buffer-sharing one (idempotent); false off wasm.
 *
 * @example
 * installWasmIdentity(); // true on wasm; tf.clone(x) now shares x's buffer
 */
export function installWasmIdentity(): boolean {
  if (activeWasmBackend() === null) return false;
  if (original !== null) return true;
  original = tf.getKernel('Identity', 'wasm') ?? null;
  if (original === null) return false;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: identityShared as unknown as tf.KernelFunc });
  return true;
}

/**
 * Restores tfjs's own (copying) wasm Identity (tests and A/B benchmarks).
 *
 * @example
 * uninstallWasmIdentity();
 */
export function uninstallWasmIdentity(): void {
  if (original === null) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(original);
  original = null;
}
