/**
 * Imported first by the simulate worker: starts compiling the WebAssembly kernels in the
 * background (prepareKernels) while the rest of the worker's modules evaluate, so the first
 * solve only instantiates them. `kernelsPrepared` settles when the compile is done.
 *
 * Before that it turns off V8's lazy and dynamic tiering of WebAssembly for this process (the
 * CLI's own; the library never sets engine flags): every kernel is then compiled at once by the
 * baseline compiler and, on background threads, by the optimising one, instead of each function
 * being compiled on its first call and running as baseline code until it has used a budget. A
 * fresh `vsflow simulate` spent 60–200 µs on each kernel's first call and ran the low-rank kernels
 * about 3× slower than optimised for their first ~2000 calls. Measured on Node 20 (2-core EPYC,
 * dop853 rtol 1e-8, stats.wallTimeMs, median of 7 fresh processes, default → these flags):
 * square 2×8 3.5 → 2.0 ms, 16×64 13.3 → 4.9, 64×512 55.8 → 48.7, logistic 16×64 5.0 → 3.6,
 * 64×512 8.3 → 6.8, the Fig-3 regression 5.7 → 3.6. The numbers are the same either way: only
 * when the code is compiled changes.
 */
import { setWorkerEngineFlags } from './worker-engine-flags.js';
import { prepareKernels } from '../wasm/kernels.js';

setWorkerEngineFlags();

/** Settles when the kernel module is compiled (or known unavailable). */
export const kernelsPrepared: Promise<void> = prepareKernels();
