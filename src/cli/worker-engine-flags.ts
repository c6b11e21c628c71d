/**
 * The V8 flags of the CLI's simulate worker (the CLI's own; the library never sets engine flags):
 * V8's lazy and dynamic tiering of WebAssembly off, so every kernel is compiled at once by the
 * baseline compiler and, on background threads, by the optimising one (start-kernels.ts has the
 * measurements). V8 flags are per process. Set before anything is compiled under them: a V8 code
 * cache is accepted only under the flags it was made with (simulate-worker-loader.ts).
 */
import { setFlagsFromString } from 'node:v8';

/** Sets the simulate worker's V8 flags (idempotent). */
export function setWorkerEngineFlags(): void {
  setFlagsFromString('--no-wasm-lazy-compilation');
  setFlagsFromString('--no-wasm-dynamic-tiering');
}
