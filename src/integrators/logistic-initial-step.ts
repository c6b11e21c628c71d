/**
 * Hairer's initial step (integrators/step-control.ts `initialStep`) of the full [V, a] flow of a
 * one-sample softmax logistic problem (valueSoftmaxRhs's logisticOne kernel, VS-6), without
 * forming the full-state vectors f0, y0 + h0·f0 and f1: every V̇ row is a multiple of σᵀ
 * (V̇_i· = −c β_i σᵀ), so the sums over the d·n entries are taken with f0 and f1 rebuilt entry by
 * entry from (c, σ) in the kernel's own operations. Same sums in the same order, so the same h
 * bit for bit (checked against `initialStep` in test/integrators/logistic-initial-step.test.ts);
 * no O(d·n) allocation and three reads of V instead of five passes. Used by the reduced
 * formulation of `simulate`, whose steps must start as the full path's.
 *
 * From d·n ≥ INITIAL_STEP_KERNEL_MIN_SIZE the four passes over V run in WebAssembly (matTVec,
 * logisticStepSums, logisticTrialU, logisticStepDiff in src/wasm/asm/kernels.ts: the loops below
 * in their order, same bits; tested) at full speed from a process's first call.
 */
import { sigmoid } from '../core/sigmoid.js';
import type { Problem } from '../models/problem.js';
import { softmaxMargin } from '../models/value-softmax.js';
import { firstStep, INITIAL_STEP_KERNEL_MIN_SIZE, trialStep } from './step-control.js';
import { scratchRegions } from '../wasm/linear-algebra.js';

/**
 * `initialStep(valueSoftmaxRhs(P).rhs, 0, y0, f0, span, dtMax, errorOrder, rtol, atol, …)` for a
 * problem where valueSoftmaxRhs uses its one-sample logistic kernel (`isLogisticOne(P, [])`);
 * y0 is the packed state [V, a] (d·n + n), atol one entry per component.
 *
 * @example
 * // P = resolveProblem({ loss: 'logistic', V: [[0.1, 0, -0.1], [0, 0.2, 0]], a: [0, 0, 0], beta: [1, 0] })
 * logisticInitialStep(P, packState(P), 1e5, Infinity, 7, 1e-8, new Float64Array(9).fill(1e-10));
 * // the h of initialStep on the same inputs, bit for bit
 */
export function logisticInitialStep(P: Problem, y0: Float64Array, span: number, dtMax: number, errorOrder: number, rtol: number, atol: Float64Array): number {
  const { d, n } = P;
  const b = P.beta!;
  const label = P.labels?.[0] ?? 1;
  const aOff = d * n;
  const size = aOff + n;
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const sig0 = new Float64Array(n);
  const sig1 = new Float64Array(n);
  const f0a = new Float64Array(n);
  const wa = new Float64Array(n);
  const ws = aOff >= INITIAL_STEP_KERNEL_MIN_SIZE && y0.length >= aOff && atol.length >= aOff ? scratchRegions([aOff, aOff, d, n, n, n, 2]) : undefined;
  if (ws !== undefined) {
    // The same sums on the kernels (one scratch region, no other call while it is held).
    const { k, ptrs } = ws;
    const x = k.exports;
    const [pV, pAt, pb, pu, pS0, pS1, pOut] = ptrs as [number, number, number, number, number, number, number];
    k.f64(pV, aOff).set(y0.subarray(0, aOff));
    k.f64(pAt, aOff).set(atol.subarray(0, aOff));
    k.f64(pb, d).set(b);
    x.matTVec(pV, pb, d, n, pu);
    u0.set(k.f64(pu, n));
    const z0 = softmaxMargin(y0, aOff, n, u0, sig0);
    const c0 = -label * sigmoid(-label * z0);
    k.f64(pS0, n).set(sig0);
    x.logisticStepSums(pV, pAt, rtol, pS0, pb, c0, d, n, pOut);
    const sums = k.f64(pOut, 2);
    const s = Float64Array.of(sums[0]!, sums[1]!);
    logitSums(y0, atol, rtol, aOff, n, c0, sig0, u0, z0, f0a, s);
    const s1 = s[1]!;
    const h0 = trialStep(s[0]!, s1, size, span);
    x.logisticTrialU(pV, pb, pS0, c0, h0, d, n, pu);
    u1.set(k.f64(pu, n));
    for (let j = 0; j < n; j++) wa[j] = y0[aOff + j]! + h0 * f0a[j]!;
    const z1 = softmaxMargin(wa, 0, n, u1, sig1);
    const c1 = -label * sigmoid(-label * z1);
    k.f64(pS1, n).set(sig1);
    const s2 = x.logisticStepDiff(pV, pAt, rtol, pS0, pS1, pb, c0, c1, d, n);
    ws.release();
    return firstStep(s1, logitDiff(y0, atol, rtol, aOff, n, c1, sig1, u1, z1, f0a, s2), size, h0, errorOrder, span, dtMax);
  }
  // f0 = rhs(y0): u0 = Vᵀβ, σ0, z0, c0.
  for (let i = 0; i < d; i++) {
    const bi = b[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) u0[j] += bi * y0[row + j]!;
  }
  const z0 = softmaxMargin(y0, aOff, n, u0, sig0);
  const c0 = -label * sigmoid(-label * z0);
  // s0 = Σ (y0/sc)², s1 = Σ (f0/sc)², V block row by row, then the a block.
  const sums = new Float64Array(2);
  logisticVSums(y0, atol, rtol, sig0, b, c0, d, n, sums);
  logitSums(y0, atol, rtol, aOff, n, c0, sig0, u0, z0, f0a, sums);
  const s1 = sums[1]!;
  const h0 = trialStep(sums[0]!, s1, size, span);
  // f1 = rhs(y0 + h0·f0): u1 = (V + h0·V̇0)ᵀβ entry by entry, σ1 of a + h0·ȧ0, z1, c1.
  logisticTrialU(y0, b, sig0, c0, h0, d, n, u1);
  for (let j = 0; j < n; j++) wa[j] = y0[aOff + j]! + h0 * f0a[j]!;
  const z1 = softmaxMargin(wa, 0, n, u1, sig1);
  const c1 = -label * sigmoid(-label * z1);
  // s2 = Σ ((f1 − f0)/sc)².
  const s2 = logisticVDiff(y0, atol, rtol, sig0, sig1, b, c0, c1, d, n);
  return firstStep(s1, logitDiff(y0, atol, rtol, aOff, n, c1, sig1, u1, z1, f0a, s2), size, h0, errorOrder, span, dtMax);
}

/**
 * The logit block's terms of s0 = Σ (y0/sc)² and s1 = Σ (f0/sc)², added to s[0] and s[1] in
 * increasing j; writes ȧ0 = f0's logit block into f0a (f_j = −c0·σ0_j·(u0_j − z0)).
 */
function logitSums(y0: Float64Array, atol: Float64Array, rtol: number, aOff: number, n: number, c0: number, sig0: Float64Array, u0: Float64Array, z0: number, f0a: Float64Array, s: Float64Array): void {
  let s0 = s[0]!;
  let s1 = s[1]!;
  for (let j = 0; j < n; j++) {
    const q = aOff + j;
    const f = -c0 * sig0[j]! * (u0[j]! - z0);
    f0a[j] = f;
    const sc = atol[q]! + rtol * Math.abs(y0[q]!);
    const a = y0[q]! / sc;
    const bq = f / sc;
    s0 += a * a;
    s1 += bq * bq;
  }
  s[0] = s0;
  s[1] = s1;
}

/** s2 plus the logit block's terms of Σ ((f1 − f0)/sc)², in increasing j. */
function logitDiff(y0: Float64Array, atol: Float64Array, rtol: number, aOff: number, n: number, c1: number, sig1: Float64Array, u1: Float64Array, z1: number, f0a: Float64Array, s2: number): number {
  for (let j = 0; j < n; j++) {
    const q = aOff + j;
    const sc = atol[q]! + rtol * Math.abs(y0[q]!);
    const c = (-c1 * sig1[j]! * (u1[j]! - z1) - f0a[j]!) / sc;
    s2 += c * c;
  }
  return s2;
}

/**
 * u1 = (V + h0·V̇0)ᵀβ entry by entry: u1_j = Σ_i β_i·(y0_ij + h0·(c_i·σ0_j)), c_i = (−c0)·β_i,
 * from 0 in increasing i (the twin of the kernel logisticTrialU). Example: d = n = 1, y0 = [1],
 * β = [2], σ0 = [1], c0 = −1, h0 = 0.5 → u1 = [4].
 */
export function logisticTrialU(y0: Float64Array, b: Float64Array, sig0: Float64Array, c0: number, h0: number, d: number, n: number, u1: Float64Array): void {
  for (let j = 0; j < n; j++) u1[j] = 0;
  for (let i = 0; i < d; i++) {
    const bi = b[i]!;
    const ci = -c0 * b[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) u1[j] += bi * (y0[row + j]! + h0 * (ci * sig0[j]!));
  }
}

/**
 * The V-block sums of y0 and f0 (V̇0_ij = c_i·σ0_j, c_i = (−c0)·β_i) into out = [Σ (y0/sc)²,
 * Σ (f0/sc)²], rows in order, one sum each (the twin of the kernel logisticStepSums).
 * Example: d = n = 1, y0 = [1], atol = [1], rtol = 0, σ0 = [1], β = [2], c0 = −1 → out = [1, 4].
 */
export function logisticVSums(y0: Float64Array, atol: Float64Array, rtol: number, sig0: Float64Array, b: Float64Array, c0: number, d: number, n: number, out: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < d; i++) {
    const ci = -c0 * b[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const q = row + j;
      const sc = atol[q]! + rtol * Math.abs(y0[q]!);
      const a = y0[q]! / sc;
      const f = (ci * sig0[j]!) / sc;
      s0 += a * a;
      s1 += f * f;
    }
  }
  out[0] = s0;
  out[1] = s1;
}

/**
 * The V-block Σ ((c1_i·σ1_j − c0_i·σ0_j)/sc)², c_ki = (−c_k)·β_i, rows in order (the twin of the
 * kernel logisticStepDiff). Example: d = n = 1, atol = [1], rtol = 0, σ0 = σ1 = [1], β = [1],
 * c0 = 0, c1 = −3 → 9.
 */
export function logisticVDiff(y0: Float64Array, atol: Float64Array, rtol: number, sig0: Float64Array, sig1: Float64Array, b: Float64Array, c0: number, c1: number, d: number, n: number): number {
  let s2 = 0;
  for (let i = 0; i < d; i++) {
    const ci0 = -c0 * b[i]!;
    const ci1 = -c1 * b[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const q = row + j;
      const sc = atol[q]! + rtol * Math.abs(y0[q]!);
      const c = (ci1 * sig1[j]! - ci0 * sig0[j]!) / sc;
      s2 += c * c;
    }
  }
  return s2;
}
