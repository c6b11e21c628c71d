/**
 * Observables of the value-softmax state along a trajectory (theory: VS-1, VS-6, A.7): loss,
 * attention entropy (nats), max attention, 1 − max attention without cancellation, arg-max,
 * ‖V‖_F, Σa, the logits, and u = Vᵀβ (logistic). Per-sample quantities are arrays over samples
 * when the problem has several samples (a matrix `a` in its file).
 *
 * Attention distribution q_k: softmax → σ(a_k), computed from the logits with the stable kernels
 * (entropy H = log Z + Σσ(−b), 1 − max σ as the sum of the others). Other normalisations:
 * q_k = N(a_k) / Σ_j N(a_k)_j (l1, l2sq, relu, sum are already normalised; sigmoid is divided
 * by its sum). Entropy −Σ q log q (0·log 0 = 0) is reported only when q ≥ 0 entrywise; for `sum`
 * with negative entries it is NaN (null in JSON). maxProb = max q, oneMinusMax = Σ_{i≠argmax} q_i.
 */
import { softmaxEntropy } from '../core/softmax-entropy.js';
import { argmax, softmaxOneMinusMax } from '../core/one-minus-max.js';
import { normalize } from '../models/normalizations.js';
import type { Problem } from '../models/problem.js';
import { valueSoftmaxRhs, type ValueSoftmaxFlow } from '../models/value-softmax.js';
import type { ReducedFlow } from '../models/reduced-flow.js';
import { scratchRegions } from '../wasm/linear-algebra.js';
import { toArray } from '../core/row-arrays.js';

/**
 * The observer's sweep over V runs in the WebAssembly kernel normAndVtBeta (src/wasm/asm/kernels.ts;
 * the twin normAndVtBetaTwin below, same order, same bits) from this many V entries on: at full
 * speed on a process's first records, where the loop runs interpreted.
 */
export const OBSERVER_KERNEL_MIN_SIZE = 256;

/**
 * ‖V‖_F² of V = y[0 .. d·n) (row-major), summed in storage order, returned; when `beta` is given
 * also u = Vᵀβ into `u` (each u_j summed over i in order). One row-major sweep: the same sums as
 * a column-wise loop, without its strided reads. The twin of the kernel normAndVtBeta.
 * Example: y = [3, 4], d = 1, n = 2, beta = [2] → returns 25, u = [6, 8].
 */
export function normAndVtBetaTwin(y: Float64Array, d: number, n: number, beta: Float64Array | undefined, u: Float64Array): number {
  const aOff = d * n;
  let nv = 0;
  if (beta === undefined) {
    for (let q = 0; q < aOff; q++) nv += y[q]! * y[q]!;
    return nv;
  }
  for (let j = 0; j < n; j++) u[j] = 0;
  for (let i = 0; i < d; i++) {
    const row = i * n;
    const bi = beta[i]!;
    for (let j = 0; j < n; j++) {
      const v = y[row + j]!;
      nv += v * v;
      u[j] += v * bi;
    }
  }
  return nv;
}

/** normAndVtBetaTwin on the kernels when they are available and d·n is large enough. */
function normAndVtBeta(y: Float64Array, d: number, n: number, beta: Float64Array | undefined, u: Float64Array): number {
  const aOff = d * n;
  const ws = aOff >= OBSERVER_KERNEL_MIN_SIZE && y.length >= aOff ? scratchRegions([aOff, beta === undefined ? 0 : d, n]) : undefined;
  if (ws === undefined) return normAndVtBetaTwin(y, d, n, beta, u);
  const { k, ptrs } = ws;
  const [pV, pb, pu] = ptrs as [number, number, number];
  k.f64(pV, aOff).set(y.subarray(0, aOff));
  if (beta !== undefined) k.f64(pb, d).set(beta);
  const nv = k.exports.normAndVtBeta(pV, pb, beta === undefined ? 0 : 1, d, n, pu);
  if (beta !== undefined) u.set(k.f64(pu, n));
  ws.release();
  return nv;
}

/** One saved point of a trajectory. Per-sample fields are arrays over samples when K > 1. */
export interface SimRecord {
  readonly t: number;
  /** L = (1/K) Σ_k ℓ_k. */
  readonly loss: number;
  /** Shannon entropy of the attention distribution, nats. */
  readonly entropy: number | number[];
  readonly maxProb: number | number[];
  /** 1 − maxProb, computed without cancellation. */
  readonly oneMinusMax: number | number[];
  readonly argmax: number | number[];
  /** ‖V‖_F. */
  readonly normV: number;
  /** Σ_i a_i (conserved for softmax, VS-8). */
  readonly sumA: number | number[];
  readonly a: number[] | number[][];
  /** u = Vᵀβ (logistic only, VS-6). */
  readonly u?: number[];
}

/** Per-sample attention statistics of one logit slice (entropy, maxProb, oneMinusMax, argmax). */
export interface AttentionStats {
  entropy: number;
  maxProb: number;
  oneMinusMax: number;
  argmax: number;
}

/**
 * Attention statistics of the slice y[off .. off+n) under `problem.normalization`; `work` is a
 * buffer of length ≥ n (used for non-softmax kinds). Writes into `out` and returns it.
 *
 * @example
 * attentionStats(P, new Float64Array([0, 0]), 0, new Float64Array(2), s); // softmax: entropy ln 2, maxProb 0.5
 */
export function attentionStats(problem: Problem, y: Float64Array, off: number, work: Float64Array, out: AttentionStats): AttentionStats {
  const n = problem.n;
  if (problem.normalization === 'softmax') {
    out.entropy = softmaxEntropy(y, off, n);
    out.oneMinusMax = softmaxOneMinusMax(y, off, n);
    out.maxProb = 1 - out.oneMinusMax;
    out.argmax = argmax(y, off, n);
    return out;
  }
  const S = normalize(problem.normalization, y, off, n, work, 0);
  if (problem.normalization === 'sigmoid') for (let j = 0; j < n; j++) work[j]! /= S;
  const im = argmax(work, 0, n);
  let h = 0;
  let others = 0;
  let negative = false;
  for (let j = 0; j < n; j++) {
    const q = work[j]!;
    if (q < 0) negative = true;
    if (q > 0) h -= q * Math.log(q);
    if (j !== im) others += q;
  }
  out.entropy = negative ? NaN : h;
  out.maxProb = work[im]!;
  out.oneMinusMax = others;
  out.argmax = im;
  return out;
}

/**
 * The record of one state from its loss, ‖V‖_F², the logits (K slices of n from y[aOff]) and,
 * for logistic problems, u = Vᵀβ (its first n entries): the part of a record both observers share (built once per
 * observer: work buffers and attention statistics reused).
 */
function recordBuilder(problem: Problem): (t: number, loss: number, nv2: number, y: Float64Array, aOff: number, u: Float64Array | undefined) => SimRecord {
  const { n, K } = problem;
  const work = new Float64Array(n);
  const stats: AttentionStats = { entropy: 0, maxProb: 0, oneMinusMax: 0, argmax: 0 };
  const many = problem.batched;
  return (t, loss, nv2, y, a0, u) => {
    const ent: number[] = [];
    const mp: number[] = [];
    const omm: number[] = [];
    const am: number[] = [];
    const sa: number[] = [];
    const as: number[][] = [];
    for (let k = 0; k < K; k++) {
      const off = a0 + k * n;
      attentionStats(problem, y, off, work, stats);
      ent.push(stats.entropy);
      mp.push(stats.maxProb);
      omm.push(stats.oneMinusMax);
      am.push(stats.argmax);
      let s = 0;
      for (let j = 0; j < n; j++) s += y[off + j]!;
      sa.push(s);
      as.push(toArray(y, off, n));
    }
    const one = <T>(xs: T[]): T | T[] => (many ? xs : xs[0]!);
    const rec: { -readonly [K in keyof SimRecord]: SimRecord[K] } = {
      t,
      loss,
      entropy: one(ent),
      maxProb: one(mp),
      oneMinusMax: one(omm),
      argmax: one(am),
      normV: Math.sqrt(nv2),
      sumA: one(sa),
      a: many ? as : as[0]!,
    };
    if (u !== undefined) rec.u = toArray(u, 0, n);
    return rec;
  };
}

/**
 * A reusable observer for one problem: (t, y) → SimRecord, with the loss evaluator and work
 * buffers built once; `lossFlow` (optional) is a valueSoftmaxRhs(problem) already built, whose loss it uses.
 *
 * @example
 * const obs = createObserver(P);
 * obs(0, packState(P)).loss; // the initial loss
 */
export function createObserver(problem: Problem, lossFlow?: Pick<ValueSoftmaxFlow, 'loss'>): (t: number, y: Float64Array) => SimRecord {
  const { d, n } = problem;
  // The loss of valueSoftmaxRhs(problem) (a pure function of y): a caller that already built that
  // flow passes it (simulate shares one with its until-loss event) instead of building another.
  const flow = lossFlow ?? valueSoftmaxRhs(problem);
  const aOff = d * n;
  const beta = problem.beta;
  const uBuf = new Float64Array(beta === undefined ? 0 : n);
  const record = recordBuilder(problem);
  return (t, y) => {
    const loss = flow.loss(y);
    const nv = normAndVtBeta(y, d, n, beta, uBuf);
    return record(t, loss, nv, y, aOff, beta === undefined ? undefined : uBuf);
  };
}

/**
 * The observer of the reduced (u, a) states of a logistic problem (models/reduced-flow.ts, VS-6):
 * (t, r) → the record of the lifted state [V, a] without lifting it. The logits' fields are read
 * from r as createObserver reads them from the full state (the same bits); the loss is the flow's
 * (z_k = ⟨u, N(a_k)⟩ = βᵀV N(a_k)), u is r's own, and ‖V‖_F² = ‖P⊥V(0)‖_F² + ‖u‖²/‖β‖² (the
 * part of V across β never moves). O(Kn) per record instead of two O(dn) sweeps and the lift:
 * these three agree with createObserver on the lifted state to round-off (tested).
 *
 * @example
 * const R = reducedFlow(P);
 * createReducedObserver(P, R)(0, R.y0); // ≈ createObserver(P)(0, packState(P))
 */
export function createReducedObserver(problem: Problem, R: Pick<ReducedFlow, 'loss' | 'normV2'>): (t: number, r: Float64Array) => SimRecord {
  const n = problem.n;
  const record = recordBuilder(problem);
  return (t, r) => record(t, R.loss(r), R.normV2(r), r, n, r);
}

/**
 * The observables of state `y` (layout of valueSoftmaxRhs) at time `t`.
 *
 * @example
 * const P = resolveProblem({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] });
 * observe(P, packState(P)); // { t: 0, loss: 0.125, entropy: ln 2, maxProb: 0.5, argmax: 0, normV: 1, sumA: 0, a: [0, 0] , ... }
 */
export function observe(problem: Problem, y: Float64Array, t = 0): SimRecord {
  return createObserver(problem)(t, y);
}
