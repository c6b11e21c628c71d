/**
 * The part of tfjs-backend-wasm 4.22's BackendWasm (not a public type) that the kernels of this
 * folder use, and instantiation of a kernel module on the backend's own memory: the module
 * imports `env.memory` (the backend's `WebAssembly.Memory`, exported by its emscripten module
 * as `asm.memory`) and so reads and writes tensors in place, by their heap byte offsets.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What the kernels use of the wasm backend. */
export interface WasmBackendLike {
  wasm: { asm: { memory: WebAssembly.Memory }; _malloc(bytes: number): number; _free(ptr: number): void };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The active backend as a wasm backend whose memory is reachable, or null. */
export function activeWasmBackend(): WasmBackendLike | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as WasmBackendLike;
  const memory = backend.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory && typeof backend.wasm._malloc === 'function' ? backend : null;
}

/** Instantiates base64 wasm bytes with the backend's memory as `env.memory`; returns its exports. */
export function instantiateOnHeap(backend: WasmBackendLike, base64: string): WebAssembly.Exports {
  // atob, not Buffer: the same in Node ≥ 16 and browsers.
  const module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  return new WebAssembly.Instance(module, { env: { memory: backend.wasm.asm.memory } }).exports;
}

/**
 * Byte offset of a tensor's data on the wasm heap.
 *
 * @example
 * heapOffset(backend, t); // e.g. 5245184
 */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (entry === undefined) throw new Error('wasm kernel: tensor data not on the wasm backend');
  return entry.memoryOffset;
}
