/**
 * The reduced (u, a_1..a_K) flow of scalar-output losses ℓ_k = h_k(βᵀf_k) (theory: VS-6): with
 * u = Vᵀβ and z_k = βᵀV N(a_k) = ⟨u, N_k⟩, every sample's gradient is g_k = c_k β, c_k = h_k′(z_k),
 * so V̇ = −β ((1/K) Σ_k c_k N_k)ᵀ has rank one along β and
 *   u̇ = −‖β‖² (1/K) Σ_k c_k N_k,   ȧ_k = −(1/K) c_k J_N(a_k)ᵀ u,
 *   V(t) = V(0) + β (u(t) − u(0))ᵀ / ‖β‖².
 * The state has n(1 + K) components whatever d is. V is rebuilt exactly from it by `lift` (O(dn):
 * the end state, and event functions or onStep, which see full states); the records need no lift:
 * `loss` (z_k = ⟨u, N_k⟩) and `normV2` (‖V‖_F² = ‖P⊥V(0)‖_F² + ‖u‖²/‖β‖²) are O(Kn) and O(n).
 * Logistic loss or a user margin loss h(y·βᵀf) (lossExpr: c_k = h′(y_k z_k)·y_k; the WebAssembly
 * RHS and fused GD kernels are the logistic loss's and run only without one), shared β, one label
 * per sample, every normalisation, K ≥ 1, frozen blocks.
 *
 * State layout (flat Float64Array): r[0 .. n) = u, r[n + k·n + j] = a_kj (the logits sit in the
 * same order as in the full state, after u instead of after V).
 *
 * `errorNorm` gives the adaptive steppers the error norm of the full [V, a] state (one O(dn) pass
 * per attempt: E_V = β̂ e_uᵀ with β̂ = β/‖β‖², sc_ij = atol_ij + rtol·max(|V_ij|, |V_new,ij|)), so the
 * reduced run takes the same steps as the full one up to round-off in the accept/reject tests.
 *
 * The softmax exponentials and the sigmoid use expTwin (src/wasm/exp-log.ts, ≤ 2 ulp of Math.exp)
 * rather than Math.exp, so that the fused GD kernel in WebAssembly SIMD (src/wasm/asm/kernels.ts
 * `gdReducedSoftmax`) and its TypeScript twin `gdBlock` below give solve's gd numbers bit for bit.
 */
import type { Rhs } from '../integrators/types.js';
import type { KernelNorm, KernelRhs } from '../integrators/full-state-stages.js';
import type { ErrorNorm } from '../integrators/step-control.js';
import { expTwin, sigmoidTwin as sigmoid } from '../wasm/exp-log.js';
import { privateKernels, releaseKernels, wasmKernels, type KernelExports } from '../wasm/kernels.js';
import { normalize, normalizationVjp } from './normalizations.js';
import { marginLoss } from './losses.js';
import type { Problem } from './problem.js';
import type { FrozenBlock } from './value-softmax.js';
import type { GdBlock } from './gradient-descent.js';

/** The reduced flow of one problem. */
export interface ReducedFlow {
  /** d/dt (u, a) (allocation-free). */
  readonly rhs: Rhs;
  /** (u(0), a(0)) (a fresh copy). */
  readonly y0: Float64Array;
  /** n(1 + K). */
  readonly size: number;
  /** Writes the full state [V, a] (layout of valueSoftmaxRhs) of reduced state r into `out`; returns out. */
  readonly lift: (r: Float64Array, out: Float64Array) => Float64Array;
  /**
   * The full-state error norm for atol (one per full component) and rtol; `uniform`: the caller
   * knows every entry of atol's V block is atol[0] (else it is scanned for that).
   */
  readonly errorNorm: (atol: Float64Array, rtol: number, uniform?: boolean) => ErrorNorm;
  /**
   * Fused GD kernel (softmax, nothing frozen; else undefined): `rhs` inlined into the Euler step,
   * the same operations in the same order, so gradientDescent with it is bitwise gradientDescent
   * without it (and solve's gd).
   */
  readonly gdBlock: GdBlock | undefined;
  /**
   * The loss L = (1/K) Σ_k ℓ_k of reduced state r (that of its lifted state): z_k = ⟨u, N(a_k)⟩
   * (= βᵀV N(a_k)), ℓ_k = log(1 + exp(−y_k z_k)), or h(y_k z_k) with a lossExpr. O(Kn).
   */
  readonly loss: (r: Float64Array) => number;
  /**
   * ‖V‖_F² of the lifted state: V = P⊥V(0) + β̂uᵀ, P⊥ the projection across β (that part never
   * moves), so ‖V‖_F² = ‖P⊥V(0)‖_F² + ‖u‖²/‖β‖², a sum of two non-negative terms (no
   * cancellation). O(n) after one O(dn) pass on the first call.
   */
  readonly normV2: (r: Float64Array) => number;
  /**
   * Gives the private kernel instances of `rhs` and of every `errorNorm` made so far back to the
   * pool (kernels.ts `releaseKernels`); a later call of them takes a new one. Call when the solve
   * is over (simulate does).
   */
  readonly release: () => void;
}

/**
 * N[ko + j] = exp(r[ao + j] − max) for j < n, and sums = [Σ e, Σ r[j]·e] (u = r[0..n)), each summed
 * in two interleaved accumulators (even, odd indices: the f64x2 lanes of the WebAssembly kernel,
 * whose operations the RHS and the GD block's twin both follow).
 */
function shiftedExps(r: Float64Array, ao: number, n: number, N: Float64Array, ko: number, sums: Float64Array): void {
  let m = -Infinity;
  for (let j = 0; j < n; j++) if (r[ao + j]! > m) m = r[ao + j]!;
  let s0 = 0;
  let s1 = 0;
  let z0 = 0;
  let z1 = 0;
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const e0 = expTwin(r[ao + j]! - m);
    const e1 = expTwin(r[ao + j + 1]! - m);
    N[ko + j] = e0;
    N[ko + j + 1] = e1;
    s0 += e0;
    s1 += e1;
    z0 += r[j]! * e0;
    z1 += r[j + 1]! * e1;
  }
  if (j < n) {
    const e0 = expTwin(r[ao + j]! - m);
    N[ko + j] = e0;
    s0 += e0;
    z0 += r[j]! * e0;
  }
  sums[0] = s0 + s1;
  sums[1] = z0 + z1;
}

/** A private kernel instance for reducedSoftmaxRhs and its arrays (byte offsets, views). */
interface RhsKernel {
  readonly x: KernelExports;
  readonly r: Float64Array;
  readonly f: Float64Array;
  readonly rp: number;
  readonly fp: number;
  readonly Np: number;
  readonly lp: number;
}

/** The instance for reducedSoftmaxRhs: [r, f (n(1+K) each), N (K·n), labels (K)]; call only while wasmKernels() is defined. */
function rhsKernel(n: number, K: number, labels: ArrayLike<number>): RhsKernel {
  const size = n * (1 + K);
  const slot = (len: number): number => 16 * Math.ceil(len / 2);
  const rp = 65536;
  const fp = rp + slot(size);
  const Np = fp + slot(size);
  const lp = Np + slot(K * n);
  const x = privateKernels(lp + slot(K))!;
  new Float64Array(x.memory.buffer, lp, K).set(labels);
  return { x, r: new Float64Array(x.memory.buffer, rp, size), f: new Float64Array(x.memory.buffer, fp, size), rp, fp, Np, lp };
}

/** The private kernel instance of one error norm (reducedErrorNorm) and its arrays. */
interface NormKernel extends NormLayout {
  readonly x: KernelExports;
  readonly y: Float64Array;
  readonly yNew: Float64Array;
  readonly e1: Float64Array;
  readonly e2: Float64Array;
  readonly out: Float64Array;
  readonly yp: number;
  readonly yNewp: number;
  readonly e1p: number;
  readonly e2p: number;
}

/**
 * The instance for reducedErrorNorm with the norm's fixed data written (V0, β̂, atol's V block
 * when not scalar, atol's logit block, u0); call only while wasmKernels() is defined.
 */
function normKernel(V0: Float64Array, bHat: Float64Array, atol: Float64Array, scalarAtol: boolean, u0: Float64Array, d: number, n: number, K: number): NormKernel {
  const size = n * (1 + K);
  let end = 65536;
  const take = (len: number): number => {
    const p = end;
    end += 16 * Math.ceil(len / 2);
    return p;
  };
  const [yp, yNewp, e1p, e2p] = [take(size), take(size), take(size), take(size)];
  const ptrs = normLayout(take, d, n, K, scalarAtol);
  const x = privateKernels(end)!;
  fillNormData(x.memory.buffer, ptrs, V0, bHat, atol, scalarAtol, u0, d, n, K);
  const f64 = (p: number, len: number): Float64Array => new Float64Array(x.memory.buffer, p, len);
  return { x, y: f64(yp, size), yNew: f64(yNewp, size), e1: f64(e1p, size), e2: f64(e2p, size), out: f64(ptrs.outp, 2), yp, yNewp, e1p, e2p, ...ptrs };
}

/** Byte offsets of reducedErrorNorm's fixed data and scratch (u0, V0, β̂, atol's blocks, du, dun, out). */
interface NormLayout {
  readonly u0p: number;
  readonly Vp: number;
  readonly bhp: number;
  readonly atp: number;
  readonly atAp: number;
  readonly dup: number;
  readonly dunp: number;
  readonly outp: number;
}

/** Takes the norm's regions in this order from `take` (the V block of atol only when it is not scalar). */
function normLayout(take: (len: number) => number, d: number, n: number, K: number, scalarAtol: boolean): NormLayout {
  const [u0p, Vp, bhp, atp, atAp, dup, dunp, outp] = [take(n), take(d * n), take(d), take(scalarAtol ? 0 : d * n), take(K * n), take(n), take(n), take(2)];
  return { u0p, Vp, bhp, atp, atAp, dup, dunp, outp };
}

/** Writes the norm's fixed data (u0, V0, β̂, atol's V block unless scalar, atol's logit block) at `L` in `buffer`. */
function fillNormData(buffer: ArrayBuffer, L: NormLayout, V0: Float64Array, bHat: Float64Array, atol: Float64Array, scalarAtol: boolean, u0: Float64Array, d: number, n: number, K: number): void {
  const f64 = (p: number, len: number): Float64Array => new Float64Array(buffer, p, len);
  f64(L.u0p, n).set(u0);
  f64(L.Vp, d * n).set(V0);
  f64(L.bhp, d).set(bHat);
  if (!scalarAtol) f64(L.atp, d * n).set(atol.subarray(0, d * n));
  f64(L.atAp, K * n).set(atol.subarray(d * n, d * n + K * n));
}

/**
 * True when the reduced flow applies: a scalar-output loss h(βᵀf) (logistic) with β ≠ 0.
 * Example: `reducedApplies(resolveProblem({loss: 'square', V: [[1]], a: [0], y: [1]}))` is false.
 */
export function reducedApplies(P: Problem): boolean {
  if (P.loss !== 'logistic') return false;
  let b2 = 0;
  for (let i = 0; i < P.d; i++) b2 += P.beta![i]! * P.beta![i]!;
  return b2 > 0 && Number.isFinite(b2);
}

/**
 * Builds the reduced flow (VS-6) of a problem for which `reducedApplies` holds.
 *
 * @example
 * const P = resolveProblem({ loss: 'logistic', V: [[1, 0], [0, 0]], a: [0, 0], beta: [1, 0] });
 * const R = reducedFlow(P);
 * R.y0; // Float64Array [1, 0, 0, 0]: u = Vᵀβ = (1, 0), then a
 */
export function reducedFlow(P: Problem, freeze: readonly FrozenBlock[] = []): ReducedFlow {
  const { d, n, K } = P;
  const kind = P.normalization;
  const beta = P.beta!;
  const labels = P.labels!;
  let b2 = 0;
  for (let i = 0; i < d; i++) b2 += beta[i]! * beta[i]!;
  const bHat = new Float64Array(d);
  for (let i = 0; i < d; i++) bHat[i] = beta[i]! / b2;
  const freezeV = freeze.includes('V');
  const freezeA = freeze.includes('a');
  const size = n * (1 + K);
  const V0 = P.V;
  const u0 = new Float64Array(n);
  for (let i = 0; i < d; i++) {
    const bi = beta[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) u0[j] += bi * V0[row + j]!;
  }
  const y0 = new Float64Array(size);
  y0.set(u0, 0);
  y0.set(P.a, n);
  const NBuf = new Float64Array(K * n);
  // [Σ e, ⟨u, e⟩] of `shiftedExps`, reused by every call.
  const expSums = new Float64Array(2);
  const wBuf = new Float64Array(n);
  const invK = 1 / K;
  const isSoftmax = kind === 'softmax';

  // The softmax RHS with nothing frozen runs as the kernel reducedSoftmaxRhs (the same operations
  // as the branch below) when WebAssembly SIMD is on: state in, derivative out of a private kernel
  // instance (from the pool of kernels.ts) taken on the first call (its memory never grows, so
  // its views stay valid; it is written before it is read: r, labels here, f and N by the kernel). It runs at
  // full speed from the first call, where the TypeScript loops and expTwin start interpreted.
  let rk: RhsKernel | undefined;
  // What `release` gives back: the RHS's instance and each error norm's (registered when made).
  const releasers: (() => void)[] = [
    () => {
      releaseKernels(rk?.x);
      rk = undefined;
    },
  ];
  // A user margin loss h (lossExpr): c_k = h′(y_k z_k)·y_k, as models/losses.ts takes it; the
  // kernels (RHS, fused GD) are the logistic loss's, so they are used only without one.
  const lossExpr = P.lossExpr;
  const cOf = (lab: number, z: number): number => (lossExpr !== undefined ? lossExpr.dh(lab * z) * lab : -lab * sigmoid(-lab * z));
  const kernelRhs = isSoftmax && !freezeV && !freezeA && lossExpr === undefined;
  const rhs: Rhs = (_t, r, dr) => {
    if (kernelRhs && wasmKernels() !== undefined) {
      const k = (rk ??= rhsKernel(n, K, labels));
      k.r.set(r);
      k.x.reducedSoftmaxRhs(k.rp, k.fp, k.Np, k.lp, n, K, b2, invK);
      dr.set(k.f);
      return;
    }
    const N = NBuf;
    const w = wBuf;
    const lb = labels;
    if (!freezeV) for (let j = 0; j < n; j++) dr[j] = 0;
    for (let k = 0; k < K; k++) {
      const ko = k * n;
      const ao = n + ko;
      if (isSoftmax) {
        // Max-shifted softmax inline, fused with z = ⟨u, N⟩ = ⟨u, e⟩/Σe; sums in two interleaved
        // accumulators (even, odd indices; the f64x2 lanes of the WebAssembly kernel), and the
        // softmax VJP of w = c·u as c·N ⊙ (u − z) (⟨N, c·u⟩ = c·z): the operations of `gdBlock`.
        shiftedExps(r, ao, n, N, ko, expSums);
        const inv = 1 / expSums[0]!;
        const z = expSums[1]! * inv;
        for (let i = 0; i < n; i++) N[ko + i] *= inv;
        const c = cOf(lb[k]!, z);
        if (!freezeV) {
          const cu = -b2 * c * invK;
          for (let i = 0; i < n; i++) dr[i] += cu * N[ko + i]!;
        }
        const sc = -invK * c;
        if (freezeA) for (let i = 0; i < n; i++) dr[ao + i] = 0;
        else for (let i = 0; i < n; i++) dr[ao + i] = sc * N[ko + i]! * (r[i]! - z);
        continue;
      }
      const S = normalize(kind, r, ao, n, N, ko);
      let z = 0;
      for (let j = 0; j < n; j++) z += r[j]! * N[ko + j]!;
      const c = cOf(lb[k]!, z);
      if (!freezeV) {
        const cu = -b2 * c * invK;
        for (let j = 0; j < n; j++) dr[j] += cu * N[ko + j]!;
      }
      if (freezeA) {
        for (let j = 0; j < n; j++) dr[ao + j] = 0;
      } else {
        for (let j = 0; j < n; j++) w[j] = c * r[j]!;
        normalizationVjp(kind, r, ao, n, N, ko, S, w, 0, dr, ao, -invK);
      }
    }
    if (freezeV) for (let j = 0; j < n; j++) dr[j] = 0;
  };

  if (kernelRhs) {
    // The same kernel on the stage evaluator's own instance (integrators/full-state-stages.ts):
    // its scratch [N (K·n), labels (K)] there, the state and derivative at the evaluator's offsets.
    const slot = (len: number): number => 16 * Math.ceil(len / 2);
    const kr: KernelRhs = {
      scratchBytes: slot(K * n) + slot(K),
      bind: (x, base) => {
        const Np = base;
        const lp = base + slot(K * n);
        new Float64Array(x.memory.buffer, lp, K).set(labels);
        return (rp, fp) => x.reducedSoftmaxRhs(rp, fp, Np, lp, n, K, b2, invK);
      },
    };
    // KERNEL_RHS of full-state-stages.ts (a registered symbol: models import no integrator values).
    Object.defineProperty(rhs, Symbol.for('vsflow.kernelRhs'), { value: kr });
  }

  const duLift = new Float64Array(n);
  const lift = (r: Float64Array, out: Float64Array): Float64Array => {
    // Locals, not closure slots, in the loop; u − u0 once per column (the same differences).
    const V = V0;
    const bh = bHat;
    const du = duLift;
    const u00 = u0;
    const nn = n;
    const dd = d;
    for (let j = 0; j < nn; j++) du[j] = r[j]! - u00[j]!;
    for (let i = 0; i < dd; i++) {
      const bi = bh[i]!;
      const row = i * nn;
      for (let j = 0; j < nn; j++) out[row + j] = V[row + j]! + bi * du[j]!;
    }
    const aOff = dd * nn;
    for (let q = 0; q < K * nn; q++) out[aOff + q] = r[nn + q]!;
    return out;
  };

  const errorNorm = (atol: Float64Array, rtol: number, uniform = false): ErrorNorm => {
    const aOff = d * n;
    const duBuf = new Float64Array(n);
    const dunBuf = new Float64Array(n);
    const atol0 = atol[0]!;
    let same = true;
    if (!uniform) for (let i = 0; i < d * n; i++) if (atol[i] !== atol0) same = false;
    const scalarAtol = same;
    // The kernel reducedErrorNorm in a private instance holding V0, β̂, atol (its V block only when
    // it is not one number) and u0 for the norm's lifetime; taken from the pool on the first call
    // with the kernels on (y, yNew, e1, e2 are written per call, du, dun and out by the kernel).
    let nk: NormKernel | undefined;
    releasers.push(() => {
      releaseKernels(nk?.x);
      nk = undefined;
    });
    // Locals, not closure slots, inside the loops (closure-slot loads in hot loops measured ~3× slower).
    const sums = (y: Float64Array, yNew: Float64Array, e1: Float64Array, e2: Float64Array | undefined, out: Float64Array): void => {
      const du = duBuf;
      const dun = dunBuf;
      const V = V0;
      const u00 = u0;
      const bh = bHat;
      const at = atol;
      const rt = rtol;
      const nn = n;
      const dd = d;
      const at0 = atol0;
      const one = scalarAtol;
      const wk = wasmKernels();
      if (wk !== undefined) {
        // The whole sum in WebAssembly SIMD (the loops below: V block lanes = their two accumulator pairs).
        const k = (nk ??= normKernel(V, bh, at, one, u00, dd, nn, K));
        k.y.set(y);
        k.yNew.set(yNew);
        k.e1.set(e1);
        k.e2.set(e2 ?? e1);
        k.x.reducedErrorNorm(k.yp, k.yNewp, k.e1p, k.e2p, e2 === undefined ? 0 : 1, k.u0p, k.Vp, k.bhp, k.atp, one ? 1 : 0, at0, rt, k.atAp, k.dup, k.dunp, dd, nn, K, k.outp);
        out[0] = k.out[0]!;
        out[1] = k.out[1]!;
        return;
      }
      for (let j = 0; j < nn; j++) {
        du[j] = y[j]! - u00[j]!;
        dun[j] = yNew[j]! - u00[j]!;
      }
      let s1 = 0;
      let s2 = 0;
      {
        // V block, row by row: V_ij = V0_ij + β̂_i (u_j − u0_j), E_ij = β̂_i e_j. Two interleaved
        // accumulator pairs break the add-latency chain (measured 1.7× faster than one pair).
        const n2 = nn - (nn % 2);
        const f2 = e2 ?? e1;
        let t1 = 0;
        let t2 = 0;
        for (let i = 0; i < dd; i++) {
          const bi = bh[i]!;
          const row = i * nn;
          let j = 0;
          for (; j < n2; j += 2) {
            const v0 = V[row + j]!;
            const r0 = bi / ((one ? at0 : at[row + j]!) + rt * Math.max(Math.abs(v0 + bi * du[j]!), Math.abs(v0 + bi * dun[j]!)));
            const a1 = r0 * e1[j]!;
            const a2 = r0 * f2[j]!;
            s1 += a1 * a1;
            s2 += a2 * a2;
            const v1 = V[row + j + 1]!;
            const r1 = bi / ((one ? at0 : at[row + j + 1]!) + rt * Math.max(Math.abs(v1 + bi * du[j + 1]!), Math.abs(v1 + bi * dun[j + 1]!)));
            const b1 = r1 * e1[j + 1]!;
            const b2 = r1 * f2[j + 1]!;
            t1 += b1 * b1;
            t2 += b2 * b2;
          }
          for (; j < nn; j++) {
            const v0 = V[row + j]!;
            const r0 = bi / ((one ? at0 : at[row + j]!) + rt * Math.max(Math.abs(v0 + bi * du[j]!), Math.abs(v0 + bi * dun[j]!)));
            const a1 = r0 * e1[j]!;
            const a2 = r0 * f2[j]!;
            s1 += a1 * a1;
            s2 += a2 * a2;
          }
        }
        s1 += t1;
        s2 += t2;
      }
      // Logit blocks: the same components as the full state's.
      const m = K * nn;
      for (let q = 0; q < m; q++) {
        const sc = at[aOff + q]! + rt * Math.max(Math.abs(y[nn + q]!), Math.abs(yNew[nn + q]!));
        const q1 = e1[nn + q]! / sc;
        s1 += q1 * q1;
        if (e2 !== undefined) {
          const q2 = e2[nn + q]! / sc;
          s2 += q2 * q2;
        }
      }
      out[0] = s1;
      out[1] = s2;
    };
    // The same kernel on the stage evaluator's own instance (KernelNorm of full-state-stages.ts):
    // the fixed data written there once, the vectors read where the evaluator keeps them.
    const f64Slot = (len: number): number => 16 * Math.ceil(len / 2);
    const kn: KernelNorm = {
      scratchBytes: f64Slot(n) + f64Slot(d * n) + f64Slot(d) + f64Slot(scalarAtol ? 0 : d * n) + f64Slot(K * n) + 2 * f64Slot(n) + f64Slot(2),
      bind: (x, base) => {
        let end = base;
        const take = (len: number): number => {
          const p = end;
          end += f64Slot(len);
          return p;
        };
        const L = normLayout(take, d, n, K, scalarAtol);
        fillNormData(x.memory.buffer, L, V0, bHat, atol, scalarAtol, u0, d, n, K);
        const { u0p, Vp, bhp, atp, atAp, dup, dunp, outp } = L;
        const o = new Float64Array(x.memory.buffer, outp, 2);
        return (yp, ynp, e1p, e2p, two, out) => {
          x.reducedErrorNorm(yp, ynp, e1p, e2p, two ? 1 : 0, u0p, Vp, bhp, atp, scalarAtol ? 1 : 0, atol0, rtol, atAp, dup, dunp, d, n, K, outp);
          out[0] = o[0]!;
          out[1] = o[1]!;
        };
      },
    };
    const norm: ErrorNorm = { size: d * n + K * n, sums };
    // KERNEL_NORM of full-state-stages.ts (a registered symbol: models import no integrator values).
    Object.defineProperty(norm, Symbol.for('vsflow.kernelNorm'), { value: kn });
    return Object.freeze(norm);
  };
  // The TypeScript twin of the WebAssembly kernel gdReducedSoftmax (same operations, same order).
  const gdBlockTs: GdBlock | undefined =
    kernelRhs
      ? (y0buf, f, work, k0, k1, lr, tEnd) => {
          const N = NBuf;
          const lb = labels;
          const nn = n;
          const KK = K;
          const iK = invK;
          const bb = b2;
          const len = size;
          let y = y0buf;
          let yNew = work;
          let k = k0;
          for (; k < k1; k++) {
            const t = k * lr;
            let tNew = (k + 1) * lr;
            if (tNew >= tEnd - 1e-9 * lr) tNew = tEnd;
            const h = tNew - t;
            let s = 0;
            for (let i = 0; i < len; i++) {
              const v = y[i]! + h * f[i]!;
              yNew[i] = v;
              s += v;
            }
            if (!Number.isFinite(s)) break;
            // f = rhs(tNew, yNew), the operations of `rhs` above (softmax branch).
            const r = yNew;
            for (let j = 0; j < nn; j++) f[j] = 0;
            for (let q = 0; q < KK; q++) {
              const ko = q * nn;
              const ao = nn + ko;
              // The operations of `rhs` above (softmax branch), in its order.
              shiftedExps(r, ao, nn, N, ko, expSums);
              const inv = 1 / expSums[0]!;
              const z = expSums[1]! * inv;
              const lab = lb[q]!;
              const c = -lab * sigmoid(-lab * z);
              const cu = -bb * c * iK;
              const sc = -iK * c;
              for (let i = 0; i < nn; i++) {
                const ni = N[ko + i]! * inv;
                N[ko + i] = ni;
                f[i] += cu * ni;
                f[ao + i] = sc * ni * (r[i]! - z);
              }
            }
            const tmp = y;
            y = yNew;
            yNew = tmp;
          }
          if (y !== y0buf) y0buf.set(y);
          return k;
        }
      : undefined;
  let labelsF64: Float64Array | undefined;
  // The WebAssembly kernel when available (checked per block, so setWasmKernelsEnabled applies):
  // state and scratch copied into its memory for the block and the state copied back.
  const gdBlock: GdBlock | undefined =
    gdBlockTs === undefined
      ? undefined
      : (y0buf, f, work, k0, k1, lr, tEnd) => {
          const wk = wasmKernels();
          if (wk === undefined) return gdBlockTs(y0buf, f, work, k0, k1, lr, tEnd);
          const top = wk.mark();
          const py = wk.allocF64(size);
          const pf = wk.allocF64(size);
          const pw = wk.allocF64(size);
          const pN = wk.allocF64(K * n);
          const pl = wk.allocF64(K);
          wk.f64(py, size).set(y0buf);
          wk.f64(pf, size).set(f);
          wk.f64(pl, K).set((labelsF64 ??= Float64Array.from(labels)));
          const k = wk.exports.gdReducedSoftmax(py, pf, pw, pN, pl, n, K, b2, invK, k0, k1, lr, tEnd);
          y0buf.set(wk.f64(py, size));
          f.set(wk.f64(pf, size));
          wk.release(top);
          return k;
        };
  const release = (): void => {
    for (const r of releasers) r();
  };
  const lossN = new Float64Array(n);
  const loss = (r: Float64Array): number => {
    let l = 0;
    for (let k = 0; k < K; k++) {
      normalize(kind, r, n + k * n, n, lossN, 0);
      let z = 0;
      for (let j = 0; j < n; j++) z += r[j]! * lossN[j]!;
      l += marginLoss(P, labels[k]!, z);
    }
    return l * invK;
  };
  // ‖P⊥V(0)‖_F² = Σ_ij (V0_ij − β̂_i u0_j)², once.
  let across: number | undefined;
  const normV2 = (r: Float64Array): number => {
    if (across === undefined) {
      let s = 0;
      for (let i = 0; i < d; i++) {
        const bi = bHat[i]!;
        const row = i * n;
        for (let j = 0; j < n; j++) {
          const w = V0[row + j]! - bi * u0[j]!;
          s += w * w;
        }
      }
      across = s;
    }
    let uu = 0;
    for (let j = 0; j < n; j++) uu += r[j]! * r[j]!;
    return across + uu / b2;
  };
  return Object.freeze({ rhs, y0, size, lift, errorNorm, gdBlock, loss, normV2, release });
}
