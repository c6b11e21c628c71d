/**
 * Run metadata carried by every result: the resolved config, seed, package version, backend
 * and wall time, so a result file reproduces itself.
 */
import { kernelBackend } from '../wasm/kernels.js';
import { VERSION } from './version.js';

/** The installed vsflow version (`VERSION`, kept equal to package.json by a test). */
export function packageVersion(): string {
  return VERSION;
}

/** `process.version` in Node; in a browser (no `process`) the string `browser`. */
function runtimeVersion(): string {
  const proc = (globalThis as { process?: { version?: string } }).process;
  return typeof proc?.version === 'string' ? proc.version : 'browser';
}

/** Metadata block of a result. */
export interface RunMeta {
  readonly package: 'vsflow';
  readonly version: string;
  /** Node.js version (`v20.20.2`), or `browser` when run in a browser. */
  readonly node: string;
  /** Compute backend: `float64-js` for theory/flow code, a tfjs backend name for training. */
  readonly backend: string;
  /**
   * The float64 kernels that ran: `wasm-simd` (WebAssembly SIMD) or `typescript` (their twins:
   * no WebAssembly SIMD, VSFLOW_WASM=0, or setWasmKernelsEnabled(false)); `kernelBackend()` of
   * src/wasm/kernels.ts when the metadata is made, at the end of the run. The numbers are the
   * same either way (docs/wasm-kernels.md); absent in results written before this field.
   */
  readonly kernels: 'wasm-simd' | 'typescript';
  /** Floating-point precision of the computation. */
  readonly precision: 'float64' | 'float32';
  readonly seed: number | null;
  readonly wallTimeMs: number;
  readonly createdAt: string;
}

/** Builds the metadata block. */
export function runMeta(args: {
  seed: number | null;
  wallTimeMs: number;
  backend?: string;
  precision?: 'float64' | 'float32';
}): RunMeta {
  return Object.freeze({
    package: 'vsflow' as const,
    version: packageVersion(),
    node: runtimeVersion(),
    backend: args.backend ?? 'float64-js',
    kernels: kernelBackend(),
    precision: args.precision ?? 'float64',
    seed: args.seed,
    wallTimeMs: args.wallTimeMs,
    createdAt: new Date().toISOString(),
  });
}
