/**
 * WebGPU for the training backend in Node: `@tensorflow/tfjs-backend-webgpu` on Dawn, through
 * the `webgpu` npm package (dawn.node, the binary ships inside the package: no download at
 * install). Both are optional peer dependencies, imported only by `--backend webgpu`.
 *
 * Adapter selection, first that answers:
 * 1. Dawn's default native backend (Vulkan on Linux, Metal on macOS, D3D12 on Windows), core
 *    feature level, `powerPreference: 'high-performance'` — the GPU when its driver is present;
 * 2. Dawn's OpenGL ES backend at the `compatibility` feature level (on a machine without a
 *    Vulkan driver this is Mesa's llvmpipe through EGL: software, for smoke tests only; with
 *    no `DISPLAY`/`WAYLAND_DISPLAY` and no `EGL_PLATFORM`, `EGL_PLATFORM=surfaceless` is set
 *    for it, the only EGL platform Mesa offers without a display).
 * `VSFLOW_WEBGPU_BACKEND=vulkan|opengles|metal|d3d12` forces one. Mesa 22.3's software Vulkan
 * (lavapipe) is refused by Dawn (it lacks shaderUniform*ArrayDynamicIndexing), so on a CPU-only
 * machine only step 2 finds an adapter.
 *
 * tfjs-backend-webgpu registers itself only when `navigator.gpu` exists at import time and asks
 * `navigator.gpu.requestAdapter` for its adapter, so the chosen adapter is installed as
 * `navigator.gpu` before the import.
 */
import { BackendError } from '../core/errors.js';

/** The adapter a webgpu backend runs on. */
export interface WebgpuAdapterInfo {
  /** Dawn backend option used (`default` = Vulkan/Metal/D3D12). */
  readonly dawnBackend: string;
  /** Adapter name as the driver reports it (device, else description, else vendor). */
  readonly name: string;
  /** True for CPU renderers (llvmpipe, lavapipe, SwiftShader, WARP) or a fallback adapter. */
  readonly software: boolean;
  /** `core` or `compatibility`. */
  readonly featureLevel: 'core' | 'compatibility';
}

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapterLike | null>;
}
interface DawnModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

const importOptional = (name: string): Promise<unknown> => import(name);

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|warp|software/i;

let loaded: WebgpuAdapterInfo | null = null;

/**
 * Every Dawn instance created here, kept reachable for the life of the process. dawn.node's
 * `GPU` object owns its instance, but the adapter and device handed to tfjs do not keep the
 * `GPU` object alive, while its event pump (a JS callback into `InstanceBase::ProcessEvents`)
 * keeps running. Once the garbage collector frees the `GPU` object, the next pump or read-back
 * touches the freed instance. Measured with webgpu 0.6.2 on llvmpipe, without this array: a
 * SIGSEGV in `dawn::RefCounted::AddRef`, an abort (`std::system_error: Invalid argument`), or
 * a `data()` read-back that never resolves — within a second of training, or at once after a
 * forced `gc()` (test/train/webgpu-smoke.child.ts forces one).
 */
const instances: GpuLike[] = [];

/**
 * Picks an adapter, installs it as `navigator.gpu` and imports tfjs-backend-webgpu (which then
 * registers the `webgpu` backend). Idempotent. Throws BackendError naming what is missing.
 *
 * @example
 * const a = await prepareWebgpu(); // { dawnBackend: 'opengles', name: 'llvmpipe…', software: true, featureLevel: 'compatibility' } on a CPU-only Linux
 */
export async function prepareWebgpu(version: string): Promise<WebgpuAdapterInfo> {
  if (loaded !== null) return loaded;
  const install = `npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@${version}`;
  let dawn: DawnModule;
  try {
    dawn = (await importOptional('webgpu')) as DawnModule;
  } catch (error) {
    throw new BackendError(`backend 'webgpu': expected the 'webgpu' package (Dawn for Node) to be installed and loadable, received ${firstLine(error)}; install it with '${install}', or use --backend wasm`);
  }
  // GPUBufferUsage, GPUMapMode, GPUShaderStage, … as browser globals (tfjs uses them).
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const forced = process.env.VSFLOW_WEBGPU_BACKEND;
  const candidates: { dawnBackend: string; options: string[]; featureLevel: 'core' | 'compatibility' }[] =
    forced !== undefined && forced !== ''
      ? [{ dawnBackend: forced, options: [`backend=${forced}`], featureLevel: forced === 'opengles' || forced === 'opengl' ? 'compatibility' : 'core' }]
      : [
          { dawnBackend: 'default', options: [], featureLevel: 'core' },
          { dawnBackend: 'opengles', options: ['backend=opengles'], featureLevel: 'compatibility' },
        ];
  const tried: string[] = [];
  for (const c of candidates) {
    let adapter: GpuAdapterLike | null = null;
    try {
      // Mesa's EGL needs a platform; without a display only `surfaceless` works (else: no adapter).
      if (c.featureLevel === 'compatibility' && process.env.EGL_PLATFORM === undefined && process.env.DISPLAY === undefined && process.env.WAYLAND_DISPLAY === undefined) process.env.EGL_PLATFORM = 'surfaceless';
      const gpu = dawn.create(c.options);
      instances.push(gpu);
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...(c.featureLevel === 'compatibility' ? { featureLevel: 'compatibility' } : {}) });
      if (adapter !== null) {
        const info = adapter.info ?? {};
        const name = info.device || info.description || info.vendor || 'unknown adapter';
        const chosen = adapter;
        const nav = { requestAdapter: async (): Promise<GpuAdapterLike> => chosen, getPreferredCanvasFormat: (): string => 'rgba8unorm', wgslLanguageFeatures: new Set<string>() };
        const g = globalThis as unknown as { navigator?: Record<string, unknown> };
        if (g.navigator === undefined) g.navigator = {};
        Object.defineProperty(g.navigator, 'gpu', { value: nav, configurable: true });
        try {
          await importOptional('@tensorflow/tfjs-backend-webgpu');
        } catch (error) {
          throw new BackendError(`backend 'webgpu': expected @tensorflow/tfjs-backend-webgpu to be installed, received an import failure (${firstLine(error)}); install it with '${install}', or use --backend wasm`);
        }
        loaded = Object.freeze({ dawnBackend: c.dawnBackend, name, software: info.isFallbackAdapter === true || SOFTWARE.test(`${name} ${info.description ?? ''}`), featureLevel: c.featureLevel });
        return loaded;
      }
      tried.push(`${c.dawnBackend}: no adapter`);
    } catch (error) {
      if (error instanceof BackendError) throw error;
      tried.push(`${c.dawnBackend}: ${firstLine(error)}`);
    }
  }
  throw new BackendError(
    `backend 'webgpu': expected a WebGPU adapter from Dawn, received none (${tried.join('; ')}); a GPU needs its Vulkan driver (check 'vulkaninfo --summary' and /usr/share/vulkan/icd.d), a CPU-only Linux needs Mesa's EGL/GLES (libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri) and EGL_PLATFORM=surfaceless; or use --backend wasm`,
  );
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}
