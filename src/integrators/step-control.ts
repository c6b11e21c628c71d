/**
 * Step-size control shared by the adaptive methods.
 *
 * Error norm (Hairer; scipy `solve_ivp`): ‖e‖ = sqrt(1/N Σ (e_i / sc_i)²),
 * sc_i = atol_i + rtol·max(|y_i|, |y_new,i|); a step is accepted when ‖e‖ < 1.
 *
 * New step (Hairer's PI form, scipy's bounds): h_new = h·min(maxFactor, max(minFactor,
 * safety·‖e‖^(−α)·‖e_prev‖^β)), α = 1/(q + 1) − 0.75β for an error estimator of order q; after a
 * rejection the next accepted step may not grow (factor ≤ 1). Constants mirror scipy's RK45 /
 * DOP853 (safety 0.9, factors [0.2, 10]) so RHS counts are comparable at equal rtol/atol.
 */
import { scratchRegions } from '../wasm/linear-algebra.js';

/**
 * `initialStep` takes its three O(N) passes in the WebAssembly kernels initStepSums, eulerTrial and
 * initStepDiff (src/wasm/asm/kernels.ts; same operations in the same order as the loops here, so
 * the same h bit for bit) from this many components on: they run at full speed on a process's
 * first solve, where the loops run interpreted (≈ 2 ms at N = 33 000 on Node 20).
 */
export const INITIAL_STEP_KERNEL_MIN_SIZE = 256;

/**
 * A replacement for a stepper's built-in error norm, for a state that stands for a larger one
 * (the reduced (u, a) system of models/reduced-flow.ts stands for the full [V, a] state): the
 * sums are taken over the components of the larger state, so the step sequence is the larger
 * system's. `e1` (and `e2` for dop853's two estimators) are error vectors of the small state;
 * the hook writes Σ_i (E1_i/sc_i)² (and Σ_i (E2_i/sc_i)²) over the large state into out[0]
 * (out[1]), with sc_i = atol_i + rtol·max(|Y_i|, |Y_new,i|) and E, Y the large-state images.
 */
export interface ErrorNorm {
  /** N, the number of components of the large state (the mean's denominator). */
  readonly size: number;
  sums(y: Float64Array, yNew: Float64Array, e1: Float64Array, e2: Float64Array | undefined, out: Float64Array): void;
}

/** Controller constants of one method. */
export interface ControllerParams {
  readonly safety: number;
  readonly minFactor: number;
  readonly maxFactor: number;
  /** Order q of the error estimator (error ∝ h^(q+1)). */
  readonly errorOrder: number;
  /** PI weight β on the previous accepted error (0 = plain I controller). */
  readonly beta: number;
}

/**
 * Smallest step allowed at time t: max(1e-14·|t|, 1e-300). Below it the step "underflows":
 * t + h is then only a few ulps away from t and further progress is noise.
 * Example: `minStepAt(1e6)` is 1e-8.
 */
export function minStepAt(t: number): number {
  return Math.max(1e-14 * Math.abs(t), 1e-300);
}

/**
 * Hairer's initial-step heuristic (Hairer, Nørsett & Wanner, Sec. II.4; the variant in scipy's
 * `select_initial_step`): d0 = ‖y0‖, d1 = ‖f0‖ (scaled RMS, sc = atol + rtol·|y0|),
 * h0 = 0.01·d0/d1 (1e-6 if either is below 1e-5), one explicit Euler step to get d2 =
 * ‖f(t0 + h0, y0 + h0 f0) − f0‖/h0, h1 = (0.01/max(d1, d2))^(1/(q+1)), and
 * h = min(100·h0, h1, t1 − t0, dtMax). Costs one RHS evaluation. `work` and `f1` are scratch.
 * Example: for y' = −y, y0 = 1, rtol 1e-6, atol 1e-9, q = 4 it returns ≈ 0.0251.
 */
export function initialStep(
  rhs: (t: number, y: Float64Array, dydt: Float64Array) => void,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  t1: number,
  dtMax: number,
  errorOrder: number,
  rtol: number,
  atol: Float64Array,
  work: Float64Array,
  f1: Float64Array,
): number {
  const n = y0.length;
  const span = t1 - t0;
  if (n >= INITIAL_STEP_KERNEL_MIN_SIZE && atol.length === n && f0.length === n && work.length === n && f1.length === n) {
    const h = initialStepKernels(rhs, t0, y0, f0, span, dtMax, errorOrder, rtol, atol, work, f1);
    if (h !== undefined) return h;
  }
  const sums = new Float64Array(2);
  initialSums(y0, f0, atol, rtol, n, sums);
  const s1 = sums[1]!;
  const h0 = trialStep(sums[0]!, s1, n, span);
  for (let i = 0; i < n; i++) work[i] = y0[i]! + h0 * f0[i]!;
  rhs(t0 + h0, work, f1);
  return firstStep(s1, initialDiffSum(y0, f0, f1, atol, rtol, n), n, h0, errorOrder, span, dtMax);
}

/**
 * initialStep's first sums out = [Σ (y0_i/sc_i)², Σ (f0_i/sc_i)²], i < n in order (one sum each),
 * sc_i = atol_i + rtol·|y0_i| (the twin of the kernel initStepSums).
 * Example: y0 = [1], f0 = [2], atol = [1], rtol = 0 → out = [1, 4].
 */
export function initialSums(y0: Float64Array, f0: Float64Array, atol: Float64Array, rtol: number, n: number, out: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol[i]! + rtol * Math.abs(y0[i]!);
    const a = y0[i]! / sc;
    const b = f0[i]! / sc;
    s0 += a * a;
    s1 += b * b;
  }
  out[0] = s0;
  out[1] = s1;
}

/**
 * initialStep's Σ ((f1_i − f0_i)/sc_i)², i < n in order (the twin of the kernel initStepDiff).
 * Example: y0 = [1], f0 = [2], f1 = [5], atol = [1], rtol = 0 → 9.
 */
export function initialDiffSum(y0: Float64Array, f0: Float64Array, f1: Float64Array, atol: Float64Array, rtol: number, n: number): number {
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol[i]! + rtol * Math.abs(y0[i]!);
    const c = (f1[i]! - f0[i]!) / sc;
    s2 += c * c;
  }
  return s2;
}

/**
 * `initialStep` on the WebAssembly kernels (scratch on the shared instance, released before the
 * RHS call), or undefined when they are unavailable or their memory cannot grow.
 */
function initialStepKernels(
  rhs: (t: number, y: Float64Array, dydt: Float64Array) => void,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  span: number,
  dtMax: number,
  errorOrder: number,
  rtol: number,
  atol: Float64Array,
  work: Float64Array,
  f1: Float64Array,
): number | undefined {
  const n = y0.length;
  const first = scratchRegions([n, n, n, n, 2]);
  if (first === undefined) return undefined;
  let s1: number;
  let h0: number;
  {
    const { k, ptrs } = first;
    const [py, pf, pa, pw, out] = ptrs as [number, number, number, number, number];
    k.f64(py, n).set(y0);
    k.f64(pf, n).set(f0);
    k.f64(pa, n).set(atol);
    k.exports.initStepSums(py, pf, pa, rtol, n, out);
    const sums = k.f64(out, 2);
    s1 = sums[1]!;
    h0 = trialStep(sums[0]!, s1, n, span);
    k.exports.eulerTrial(py, pf, h0, n, pw);
    work.set(k.f64(pw, n));
    first.release();
  }
  rhs(t0 + h0, work, f1);
  // The RHS may have used (and grown) the kernels' memory: fresh scratch for the last pass.
  const second = scratchRegions([n, n, n, n]);
  let s2: number;
  if (second === undefined) {
    s2 = initialDiffSum(y0, f0, f1, atol, rtol, n);
  } else {
    const { k, ptrs } = second;
    const [py, pf, p1, pa] = ptrs as [number, number, number, number];
    k.f64(py, n).set(y0);
    k.f64(pf, n).set(f0);
    k.f64(p1, n).set(f1);
    k.f64(pa, n).set(atol);
    s2 = k.exports.initStepDiff(py, pf, p1, pa, rtol, n);
    second.release();
  }
  return firstStep(s1, s2, n, h0, errorOrder, span, dtMax);
}

/**
 * The Euler trial step h0 of `initialStep` from s0 = Σ (y0_i/sc_i)², s1 = Σ (f0_i/sc_i)² over
 * n components and the span t1 − t0 (shared with structured versions of the heuristic, e.g.
 * integrators/logistic-initial-step.ts, so they give the same bits).
 */
export function trialStep(s0: number, s1: number, n: number, span: number): number {
  const d0 = Math.sqrt(s0 / n);
  const d1 = Math.sqrt(s1 / n);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  return Math.min(h0, span);
}

/** The step `initialStep` returns, from s1, s2 = Σ ((f1_i − f0_i)/sc_i)² and the trial step h0. */
export function firstStep(s1: number, s2: number, n: number, h0: number, errorOrder: number, span: number, dtMax: number): number {
  const d1 = Math.sqrt(s1 / n);
  const d2 = Math.sqrt(s2 / n) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / (errorOrder + 1));
  const h = Math.min(100 * h0, h1, span, dtMax);
  // A non-finite f0 or f1 makes h NaN: start small and let the step loop report the failure.
  return Number.isFinite(h) && h > 0 ? h : Math.min(1e-6, span);
}

/**
 * Step-size factor after an attempt with error norm `err` (see the module doc). Returns the
 * factor to apply to |h|; `prevErr` is the last accepted error norm (for the PI term).
 * Example: `stepFactor(1, 1e-4, false, {safety: 0.9, minFactor: 0.2, maxFactor: 10, errorOrder: 4, beta: 0})`
 * is 0.9 (err = 1 → safety).
 */
export function stepFactor(err: number, prevErr: number, rejectedBefore: boolean, p: ControllerParams): number {
  const alpha = 1 / (p.errorOrder + 1) - 0.75 * p.beta;
  if (err < 1) {
    let fac = err === 0 ? p.maxFactor : p.safety * Math.pow(err, -alpha) * Math.pow(prevErr, p.beta);
    fac = Math.min(p.maxFactor, Math.max(p.minFactor, fac));
    return rejectedBefore ? Math.min(1, fac) : fac;
  }
  // Rejection (also for a NaN error: non-finite stages): shrink, by at most minFactor.
  const fac = p.safety * Math.pow(err, -alpha);
  return fac > p.minFactor ? Math.min(fac, 1) : p.minFactor;
}
