/**
 * A lean gradient-descent loop for long GD runs (the papers' 1e6–1e7-step toys, theory A.1:
 * "gradient descent with step η is the explicit Euler discretisation, t = η·k"). It produces
 * exactly the same numbers as `solve(rhs, y0, 0, t1, {method: 'gd', dt: lr, ...})` (same step
 * times t_k = k·lr, same update y_{k+1} = y_k + h_k·f(y_k) with h_k = t_{k+1} − t_k, same save-time
 * rounding, statuses and messages) without the general driver's per-step bookkeeping (events,
 * dense output), which dominates the cost of small problems. `simulate` uses it for `gd` runs
 * without events; a test pins the equality with `solve`.
 */
import type { Rhs, Solution, SolveStatus } from '../integrators/types.js';
import { OptionError } from '../core/errors.js';
import { checkNumber } from '../core/validate.js';
import { nowMs } from '../core/clock.js';

/** Options of gradientDescent (all resolved by the caller). */
export interface GradientDescentOptions {
  /** Save times (increasing, inside [0, t1]); rounded to the nearest step like solve's gd. */
  saveTimes: Float64Array;
  maxSteps: number;
  onStep: ((t: number, y: Float64Array) => void) | undefined;
  signal: AbortSignal | undefined;
  /**
   * Optional fused kernel running whole blocks of steps with the RHS inlined (e.g. the reduced
   * logistic flow's `gdBlock`); it must perform exactly the operations of this loop with `rhs`,
   * so that the numbers stay bitwise those of solve's gd (tested). Used when onStep is absent.
   */
  block?: GdBlock | undefined;
}

/**
 * Runs GD steps k = k0 .. k1−1 in place: for each, t = k·lr, t_new = (k+1)·lr (tEnd when within
 * 1e-9·lr of it), h = t_new − t, y ← y + h·f (into `work`, then swapped back), f ← rhs(t_new, y).
 * Returns the number of the first step whose new state is non-finite (y and f left at the last
 * good state), or k1. `y` and `f` must hold the state and its derivative on entry and on return.
 */
export type GdBlock = (y: Float64Array, f: Float64Array, work: Float64Array, k0: number, k1: number, lr: number, tEnd: number) => number;

/** The abort signal is read every 64 steps (as in the solver's driver). */
const SIGNAL_STRIDE = 64;

/**
 * Runs GD y_{k+1} = y_k + lr·f(y_k) from t = 0 to the last whole step ≤ t1; returns a Solution
 * (never throws for numerical failure: status 'non-finite' / 'max-steps' / 'interrupted').
 *
 * @example
 * // f(y) = −y, lr 0.5: y_k = 0.5^k
 * const s = gradientDescent((_t, y, dy) => { dy[0] = -y[0]; }, new Float64Array([1]), 2, 0.5,
 *   { saveTimes: new Float64Array([0, 2]), maxSteps: 100, onStep: undefined, signal: undefined });
 * s.y[1][0]; // 0.0625
 */
export function gradientDescent(rhs: Rhs, y0: ArrayLike<number>, t1: number, lr: number, options?: Partial<GradientDescentOptions>): Solution {
  const startMs = nowMs();
  // Validated here: a NaN lr would take no step and report `success`; no options meant a TypeError.
  if (typeof rhs !== 'function') throw new OptionError('rhs', 'a function (t, y, dy) => void', rhs);
  checkNumber('t1', t1, { gt: 0 });
  checkNumber('lr', lr, { gt: 0, max: t1 });
  if (y0 === null || typeof y0 !== 'object' || typeof (y0 as ArrayLike<number>).length !== 'number') throw new OptionError('y0', 'an array of finite numbers', y0);
  const o: GradientDescentOptions = { saveTimes: new Float64Array(0), maxSteps: Infinity, onStep: undefined, signal: undefined, ...(options ?? {}) };
  const n = y0.length;
  const t0 = 0;
  const steps = Math.floor((t1 - t0) / lr + 1e-9);
  const tEnd = t0 + steps * lr;
  const ks: number[] = [];
  for (const s of o.saveTimes) {
    const k = Math.min(steps, Math.max(0, Math.round((s - t0) / lr)));
    if (ks.length === 0 || ks[ks.length - 1]! < k) ks.push(k);
  }
  const saveTimes = Float64Array.from(ks, (k) => t0 + k * lr);
  let y = Float64Array.from(y0);
  let yNew = new Float64Array(n);
  const f = new Float64Array(n);
  let rhsEvals = 1;
  rhs(t0, y, f);
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  let saveIdx = 0;
  while (saveIdx < saveTimes.length && saveTimes[saveIdx]! <= t0) {
    ts.push(saveTimes[saveIdx]!);
    ys.push(Float64Array.from(y));
    saveIdx++;
  }
  let status: SolveStatus = 'success';
  let message = '';
  let t = t0;
  let k = 0;
  const { maxSteps, onStep, signal } = o;
  const nextSave = (): number => (saveIdx < saveTimes.length ? saveTimes[saveIdx]! : Infinity);
  let tSave = nextSave();
  const block = onStep === undefined ? o.block : undefined;
  // Step number of each save time (save times are whole steps after the rounding above).
  const saveK = Int32Array.from(ks);
  while (t < tEnd) {
    if (k >= maxSteps) {
      status = 'max-steps';
      message = `step budget maxSteps = ${maxSteps} exhausted at t = ${t} before t1 = ${tEnd}; raise maxSteps or loosen rtol/atol`;
      break;
    }
    if (signal !== undefined && k % SIGNAL_STRIDE === 0 && signal.aborted) {
      status = 'interrupted';
      message = `interrupted by the abort signal at t = ${t}`;
      break;
    }
    if (block !== undefined) {
      // A block ends at the next save step, signal check, step budget or the last step.
      let k1 = Math.min(steps, maxSteps, signal === undefined ? steps : (Math.floor(k / SIGNAL_STRIDE) + 1) * SIGNAL_STRIDE);
      if (saveIdx < saveK.length && saveK[saveIdx]! > k) k1 = Math.min(k1, saveK[saveIdx]!);
      const done = block(y, f, yNew, k, k1, lr, tEnd);
      rhsEvals += done - k;
      if (done > k) {
        k = done;
        t = t0 + k * lr;
        if (t >= tEnd - 1e-9 * lr) t = tEnd;
      }
      if (done < k1) {
        status = 'non-finite';
        message = `non-finite state or derivative after t = ${t}: the solution blows up or the RHS returned NaN/Infinity`;
        break;
      }
      while (tSave <= t) {
        ts.push(tSave);
        ys.push(Float64Array.from(y));
        saveIdx++;
        tSave = nextSave();
      }
      continue;
    }
    let tNew = t0 + (k + 1) * lr;
    if (tNew >= tEnd - 1e-9 * lr) tNew = tEnd;
    const h = tNew - t;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = y[i]! + h * f[i]!;
      yNew[i] = v;
      s += v;
    }
    if (!Number.isFinite(s)) {
      status = 'non-finite';
      message = `non-finite state or derivative after t = ${t}: the solution blows up or the RHS returned NaN/Infinity`;
      break;
    }
    rhs(tNew, yNew, f);
    rhsEvals++;
    const tmp = y;
    y = yNew;
    yNew = tmp;
    k++;
    t = tNew;
    while (tSave <= tNew) {
      ts.push(tSave);
      ys.push(Float64Array.from(y));
      saveIdx++;
      tSave = nextSave();
    }
    if (onStep !== undefined) onStep(tNew, y);
  }
  if (status === 'success') message = `reached t1 = ${tEnd}`;
  return Object.freeze({
    method: 'gd' as const,
    status,
    message,
    t: ts,
    y: ys,
    events: [],
    tEnd: t,
    yEnd: Float64Array.from(y),
    stats: Object.freeze({ steps: k, accepted: k, rejected: 0, rhsEvals, wallTimeMs: nowMs() - startMs }),
    interpolate: undefined,
  });
}
