/**
 * Backend selection for training (the only adapter around TensorFlow.js backends).
 *
 * - `cpu`: `@tensorflow/tfjs-backend-cpu`, the reference backend (always present).
 * - `wasm`: `@tensorflow/tfjs-backend-wasm`, the portable default. In Node the `.wasm` binaries
 *   are loaded from file paths: `setWasmPaths(<package>/dist/)` must get a folder path with a
 *   trailing separator before the backend initialises (the package's default is a URL fetch).
 *   Threads are not available in Node (theory/reference-values.md R-5), SIMD is on. Its batched
 *   and transposed matmuls and its common transposes are replaced by faster kernels with the
 *   same bits (kernels/).
 * - `tensorflow`: the native backend of `@tensorflow/tfjs-node-gpu` (CUDA) or, failing that,
 *   `@tensorflow/tfjs-node`. Both are optional peer dependencies, imported lazily: when neither
 *   loads, a `BackendError` names the package to install. Not validated on a GPU machine yet.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu` on Dawn (`webgpu` npm package), both optional
 *   peer dependencies; adapter selection and reporting in webgpu.ts. Not validated on a GPU.
 * - `auto`: `tensorflow` when it loads, else `wasm`.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { tf } from './tf.js';
import { BackendError } from '../core/errors.js';
import { prepareWebgpu, type WebgpuAdapterInfo } from './webgpu.js';
import { installWasmBatchMatMul } from './kernels/wasm-batch-matmul.js';
import { installWasmTranspose } from './kernels/wasm-transpose.js';
import { installWasmIdentity } from './kernels/wasm-identity.js';
import { installWasmSoftmaxGrad } from './kernels/wasm-softmax-grad.js';
import { installWebgpuAddN } from './kernels/webgpu-addn.js';

/** Backend names accepted by `--backend`. */
export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu' | 'webgpu';

/**
 * All backend names, in `--backend` help order.
 *
 * @example
 * BACKEND_NAMES.includes('wasm'); // true
 */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['auto', 'tensorflow', 'wasm', 'cpu', 'webgpu'] as const);

/** What a loaded backend reports into every result's `meta`. */
export interface BackendInfo {
  /** The tfjs backend actually running (`cpu`, `wasm`, `tensorflow`, `webgpu`). */
  readonly backend: string;
  /** Version of `@tensorflow/tfjs-core` doing the work. */
  readonly tfjsVersion: string;
  /** Always float32: tfjs trains in single precision. */
  readonly precision: 'float32';
  /** The npm package that provided the backend. */
  readonly package: string;
  /** webgpu only: the adapter that ran (GPU name, or a software renderer such as llvmpipe). */
  readonly adapter?: string;
}

const require = createRequire(import.meta.url);

/** Dynamic import that TypeScript does not resolve at compile time (optional peers). */
const importOptional = (name: string): Promise<unknown> => import(name);

/** Loads `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`; returns the package name. */
async function loadTensorflow(): Promise<string> {
  const reasons: string[] = [];
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(name);
      if (tf.findBackend('tensorflow') !== null || tf.engine().registryFactory['tensorflow'] !== undefined) return name;
      reasons.push(`${name} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs-core (version mismatch?)`);
    } catch (error) {
      reasons.push(`${name}: ${String((error as Error).message ?? error).split('\n')[0]}`);
    }
  }
  throw new BackendError(
    `backend 'tensorflow': expected @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node to be installed and loadable, received none (${reasons.join('; ')}); install one with 'npm install @tensorflow/tfjs-node-gpu@${tf.version_core}' (or @tensorflow/tfjs-node), or use --backend wasm`,
  );
}

/** The folder holding the wasm binaries, as a path with a trailing separator (Node). */
export function wasmBinaryDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep;
}

let wasmPathsSet = false;

/**
 * Loads and activates a backend; idempotent (switching between backends is allowed, tensors do
 * not move between them). Throws `BackendError` naming the missing package.
 *
 * @example
 * const info = await loadBackend('cpu'); // { backend: 'cpu', tfjsVersion: '4.22.0', precision: 'float32', package: '@tensorflow/tfjs-backend-cpu' }
 */
export async function loadBackend(name: BackendName): Promise<BackendInfo> {
  let pkg = '@tensorflow/tfjs-backend-cpu';
  let adapter: WebgpuAdapterInfo | null = null;
  let target: string = name;
  if (name === 'auto') {
    try {
      pkg = await loadTensorflow();
      target = 'tensorflow';
    } catch (error) {
      if (!(error instanceof BackendError)) throw error;
      target = 'wasm';
    }
  } else if (name === 'tensorflow') {
    pkg = await loadTensorflow();
  } else if (name === 'webgpu') {
    adapter = await prepareWebgpu(tf.version_core);
    pkg = '@tensorflow/tfjs-backend-webgpu';
  }
  if (target === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      wasm.setWasmPaths(wasmBinaryDir());
      wasmPathsSet = true;
    }
    pkg = '@tensorflow/tfjs-backend-wasm';
  }
  // The library never prints: PROD mode silences tfjs's console warnings (e.g. the cpu
  // backend's advice to install tfjs-node on first use) and skips debug-only checks.
  tf.env().set('PROD', true);
  let ok = false;
  try {
    ok = await tf.setBackend(target);
  } catch (error) {
    throw new BackendError(`backend '${target}': expected it to initialise, received an error (${String((error as Error).message).split('\n')[0]}); try --backend wasm or cpu`);
  }
  if (!ok) throw new BackendError(`backend '${target}': expected it to initialise, received a failure from tf.setBackend; try --backend wasm or cpu`);
  await tf.ready();
  // Batched/transposed matmuls in SIMD, bitwise the same as tfjs's loop, a tiled transpose, an
  // Identity that shares its buffer instead of copying and a one-pass Softmax gradient
  // (kernels/wasm-*.ts; every one bitwise tfjs's result).
  if (tf.getBackend() === 'wasm') {
    installWasmBatchMatMul();
    installWasmTranspose();
    installWasmIdentity();
    installWasmSoftmaxGrad();
  }
  // tfjs-backend-webgpu's AddN fails silently past 7 inputs (kernels/webgpu-addn.ts).
  if (tf.getBackend() === 'webgpu') installWebgpuAddN();
  const adapterText = adapter === null ? {} : { adapter: `${adapter.name} (Dawn ${adapter.dawnBackend}, ${adapter.featureLevel}${adapter.software ? ', software renderer' : ''})` };
  return Object.freeze({ backend: tf.getBackend(), tfjsVersion: tf.version_core, precision: 'float32' as const, package: pkg, ...adapterText });
}

