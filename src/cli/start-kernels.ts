/**
 * Imported first by the simulate worker: starts compiling the WebAssembly kernels in the
 * background (prepareKernels) while the rest of the worker's modules evaluate, so the first
 * solve only instantiates them. `kernelsPrepared` settles when the compile is done.
 */
import { prepareKernels } from '../wasm/kernels.js';

/** Settles when the kernel module is compiled (or known unavailable). */
export const kernelsPrepared: Promise<void> = prepareKernels();
