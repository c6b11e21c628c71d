/**
 * `solve(rhs, y0, t0, t1, options)`: the one entry point of the integrators. Validates every
 * option (field-named `OptionError`s), never mutates y0, dispatches to a method and returns a
 * `Solution`; numerical failure throws `IntegrationError` (status, partial solution) unless
 * `onFailure: 'return'`.
 */
import { IntegrationError, OptionError } from '../core/errors.js';
import { checkBoolean, checkChoice, checkNumber, checkVector, resolveOptions, RTOL_RULE } from '../core/validate.js';
import { CashKarpStepper } from './cash-karp-adapter.js';
import { dop853Stepper } from './dop853.js';
import { dopri5Stepper, type AdaptiveSetup } from './dormand-prince.js';
import { drive } from './driver.js';
import { eulerStepper, rk4Stepper } from './fixed-step.js';
import type { RkStepper } from './rk-stepper.js';
import { resolveSaveAt } from './save-at.js';

export { resolveSaveAt };
import { countingRhs, type Stepper } from './stepper.js';
import type { EventSpec, MethodName, Rhs, Solution, SolveOptions, SolveStatus } from './types.js';
import { nowMs } from '../core/clock.js';
import { STALL_STEPS } from './driver.js';

/** The statuses that are failures: `solve` throws on them unless `onFailure: 'return'` (so does `simulate`). */
export const FAILURE_STATUSES: readonly SolveStatus[] = Object.freeze(['max-steps', 'stalled', 'step-underflow', 'non-finite'] as SolveStatus[]);

/** The method names `solve` accepts (`checkChoice` list). Example: `METHOD_NAMES.includes('dop853')` is true. */
export const METHOD_NAMES: readonly MethodName[] = Object.freeze(['dopri5', 'dop853', 'cash-karp', 'rk4', 'gd'] as MethodName[]);

/**
 * Defaults of `solve`: dopri5 at rtol 1e-6, atol 1e-9, automatic first step, no step cap,
 * save every accepted step, 1e7 steps, no events, no dense output, throw on failure.
 */
export const SOLVE_DEFAULTS: Readonly<SolveOptions> = Object.freeze({
  method: 'dopri5',
  rtol: 1e-6,
  atol: 1e-9,
  dt0: undefined,
  dt: undefined,
  dtMax: undefined,
  maxSteps: 1e7,
  stallSteps: STALL_STEPS,
  saveAt: undefined,
  events: Object.freeze([]) as readonly EventSpec[],
  dense: false,
  onFailure: 'throw',
  onStep: undefined,
  signal: undefined,
  errorNorm: undefined,
} satisfies SolveOptions);

function checkOptionalPositive(name: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkNumber(name, value, { gt: 0 });
}

function checkAtol(value: unknown, n: number): Float64Array {
  if (typeof value === 'number') return new Float64Array(n).fill(checkNumber('atol', value, { min: 0 }));
  if (!Array.isArray(value) && !(value instanceof Float64Array)) {
    throw new OptionError('atol', `a number >= 0 or an array of ${n} numbers >= 0`, value);
  }
  const v = checkVector('atol', value, n);
  for (let i = 0; i < n; i++) if (!(v[i]! >= 0)) throw new OptionError(`atol[${i}]`, 'a finite number >= 0', v[i]);
  return v;
}

function checkEvents(value: unknown): readonly EventSpec[] {
  if (!Array.isArray(value)) throw new OptionError('events', 'an array of {name, fn, direction?, terminal?}', value);
  value.forEach((ev: unknown, i) => {
    if (typeof ev !== 'object' || ev === null) throw new OptionError(`events[${i}]`, 'an object {name, fn, direction?, terminal?}', ev);
    const e = ev as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name.length === 0) throw new OptionError(`events[${i}].name`, 'a non-empty string', e.name);
    if (typeof e.fn !== 'function') throw new OptionError(`events[${i}].fn`, 'a function (t, y) => number', e.fn);
    if (e.direction !== undefined && e.direction !== -1 && e.direction !== 0 && e.direction !== 1) {
      throw new OptionError(`events[${i}].direction`, '-1, 0 or 1', e.direction);
    }
    if (e.terminal !== undefined) checkBoolean(`events[${i}].terminal`, e.terminal);
  });
  return value as readonly EventSpec[];
}

/**
 * Integrates dy/dt = f(t, y) from t0 to t1 (t1 > t0).
 *
 * Methods: `dopri5` (Dormand–Prince 5(4), default), `dop853` (Hairer's 8(5,3)), `cash-karp`
 * (package `ode45-cash-karp` behind an adapter), `rk4` (classic, fixed `dt`), `gd` (explicit
 * Euler with step `dt` = learning rate, theory VS-4; t_k = t0 + k·dt, stops at the last whole step ≤ t1,
 * save times are rounded to the nearest step k). Adaptive methods control the RMS error
 * sqrt(1/N Σ (e_i/(atol_i + rtol·max(|y_i|, |y_new,i|)))²) < 1 per step.
 *
 * Saving: default every accepted step (t0 included); `saveAt` times are filled by dense-output
 * interpolation and do not constrain the steps. Events: g(t, y) checked at step ends; a sign
 * change (respecting `direction`) is located on the dense output by Brent's method to
 * 1e-12·max(|t|, |h|); a terminal event ends the run (status 'terminated') at the root.
 * `rhs` and event functions receive solver buffers: they must not keep or modify them.
 * Failure ('max-steps', 'stalled', 'step-underflow', 'non-finite') throws `IntegrationError` carrying the
 * partial solution unless `onFailure: 'return'`; an aborted `signal` is not a failure: the run
 * returns with status 'interrupted' and everything computed so far.
 *
 * Shapes: y0 of length N ≥ 1; `Solution.y[i]` are copies of length N.
 * Example: `solve((t, y, dy) => { dy[0] = -y[0]; }, [1], 0, 1).yEnd[0]` ≈ 0.36787944 (e^{−1})
 * to about 1e-7.
 */
export function solve(rhs: Rhs, y0: ArrayLike<number>, t0: number, t1: number, options?: Partial<SolveOptions>): Solution {
  const startMs = nowMs();
  if (typeof rhs !== 'function') throw new OptionError('rhs', 'a function (t, y, dydt) => void', rhs);
  const y = checkVector('y0', Array.isArray(y0) || y0 instanceof Float64Array ? y0 : Array.from(y0 ?? []));
  if (y.length === 0) throw new OptionError('y0', 'a non-empty array of finite numbers', y0);
  checkNumber('t0', t0);
  checkNumber('t1', t1, { gt: t0 });
  const o = resolveOptions('options', SOLVE_DEFAULTS, options);
  const method = checkChoice('method', o.method, METHOD_NAMES);
  const rtol = checkNumber('rtol', o.rtol, RTOL_RULE);
  const atol = checkAtol(o.atol, y.length);
  const dt0 = checkOptionalPositive('dt0', o.dt0);
  const dtMax = checkOptionalPositive('dtMax', o.dtMax) ?? Infinity;
  const fixed = method === 'rk4' || method === 'gd';
  let dt = checkOptionalPositive('dt', o.dt);
  if (fixed && dt === undefined) throw new OptionError('dt', `a finite number > 0 (the step of '${method}'${method === 'gd' ? ', i.e. the learning rate' : ''})`, o.dt);
  const maxSteps = checkNumber('maxSteps', o.maxSteps, { integer: true, min: 1 });
  const stallSteps = checkNumber('stallSteps', o.stallSteps, { integer: true, min: 0 });
  const events = checkEvents(o.events);
  const dense = checkBoolean('dense', o.dense);
  const onFailure = checkChoice('onFailure', o.onFailure, ['throw', 'return'] as const);
  if (o.onStep !== undefined && typeof o.onStep !== 'function') throw new OptionError('onStep', 'a function (t, y) => void or undefined', o.onStep);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new OptionError('signal', 'an AbortSignal or undefined', o.signal);
  const errorNorm = o.errorNorm;
  if (errorNorm !== undefined) {
    if (typeof errorNorm !== 'object' || errorNorm === null || typeof errorNorm.sums !== 'function' || !(Number.isInteger(errorNorm.size) && errorNorm.size >= 1)) {
      throw new OptionError('errorNorm', 'an object {size: integer ≥ 1, sums(y, yNew, e1, e2, out)}', errorNorm);
    }
    if (method === 'cash-karp') throw new OptionError('errorNorm', 'no errorNorm for method cash-karp (its norm is inside ode45-cash-karp); use dopri5 or dop853', 'an errorNorm');
  }
  let saveTimes = o.saveAt === undefined ? undefined : resolveSaveAt(o.saveAt, t0, t1);

  let tEnd = t1;
  if (method === 'gd') {
    dt = dt!;
    // Last whole step ≤ t1 (a 1e-9 slack absorbs round-off in (t1 − t0)/dt).
    const steps = Math.floor((t1 - t0) / dt + 1e-9);
    tEnd = t0 + steps * dt;
    if (saveTimes !== undefined) {
      const ks: number[] = [];
      for (const s of saveTimes) {
        const k = Math.min(steps, Math.max(0, Math.round((s - t0) / dt)));
        if (ks.length === 0 || ks[ks.length - 1]! < k) ks.push(k);
      }
      saveTimes = Float64Array.from(ks, (k) => t0 + k * dt!);
    }
  }

  const setup: AdaptiveSetup = { rtol, atol, dt0, dtMax, norm: errorNorm };
  // The engine's steppers count their RHS evaluations; cash-karp's goes through a counting wrapper.
  const counter = { n: 0 };
  let rk: RkStepper | undefined;
  switch (method) {
    case 'dopri5':
      rk = dopri5Stepper(rhs, t0, y, t1, setup);
      break;
    case 'dop853':
      rk = dop853Stepper(rhs, t0, y, t1, setup);
      break;
    case 'cash-karp':
      break;
    case 'rk4':
      rk = rk4Stepper(rhs, t0, y, dt!);
      break;
    case 'gd':
      rk = eulerStepper(rhs, t0, y, dt!);
      break;
  }
  const stepper: Stepper = rk ?? new CashKarpStepper(countingRhs(rhs, counter), t0, y, t1, setup);
  const solution = drive(stepper, {
    method,
    t0,
    tEnd,
    saveTimes,
    events,
    dense,
    maxSteps,
    stallSteps,
    onStep: o.onStep,
    signal: o.signal,
    rhsEvals: rk === undefined ? () => counter.n : () => rk.rhsEvals,
    startMs,
  });
  // The results are copies: the evaluator's pooled kernel instance can go back (a run that threw
  // drops it instead).
  rk?.release();
  if (FAILURE_STATUSES.includes(solution.status) && onFailure === 'throw') throw new IntegrationError(`${method}: ${solution.message}`, solution.status, solution);
  return solution;
}
