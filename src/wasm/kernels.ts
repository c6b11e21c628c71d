/**
 * The WebAssembly SIMD kernels (source: src/wasm/asm/kernels.ts, AssemblyScript, compiled by
 * `npm run build` into src/wasm/kernels-wasm.generated.ts): instantiated synchronously on first
 * use from the embedded bytes (no file read, no Node built-in, so `vsflow/core` stays
 * browser-safe), after `WebAssembly.validate` of a 43-byte module with one v128 constant, which
 * is false on an engine without SIMD. When WebAssembly or SIMD is missing, or the environment sets `VSFLOW_WASM=0`, or a caller
 * passes `false` to `setWasmKernelsEnabled`, `wasmKernels()` returns undefined and callers use
 * the TypeScript twins (same operations, same bits; tested).
 *
 * Memory: one linear memory: a persistent slot for one owner at a time (`claimSlot`: a solve's
 * fixed matrices, refilled when the owner changes), above it a stack of scratch regions (`mark` /
 * `allocF64` / `release`).
 * Growing the memory detaches earlier views, so a caller allocates all it needs, then makes its
 * views, and releases before returning; it never holds views across calls that may allocate.
 * A caller that keeps arrays in kernel memory for a whole solve takes a private instance
 * (`privateKernels`, from a small pool) and gives it back with `releaseKernels`.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';

/** The kernel module's exports (pointers are byte offsets of f64 arrays in `memory`). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  expScaled(x: number, n: number, c: number, out: number): void;
  logArray(x: number, n: number, out: number): void;
  squareArray(e: number, n: number): void;
  softmaxRow(e: number, y: number, n: number, scale: number, p: number, out: number): void;
  normalisedRow(w: number, n: number, p: number, lg: number, out: number): void;
  matVec(V: number, s: number, d: number, n: number, out: number): void;
  matTVec(V: number, r: number, d: number, n: number, out: number): void;
  stageCombine(y: number, K: number, c: number, m: number, h: number, len: number, out: number): void;
  reducedErrorSums(V: number, bh: number, at: number, scalarAtol: number, at0: number, rt: number, du: number, dun: number, e1: number, e2: number, d: number, n: number, out: number): void;
  reducedErrorNorm(y: number, yNew: number, e1: number, e2: number, hasE2: number, u0: number, V: number, bh: number, at: number, scalarAtol: number, at0: number, rt: number, atA: number, du: number, dun: number, d: number, n: number, K: number, out: number): void;
  entropyTrials(G: number, Q: number, PR: number, PE: number, qStride: number, T: number, n: number, d: number, sig: number, dbl: number, ns: number, codes: number, nk: number, tau: number, bins: number, binScale: number, gBins: number, gScale: number, s: number, acc: number, counts: number, zero: number, gauss: number): void;
  zigguratFast(bits: number, n: number, kn: number, wn: number, out: number, slow: number): number;
  reducedSoftmaxRhs(r: number, f: number, N: number, lab: number, n: number, K: number, b2: number, invK: number): void;
  gdReducedSoftmax(y: number, f: number, work: number, N: number, lab: number, n: number, K: number, b2: number, invK: number, k0: number, k1: number, lr: number, tEnd: number): number;
  // RK stage combinations (src/wasm/asm/stage-sum.ts; twins in src/integrators/stage-sum.ts).
  rkStageSum(out: number, base: number, h: number, idx: number, coef: number, m: number, kTab: number, res: number, n: number): void;
  rkErrorSquares(y: number, yNew: number, atol: number, rtol: number, eh: number, idx: number, coef: number, m: number, kTab: number, res: number, e2: number, hasE2: number, n: number, out: number): void;
  sumInOrder(x: number, n: number): number;
  lrForward(V: number, N: number, K: number, d: number, n: number, f: number): void;
  lrBackward(V: number, g: number, K: number, d: number, n: number, w: number): void;
  lrFused(V: number, Vn: number, C: number, Nt: number, R: number, Ch: number, Ti: number, M: number, res: number, d: number, n: number, at: number, atStep: number, rt: number, out: number): void;
  lrFused2(V: number, Vn: number, C: number, Nt: number, R: number, d: number, n: number, at: number, atStep: number, rt: number, out: number): void;
  lrCombine(C: number, Nt: number, R: number, d: number, n: number, out: number): void;
  lrAddRows(out: number, rows: number, c: number, R: number, K: number, len: number): void;
  lrShiftMax(a: number, K: number, n: number, e: number): void;
  lrScaleBySum(e: number, K: number, n: number, N: number): void;
  lrSoftmaxVjp(N: number, w: number, K: number, n: number, s: number, out: number): void;
  lrNormalize(a: number, K: number, n: number, kind: number, E: number, N: number, S: number): void;
  lrNormVjp(a: number, N: number, S: number, w: number, K: number, n: number, kind: number, scale: number, out: number): void;
  lrStageOne(vb: number, aS: number, KAS: number, ac: number, E: number, NS: number, GS: number, f: number, g: number, w: number, X: number, Xc: number, yt: number, Xr: number, rq: number, Sn: number, s: number, K: number, d: number, n: number, rows: number, loss: number, norm: number, invK: number): void;
  lrAttemptOne(vb: number, vn: number, aS: number, KAS: number, ac: number, E: number, NS: number, GS: number, f: number, g: number, w: number, X: number, Xc: number, yt: number, Xr: number, rq: number, Sn: number, C: number, Nt: number, at: number, atStep: number, atA: number, tab: number, out: number, fsal: number, S: number, two: number, K: number, d: number, n: number, rows: number, loss: number, norm: number, invK: number, h: number, rtol: number): void;
  lrDenseAtOne(NS: number, GS: number, KAS: number, vb: number, ac: number, S: number, K: number, d: number, n: number, Nt: number, C: number, D: number, E: number): void;
  // Cold-start kernels (src/wasm/asm/kernels.ts, end; twins: the TypeScript loops of
  // value-softmax.ts, step-control.ts, logistic-initial-step.ts, observables.ts).
  vsForward(V: number, N: number, K: number, d: number, n: number, f: number): void;
  vsBackward(V: number, N: number, g: number, K: number, d: number, n: number, invK: number, fzV: number, fzA: number, w: number, out: number): void;
  vsSoftmaxVjp(N: number, w: number, K: number, n: number, scale: number, out: number): void;
  initStepSums(y0: number, f0: number, atol: number, rtol: number, n: number, out: number): void;
  eulerTrial(y0: number, f0: number, h: number, n: number, work: number): void;
  initStepDiff(y0: number, f0: number, f1: number, atol: number, rtol: number, n: number): number;
  logisticStepSums(y0: number, atol: number, rtol: number, sig: number, b: number, c0: number, d: number, n: number, out: number): void;
  logisticTrialU(y0: number, b: number, sig: number, c0: number, h0: number, d: number, n: number, u: number): void;
  logisticStepDiff(y0: number, atol: number, rtol: number, sig0: number, sig1: number, b: number, c0: number, c1: number, d: number, n: number): number;
  normAndVtBeta(V: number, b: number, hasB: number, d: number, n: number, u: number): number;
  sameF64(x: number, y: number, n: number): number;
  vsScaledOuter(b: number, s: number, c: number, d: number, n: number, out: number): void;
}

/** The instantiated kernels with a scratch allocator over their memory. */
export interface WasmKernels {
  readonly exports: KernelExports;
  /** The current top of the scratch stack (pass to `release`). */
  mark(): number;
  /** Reserves `length` f64 slots (16-byte aligned) and returns their byte offset; grows memory. */
  allocF64(length: number): number;
  /** Pops every region allocated since `mark` returned `top`. */
  release(top: number): void;
  /**
   * The one persistent slot (data kept between calls, e.g. a solve's fixed matrices): returns its
   * byte offset for `owner`, `fresh` when the caller must (re)fill it (another owner had it, or
   * first use), or undefined while scratch regions are allocated (then use the twin).
   */
  claimSlot(owner: object, length: number): { ptr: number; fresh: boolean } | undefined;
  /** A Float64Array view of `length` slots at byte offset `ptr` (valid until memory grows). */
  f64(ptr: number, length: number): Float64Array;
}

/** Scratch starts above the first 64 KiB page (the module has no static data; headroom kept). */
const HEAP_BASE = 65536;

let cached: WasmKernels | null | undefined;
let enabled = true;
/** The compiled module, kept for `privateKernels`. */
let compiled: WebAssembly.Module | undefined;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  // Node's Buffer when present (native; the loop below runs interpreted on a first call), found
  // on globalThis so that no Node built-in is imported.
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B !== undefined) {
    const b = B.from(s, 'base64');
    return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** True unless the environment variable VSFLOW_WASM is "0" (read without importing node:process). */
function envAllows(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.VSFLOW_WASM !== '0';
}

/** (module (func (result v128) v128.const 0)): valid exactly where WebAssembly SIMD is. */
const SIMD_PROBE = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0, 0x0a, 0x16, 1, 0x14, 0, 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b];

function instantiate(): WasmKernels | null {
  if (typeof WebAssembly === 'undefined' || typeof WebAssembly.validate !== 'function') return null;
  if (!WebAssembly.validate(new Uint8Array(SIMD_PROBE))) return null;
  let module: WebAssembly.Module;
  try {
    module = compiled ?? new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64));
  } catch {
    return null; // an engine with SIMD but without another feature the module uses
  }
  compiled = module;
  const instance = new WebAssembly.Instance(module, {});
  const exports = instance.exports as unknown as KernelExports;
  const memory = exports.memory;
  // [HEAP_BASE, base): the persistent slot; [base, top): the scratch stack.
  let base = HEAP_BASE;
  let top = HEAP_BASE;
  let slotOwner: object | undefined;
  const ensure = (end: number): void => {
    const need = end - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / 65536)); // may throw RangeError: state unchanged
  };
  return Object.freeze({
    exports,
    mark: () => top,
    allocF64(length: number): number {
      const ptr = top;
      const end = ptr + ((length * 8 + 15) & ~15);
      ensure(end);
      top = end;
      return ptr;
    },
    release(t: number): void {
      top = Math.max(t, base);
    },
    claimSlot(owner: object, length: number): { ptr: number; fresh: boolean } | undefined {
      if (owner === slotOwner) return { ptr: HEAP_BASE, fresh: false };
      if (top !== base) return undefined;
      const end = HEAP_BASE + ((length * 8 + 15) & ~15);
      ensure(end);
      base = top = end;
      slotOwner = owner;
      return { ptr: HEAP_BASE, fresh: true };
    },
    f64: (ptr: number, length: number) => new Float64Array(memory.buffer, ptr, length),
  });
}

/**
 * The WebAssembly SIMD kernels, or undefined when they are unavailable or disabled (then use the
 * TypeScript twins).
 *
 * @example
 * const k = wasmKernels(); // undefined under VSFLOW_WASM=0 or without WebAssembly SIMD
 */
export function wasmKernels(): WasmKernels | undefined {
  if (!enabled) return undefined;
  if (cached === undefined) cached = envAllows() ? instantiate() : null;
  return cached ?? undefined;
}

/**
 * Compiles the kernel module in the background (WebAssembly.compile, off the calling thread), so
 * that the first `wasmKernels()` only instantiates it (≈ 0.1 ms instead of 1–2 ms). For a
 * process that knows it will solve: start it, load the rest, await it, then solve (the CLI's
 * simulate worker does). Resolves also when the kernels are unavailable (they then stay so).
 *
 * @example
 * await prepareKernels(); // the next wasmKernels() does not compile
 */
export async function prepareKernels(): Promise<void> {
  if (compiled !== undefined || cached !== undefined || !envAllows()) return;
  if (typeof WebAssembly === 'undefined' || typeof WebAssembly.compile !== 'function' || !WebAssembly.validate(new Uint8Array(SIMD_PROBE))) return;
  try {
    const module = await WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64));
    compiled ??= module;
  } catch {
    // Left to wasmKernels(), which then finds the kernels unavailable.
  }
}

/**
 * Private instances kept for reuse by `privateKernels` (a free list; an instance is in it or in
 * exactly one owner's hands, never both). A new instance costs 40–80 µs and first-touching its
 * fresh memory ≈ 3.4 µs per 4 KiB page (1 MiB ≈ 0.9 ms; Node 20, measured), against warm solves
 * of 0.25–0.9 ms at the smallest benchmark sizes; many short-lived memories also trigger V8
 * garbage collections for "external memory pressure". Bounds: at most POOL_MAX_FREE instances
 * wait, and one whose memory grew past POOL_MAX_BYTES is dropped on release (a WebAssembly
 * memory never shrinks, so keeping it would hold that much for the process's life): at most
 * 4 × 16 MiB stay allocated, enough for every benchmark size's reduced and full-path evaluators
 * up to 64×512 (dop853 on the full [V, a] state there: ≈ 6 MiB).
 */
const pool: KernelExports[] = [];
/** The instances handed out and not yet released (release accepts only these, once). */
const lent = new WeakSet<KernelExports>();
/** See the pool's doc. */
const POOL_MAX_FREE = 4;
/** See the pool's doc. */
const POOL_MAX_BYTES = 16 << 20;
const poolCounts = { created: 0, reused: 0 };
/** Fill every handed-out memory with a NaN pattern (tests; see setKernelPoison). */
let poison = ((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.VSFLOW_WASM_POISON ?? '') === '1';

/** Removes and returns the free instance to lend for `bytes`: the smallest large enough, else the largest (grown then). */
function takeFree(bytes: number): KernelExports | undefined {
  const len = (i: number): number => pool[i]!.memory.buffer.byteLength;
  let fit = -1;
  let big = -1;
  for (let i = 0; i < pool.length; i++) {
    if (len(i) >= bytes && (fit < 0 || len(i) < len(fit))) fit = i;
    if (big < 0 || len(i) > len(big)) big = i;
  }
  const i = fit >= 0 ? fit : big;
  return i < 0 ? undefined : pool.splice(i, 1)[0];
}

/**
 * A private instance of the kernel module with its own memory of at least `bytes` bytes (grown
 * here, once), or undefined when `wasmKernels()` is. For a caller that keeps arrays in kernel
 * memory across calls to code that may use the shared kernels (an RK stage evaluator around a
 * user RHS): the shared memory may grow and detach views at any of those calls, this one only
 * grows when its owner grows it. Drawn from a small pool (see `releaseKernels`): the memory then
 * holds whatever its last owner left, so an owner writes every byte it reads (under
 * VSFLOW_WASM_POISON=1 or `setKernelPoison(true)` every handed-out memory is filled with NaNs
 * first, and the solver tests pass bit for bit so). A new instance costs 40–80 µs (Node 20);
 * undefined also when the engine refuses a new memory (the caller then takes its TypeScript path).
 *
 * @example
 * const x = privateKernels(1 << 20); // x.memory.buffer.byteLength ≥ 1 MiB
 * releaseKernels(x); // the next privateKernels(≤ 1 MiB) gets it back, without a new instance
 */
export function privateKernels(bytes: number): KernelExports | undefined {
  if (wasmKernels() === undefined || compiled === undefined) return undefined;
  let x = takeFree(bytes);
  try {
    if (x === undefined) {
      x = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
      poolCounts.created++;
    } else {
      poolCounts.reused++;
    }
    const need = bytes - x.memory.buffer.byteLength;
    if (need > 0) x.memory.grow(Math.ceil(need / 65536));
  } catch {
    // Out of memory or address space (each memory reserves ~10 GB of it: V8 refuses new ones
    // beyond ≈ 13 000 live instances, measured on Node 20): the caller takes the TypeScript path.
    // A pooled instance that could not grow is dropped with the error.
    return undefined;
  }
  lent.add(x);
  // 0x7ff7dead in every 32-bit word: a NaN as f64, an out-of-range index as i32/u32.
  if (poison) new Uint32Array(x.memory.buffer).fill(0x7ff7dead);
  return x;
}

/**
 * Gives an instance from `privateKernels` back to the pool: call it when no array of the caller
 * lives in its memory any more (after a solve, never while one of its views may still be read).
 * Releasing twice, or an instance not from `privateKernels`, does nothing; an instance never
 * released is simply collected (a solve that throws drops its instances so, rather than return
 * memory that a caller further up might still read). The pool keeps at most 4 instances and
 * drops any whose memory is over 16 MiB (see its doc).
 *
 * @example
 * const x = privateKernels(1 << 16)!;
 * releaseKernels(x); // kernelPoolStats().free is now ≥ 1
 */
export function releaseKernels(x: KernelExports | undefined): void {
  if (x === undefined || !lent.has(x)) return;
  lent.delete(x);
  if (pool.length < POOL_MAX_FREE && x.memory.buffer.byteLength <= POOL_MAX_BYTES) pool.push(x);
}

/**
 * For tests: `true` fills every memory `privateKernels` hands out with a NaN pattern (0x7ff7dead
 * in each 32-bit word), so that a kernel or evaluator that read memory it did not write would
 * change its results; `false` (default, unless VSFLOW_WASM_POISON=1) hands memory out as it is.
 *
 * @example
 * setKernelPoison(true); // privateKernels(…) memories now start as NaNs
 */
export function setKernelPoison(on: boolean): void {
  poison = on;
}

/**
 * For tests and benchmarks: the pool's free instances and how many instances `privateKernels`
 * created and reused so far in this process.
 *
 * @example
 * kernelPoolStats(); // { free: 0, created: 0, reused: 0 } in a fresh process
 */
export function kernelPoolStats(): { free: number; created: number; reused: number } {
  return { free: pool.length, created: poolCounts.created, reused: poolCounts.reused };
}

/**
 * For tests: empties the pool (the next `privateKernels` calls make new instances, with fresh,
 * zeroed memory).
 *
 * @example
 * clearKernelPool(); // kernelPoolStats().free is 0
 */
export function clearKernelPool(): void {
  pool.length = 0;
}

/**
 * Turns the WebAssembly kernels off (`false`: every caller takes its TypeScript twin) or back on
 * (`true`, still subject to VSFLOW_WASM and feature detection). For tests and comparisons; the
 * numbers are the same either way.
 *
 * @example
 * setWasmKernelsEnabled(false); // plain TypeScript from here on
 */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Which kernel implementation runs now: 'wasm-simd' or 'typescript'.
 *
 * @example
 * kernelBackend(); // 'wasm-simd' on Node 20
 */
export function kernelBackend(): 'wasm-simd' | 'typescript' {
  return wasmKernels() === undefined ? 'typescript' : 'wasm-simd';
}
