/**
 * Hairer's initial step (integrators/step-control.ts `initialStep`) of the full [V, a] flow of a
 * one-sample softmax logistic problem (valueSoftmaxRhs's logisticOne kernel, VS-6), without
 * forming the full-state vectors f0, y0 + h0·f0 and f1: every V̇ row is a multiple of σᵀ
 * (V̇_i· = −c β_i σᵀ), so the sums over the d·n entries are taken with f0 and f1 rebuilt entry by
 * entry from (c, σ) in the kernel's own operations. Same sums in the same order, so the same h
 * bit for bit (checked against `initialStep` in test/integrators/logistic-initial-step.test.ts);
 * no O(d·n) allocation and three reads of V instead of five passes. Used by the reduced
 * formulation of `simulate`, whose steps must start as the full path's.
 */
import { sigmoid } from '../core/sigmoid.js';
import type { Problem } from '../models/problem.js';
import { softmaxMargin } from '../models/value-softmax.js';
import { firstStep, trialStep } from './step-control.js';

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
  // f0 = rhs(y0): u0 = Vᵀβ, σ0, z0, c0.
  for (let i = 0; i < d; i++) {
    const bi = b[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) u0[j] += bi * y0[row + j]!;
  }
  const z0 = softmaxMargin(y0, aOff, n, u0, sig0);
  const c0 = -label * sigmoid(-label * z0);
  // s0 = Σ (y0/sc)², s1 = Σ (f0/sc)², V block row by row, then the a block.
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
  const h0 = trialStep(s0, s1, size, span);
  // f1 = rhs(y0 + h0·f0): u1 = (V + h0·V̇0)ᵀβ entry by entry, σ1 of a + h0·ȧ0, z1, c1.
  for (let i = 0; i < d; i++) {
    const bi = b[i]!;
    const ci = -c0 * b[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) u1[j] += bi * (y0[row + j]! + h0 * (ci * sig0[j]!));
  }
  for (let j = 0; j < n; j++) wa[j] = y0[aOff + j]! + h0 * f0a[j]!;
  const z1 = softmaxMargin(wa, 0, n, u1, sig1);
  const c1 = -label * sigmoid(-label * z1);
  // s2 = Σ ((f1 − f0)/sc)².
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
  for (let j = 0; j < n; j++) {
    const q = aOff + j;
    const sc = atol[q]! + rtol * Math.abs(y0[q]!);
    const c = (-c1 * sig1[j]! * (u1[j]! - z1) - f0a[j]!) / sc;
    s2 += c * c;
  }
  return firstStep(s1, s2, size, h0, errorOrder, span, dtMax);
}
