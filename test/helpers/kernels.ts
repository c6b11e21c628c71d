/**
 * Runs `f` on the TypeScript twins (WebAssembly kernels off), then turns the kernels back on,
 * also when `f` throws: for tests that compare the kernels with their twins.
 */
import { setWasmKernelsEnabled } from '../../src/wasm/kernels.js';

export function withoutKernels<T>(f: () => T): T {
  setWasmKernelsEnabled(false);
  try {
    return f();
  } finally {
    setWasmKernelsEnabled(true);
  }
}
