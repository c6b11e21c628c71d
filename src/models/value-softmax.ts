/**
 * The value-softmax gradient flow (theory: VS-1..VS-5): parameters V ∈ R^{d×n} and K logit
 * vectors a_k ∈ Rⁿ (shared V), output f_k = V N(a_k), loss L = (1/K) Σ_k ℓ_k(f_k), and
 *   V̇ = −(1/K) Σ_k g_k N(a_k)ᵀ,   ȧ_k = −(1/K) J_N(a_k)ᵀ Vᵀ g_k,   g_k = ∇ℓ_k(f_k).
 * For softmax J = diag σ − σσᵀ, so ȧ_k = −(1/K) σ_k ⊙ (Vᵀg_k − ⟨σ_k, Vᵀg_k⟩1).
 *
 * State layout (flat Float64Array, length d·n + K·n): y[0 .. d·n) = V row-major (V_ij at i·n + j),
 * y[d·n + k·n + j] = a_kj. The RHS allocates nothing per call: all work buffers are created once
 * when the model is built, and the returned functions close over them.
 *
 * WebAssembly: the O(d·n) sweeps (f = V N, Vᵀg and V̇, the softmax VJP; the logistic kernel's
 * Vᵀβ and V̇) run in the kernels vsForward / vsBackward / vsSoftmaxVjp (matTVec / vsScaledOuter)
 * of src/wasm/asm/kernels.ts on a copy of the state in a
 * kernel instance that the flows share (its own for a flow over SHARED_FLOW_KERNEL_MAX_SIZE
 * entries), for every loss, normalisation and frozen block: the same operations in the same
 * order as the TypeScript loops here (their twins; same bits, tested in
 * test/models/value-softmax-wasm.test.ts). They run at full speed from a process's first call,
 * where the loops run interpreted (a one-shot `vsflow simulate` evaluates this RHS only a few
 * times on the low-rank and reduced paths), and warm they are faster too (per RHS call, copies
 * included: equal at 2×8, 2.9× at 16×64, 5× at 64×512). The softmax stays here (Math.exp).
 */
import type { Rhs } from '../integrators/types.js';
import { OptionError } from '../core/errors.js';
import { normalize, normalizationVjp } from './normalizations.js';
import { sampleLossGradient } from './losses.js';
import { sigmoid } from '../core/sigmoid.js';
import type { Problem } from './problem.js';
import { privateKernels, wasmKernels, type KernelExports } from '../wasm/kernels.js';

/**
 * Flows of up to this many state entries share one kernel instance (their arrays there hold
 * nothing between evaluations, so each evaluation copies its state in); a larger flow makes its
 * own (≈ 40 µs, freed with the flow), so the shared memory, which never shrinks, stays ≤ 17 MiB.
 */
export const SHARED_FLOW_KERNEL_MAX_SIZE = 1 << 20;

/** The flows' arrays in an instance: [Y (size), out (size), N (K·n), f, g (K·d), w (K·n)]. */
interface FlowKernels {
  readonly x: KernelExports;
  readonly Y: Float64Array;
  readonly out: Float64Array;
  readonly N: Float64Array;
  readonly f: Float64Array;
  readonly g: Float64Array;
  readonly w: Float64Array;
  readonly Yp: number;
  readonly outp: number;
  readonly Np: number;
  readonly fp: number;
  readonly gp: number;
  readonly wp: number;
}

/** Byte offsets of a flow's arrays (from 64 KiB, 16-aligned) and the end of the last. */
function flowLayout(d: number, n: number, K: number): { ptrs: number[]; end: number } {
  const size = d * n + K * n;
  let end = 65536;
  const ptrs = [size, size, K * n, K * d, K * d, K * n].map((len) => {
    const p = end;
    end += 16 * Math.ceil(len / 2);
    return p;
  });
  return { ptrs, end };
}

/** Views of a flow's arrays on instance x (valid while x's memory does not grow). */
function flowViews(x: KernelExports, d: number, n: number, K: number, ptrs: readonly number[]): FlowKernels {
  const size = d * n + K * n;
  const [Yp, outp, Np, fp, gp, wp] = ptrs as [number, number, number, number, number, number];
  const f64 = (p: number, len: number): Float64Array => new Float64Array(x.memory.buffer, p, len);
  return { x, Y: f64(Yp, size), out: f64(outp, size), N: f64(Np, K * n), f: f64(fp, K * d), g: f64(gp, K * d), w: f64(wp, K * n), Yp, outp, Np, fp, gp, wp };
}

/**
 * The instance the small flows share: its memory's size in bytes (read once per growth: the
 * `buffer` getter is slow on a hot path) and a count of its growths (views then renew).
 */
let sharedFlow: { x: KernelExports; bytes: number; gen: number } | null | undefined;

/** The shared flow instance with at least `bytes` of memory, or undefined (TypeScript loops). */
function sharedFlowKernels(bytes: number): { x: KernelExports; gen: number } | undefined {
  const sh = sharedFlow;
  if (sh !== undefined && sh !== null && bytes <= sh.bytes) return sh;
  if (sh === undefined) {
    const x = privateKernels(bytes);
    sharedFlow = x === undefined ? null : { x, bytes: x.memory.buffer.byteLength, gen: 0 };
    return sharedFlow ?? undefined;
  }
  if (sh === null) return undefined;
  try {
    sh.x.memory.grow(Math.ceil((bytes - sh.bytes) / 65536));
  } catch {
    return undefined; // memory refused: this evaluation takes the TypeScript loops
  }
  sh.bytes = sh.x.memory.buffer.byteLength;
  sh.gen++;
  return sh;
}

/** Parameter blocks that can be held fixed (their time derivative is set to 0). */
export type FrozenBlock = 'V' | 'a';

/** Options of the flow. */
export interface ValueSoftmaxOptions {
  /** Blocks held fixed: `['a']` gives the V-only flow of the closed forms VS-11/VS-12. */
  freeze: readonly FrozenBlock[];
}

/** Defaults: nothing frozen. */
export const VALUE_SOFTMAX_DEFAULTS: Readonly<ValueSoftmaxOptions> = Object.freeze({ freeze: Object.freeze([]) as readonly FrozenBlock[] });

/** Where each parameter lives in the flat state. */
export interface StateLayout {
  readonly d: number;
  readonly n: number;
  readonly K: number;
  /** Offset of V (always 0), d·n entries, row-major. */
  readonly vOffset: number;
  /** Offset of a (= d·n), K·n entries, row-major. */
  readonly aOffset: number;
  /** Total length d·n + K·n. */
  readonly size: number;
}

/** The flow of one problem: RHS, initial state, layout, and an allocation-free loss. */
export interface ValueSoftmaxFlow {
  /** dy/dt = −∇L(y) (VS-4), allocation-free. */
  readonly rhs: Rhs;
  /** Initial state [V, a] (a fresh copy). */
  readonly y0: Float64Array;
  readonly layout: StateLayout;
  /** L(y) = (1/K) Σ_k ℓ_k (allocation-free). */
  readonly loss: (y: Float64Array) => number;
  /** −∇L(y) into `out` and returns L(y) (one pass; the RHS without freezing). */
  readonly negGradient: (y: Float64Array, out: Float64Array) => number;
}

/**
 * True when valueSoftmaxRhs runs its one-sample logistic kernel (K = 1, softmax, the built-in
 * logistic loss, nothing frozen): V̇ = −c βσᵀ, ȧ = −c σ ⊙ (u − z) with u = Vᵀβ, z = ⟨σ, u⟩,
 * c = −y s(−y z) (VS-6).
 */
export function isLogisticOne(P: Problem, freeze: readonly FrozenBlock[]): boolean {
  return P.K === 1 && P.normalization === 'softmax' && P.loss === 'logistic' && P.lossExpr === undefined && P.beta !== undefined && freeze.length === 0;
}

/** Packs V and a of a problem into a new flat state (layout of StateLayout). */
export function packState(problem: Problem): Float64Array {
  const y = new Float64Array(problem.d * problem.n + problem.K * problem.n);
  y.set(problem.V, 0);
  y.set(problem.a, problem.d * problem.n);
  return y;
}

/**
 * Builds the gradient flow of a problem (VS-4/VS-5).
 *
 * @example
 * const P = resolveProblem({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] });
 * const { rhs, y0 } = valueSoftmaxRhs(P);
 * const dy = new Float64Array(y0.length);
 * rhs(0, y0, dy); // f = 0.5, g = −0.5: V̇ = 0.5·σᵀ = [0.25, 0.25]; ȧ = −σ⊙(Vᵀg − ⟨σ,Vᵀg⟩) = [0.125, −0.125]
 */
export function valueSoftmaxRhs(problem: Problem, options?: Partial<ValueSoftmaxOptions>): ValueSoftmaxFlow {
  const freeze = options?.freeze ?? VALUE_SOFTMAX_DEFAULTS.freeze;
  if (!Array.isArray(freeze)) throw new OptionError('freeze', "a list of blocks among 'V', 'a'", freeze);
  freeze.forEach((b, i) => {
    if (b !== 'V' && b !== 'a') throw new OptionError(`freeze[${i}]`, "'V' or 'a'", b);
  });
  const P = problem;
  const { d, n, K } = P;
  const kind = P.normalization;
  const aOff = d * n;
  const size = aOff + K * n;
  const freezeV = freeze.includes('V');
  const freezeA = freeze.includes('a');
  // Work buffers, allocated once. Each kernel below copies them into locals first: V8 then keeps
  // them in registers and hoists the typed-array checks out of the loops (closure-slot loads
  // inside hot loops measured ~3× slower). The kernel path uses its own arrays (FlowKernels).
  const NbBuf = new Float64Array(K * n);
  const SBuf = new Float64Array(K);
  const fBuf = new Float64Array(K * d);
  const gBuf = new Float64Array(K * d);
  const wBuf = new Float64Array(K * n);
  const { ptrs: kPtrs, end: kEnd } = flowLayout(d, n, K);
  // Views on the shared instance (renewed when its memory grew) or this flow's own instance.
  let kViews: FlowKernels | undefined;
  let kGen = -1;
  let own: FlowKernels | null | undefined;
  /** The kernels for an evaluation on y (into out, of the state's length), or undefined: TypeScript. */
  const kernelsFor = (y: Float64Array, out: Float64Array | undefined): FlowKernels | undefined => {
    if (y.length !== size || (out !== undefined && out.length !== size) || wasmKernels() === undefined) return undefined;
    if (size > SHARED_FLOW_KERNEL_MAX_SIZE) {
      if (own === undefined) {
        const x = privateKernels(kEnd);
        own = x === undefined ? null : flowViews(x, d, n, K, kPtrs);
      }
      return own ?? undefined;
    }
    const sh = sharedFlowKernels(kEnd);
    if (sh === undefined) return undefined;
    if (sh.gen !== kGen || kViews === undefined || kViews.x !== sh.x) {
      kViews = flowViews(sh.x, d, n, K, kPtrs);
      kGen = sh.gen;
    }
    return kViews;
  };
  const rBuf = new Float64Array(Math.max(P.m, 1));
  const invK = 1 / K;
  const n4 = n - (n % 4);

  /** Forward pass: N_k, f_k = V N_k, g_k for all samples; returns the mean loss. */
  const isSoftmax = kind === 'softmax';
  const forward = (y: Float64Array, wantLoss: boolean, fk: FlowKernels | undefined): number => {
    if (fk !== undefined) fk.Y.set(y);
    const Nb = fk === undefined ? NbBuf : fk.N;
    const S = SBuf;
    const f = fk === undefined ? fBuf : fk.f;
    const g = fk === undefined ? gBuf : fk.g;
    const r = rBuf;
    let loss = 0;
    for (let k = 0; k < K; k++) {
      const ko = k * n;
      if (isSoftmax) {
        // Inline max-shifted softmax (same arithmetic as core/softmax.ts, without the call).
        const ao = aOff + ko;
        let m = -Infinity;
        for (let j = 0; j < n; j++) if (y[ao + j]! > m) m = y[ao + j]!;
        let z = 0;
        for (let j = 0; j < n; j++) {
          const e = Math.exp(y[ao + j]! - m);
          Nb[ko + j] = e;
          z += e;
        }
        const inv = 1 / z;
        for (let j = 0; j < n; j++) Nb[ko + j] *= inv;
        S[k] = z;
      } else {
        S[k] = normalize(kind, y, aOff + ko, n, Nb, ko);
      }
      if (fk !== undefined) continue;
      const fo = k * d;
      for (let i = 0; i < d; i++) {
        const row = i * n;
        // Four accumulators break the add-latency chain of the dot product (~3× faster).
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = 0;
        for (; j < n4; j += 4) {
          s0 += y[row + j]! * Nb[ko + j]!;
          s1 += y[row + j + 1]! * Nb[ko + j + 1]!;
          s2 += y[row + j + 2]! * Nb[ko + j + 2]!;
          s3 += y[row + j + 3]! * Nb[ko + j + 3]!;
        }
        for (; j < n; j++) s0 += y[row + j]! * Nb[ko + j]!;
        f[fo + i] = s0 + s1 + (s2 + s3);
      }
    }
    // f = V N for all samples (the loop above, in its order), then the losses in sample order.
    if (fk !== undefined) fk.x.vsForward(fk.Yp, fk.Np, K, d, n, fk.fp);
    for (let k = 0; k < K; k++) {
      const fo = k * d;
      loss += sampleLossGradient(P, k, f, fo, g, fo, r, wantLoss);
    }
    return loss * invK;
  };

  /**
   * Backward pass into `out` (= −∇L), honouring the frozen blocks. One sweep over the rows of V
   * builds both V̇_i· = −(1/K) Σ_k g_ki N_k and w_k = Vᵀg_k (V is read once).
   */
  const backward = (y: Float64Array, out: Float64Array, fzV: boolean, fzA: boolean, fk: FlowKernels | undefined): void => {
    if (fk !== undefined) {
      // The sweeps below on the instance's copy of y (forward wrote it), into its `out`, copied back.
      const x = fk.x;
      x.vsBackward(fk.Yp, fk.Np, fk.gp, K, d, n, invK, fzV ? 1 : 0, fzA ? 1 : 0, fk.wp, fk.outp);
      const o = fk.out;
      if (fzA) o.fill(0, aOff, size);
      else if (isSoftmax) x.vsSoftmaxVjp(fk.Np, fk.wp, K, n, -invK, fk.outp + aOff * 8);
      else for (let k = 0; k < K; k++) normalizationVjp(kind, y, aOff + k * n, n, fk.N, k * n, SBuf[k]!, fk.w, k * n, o, aOff + k * n, -invK);
      out.set(o);
      return;
    }
    const Nb = NbBuf;
    const S = SBuf;
    const g = gBuf;
    const w = wBuf;
    if (!fzA) for (let q = 0; q < K * n; q++) w[q] = 0;
    if (K === 1 && !fzA && !fzV) {
      // Common case, one fused sweep per row: w += V_i· g_i and V̇_i· = −g_i σᵀ.
      for (let i = 0; i < d; i++) {
        const row = i * n;
        const gi = g[i]!;
        const c = -gi * invK;
        for (let j = 0; j < n; j++) {
          w[j] += y[row + j]! * gi;
          out[row + j] = c * Nb[j]!;
        }
      }
      normalizationVjp(kind, y, aOff, n, Nb, 0, S[0]!, w, 0, out, aOff, -invK);
      return;
    }
    for (let i = 0; i < d; i++) {
      const row = i * n;
      if (!fzA) {
        for (let k = 0; k < K; k++) {
          const gi = g[k * d + i]!;
          const ko = k * n;
          for (let j = 0; j < n; j++) w[ko + j] += y[row + j]! * gi;
        }
      }
      if (fzV) {
        for (let j = 0; j < n; j++) out[row + j] = 0;
      } else {
        const c0 = -g[i]! * invK;
        for (let j = 0; j < n; j++) out[row + j] = c0 * Nb[j]!;
        for (let k = 1; k < K; k++) {
          const c = -g[k * d + i]! * invK;
          const ko = k * n;
          for (let j = 0; j < n; j++) out[row + j] += c * Nb[ko + j]!;
        }
      }
    }
    if (fzA) {
      for (let q = aOff; q < size; q++) out[q] = 0;
      return;
    }
    for (let k = 0; k < K; k++) {
      const ko = k * n;
      normalizationVjp(kind, y, aOff + ko, n, Nb, ko, S[k]!, w, ko, out, aOff + ko, -invK);
    }
  };

  const generic: Rhs = (_t, y, dydt) => {
    const fk = kernelsFor(y, dydt);
    forward(y, false, fk);
    backward(y, dydt, freezeV, freezeA, fk);
  };

  // One-sample logistic loss with softmax (the Fig-2 setting), via VS-6: with u = Vᵀβ,
  // z = ⟨σ, u⟩ and c = −y s(−y z), g = cβ, so Vᵀg = c·u needs no second pass over V:
  // V̇ = −c βσᵀ, ȧ = −c σ ⊙ (u − z). One read and one write sweep instead of two reads and a write.
  const beta = P.beta;
  const label = P.labels?.[0] ?? 1;
  const uBuf = new Float64Array(n);
  const logisticOne: Rhs = (_t, y, dydt) => {
    const b = beta!;
    const fk = kernelsFor(y, dydt);
    if (fk !== undefined) {
      // The two sweeps over V in kernels (u in w's place, β in f's): the loops below, same bits.
      const x = fk.x;
      fk.Y.set(y);
      fk.f.set(b);
      x.matTVec(fk.Yp, fk.fp, d, n, fk.wp);
      const uk = fk.w;
      const sk = fk.N;
      const zk = softmaxMargin(y, aOff, n, uk, sk);
      const ck = -label * sigmoid(-label * zk);
      x.vsScaledOuter(fk.fp, fk.Np, -ck, d, n, fk.outp);
      const o = fk.out;
      for (let j = 0; j < n; j++) o[aOff + j] = -ck * sk[j]! * (uk[j]! - zk);
      dydt.set(o);
      return;
    }
    const u = uBuf;
    const sig = NbBuf;
    for (let j = 0; j < n; j++) u[j] = 0;
    for (let i = 0; i < d; i++) {
      const bi = b[i]!;
      const row = i * n;
      for (let j = 0; j < n; j++) u[j] += bi * y[row + j]!;
    }
    const z = softmaxMargin(y, aOff, n, u, sig);
    const c = -label * sigmoid(-label * z);
    for (let i = 0; i < d; i++) {
      const ci = -c * b[i]!;
      const row = i * n;
      for (let j = 0; j < n; j++) dydt[row + j] = ci * sig[j]!;
    }
    for (let j = 0; j < n; j++) dydt[aOff + j] = -c * sig[j]! * (u[j]! - z);
  };
  const rhs: Rhs = isLogisticOne(P, freeze) ? logisticOne : generic;
  const loss = (y: Float64Array): number => forward(y, true, kernelsFor(y, undefined));
  const negGradient = (y: Float64Array, out: Float64Array): number => {
    const fk = kernelsFor(y, out);
    const l = forward(y, true, fk);
    backward(y, out, false, false, fk);
    return l;
  };
  // y0 packed on first read (one array, as before): observers use only `loss`, and packing is an
  // O(d·n) copy and allocation per call of simulate.
  let y0: Float64Array | undefined;
  return Object.freeze({
    rhs,
    get y0(): Float64Array {
      return (y0 ??= packState(P));
    },
    layout: Object.freeze({ d, n, K, vOffset: 0, aOffset: aOff, size }),
    loss,
    negGradient,
  });
}

/**
 * Softmax of y[off .. off+n) into `sig` (max-shifted) and the margin z = ⟨σ, u⟩, returned: the
 * one-sample logistic kernel's softmax, shared with its initial-step twin
 * (integrators/logistic-initial-step.ts), which must reproduce its bits.
 * Example: y = [0, 0], u = [1, 3] → sig = [0.5, 0.5], returns 2.
 */
export function softmaxMargin(y: Float64Array, off: number, n: number, u: Float64Array, sig: Float64Array): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) if (y[off + j]! > m) m = y[off + j]!;
  let zs = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(y[off + j]! - m);
    sig[j] = e;
    zs += e;
  }
  const inv = 1 / zs;
  let z = 0;
  for (let j = 0; j < n; j++) {
    const sj = sig[j]! * inv;
    sig[j] = sj;
    z += sj * u[j]!;
  }
  return z;
}
