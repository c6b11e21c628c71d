/**
 * The integration loop shared by every method: advances a `Stepper` from t0 to t1 and handles
 * saving (every step, or interpolation at save times on the dense output, so save times never
 * constrain the step size), events (sign change of g at step ends, root located by Brent's
 * method on the dense output), budgets (maxSteps, abort signal), dense-output storage and the
 * result. Failures become a status; `solve` decides whether to throw.
 */
import { interpolateNested } from './dense-output.js';
import { brentRoot } from './root-finding.js';
import type { Stepper } from './stepper.js';
import type { EventRecord, EventSpec, MethodName, Solution, SolveStatus } from './types.js';
import { OptionError } from '../core/errors.js';
import { nowMs } from '../core/clock.js';

export interface DriverOptions {
  method: MethodName;
  t0: number;
  /** Where the run ends (t1; for gd the last whole step ≤ t1). */
  tEnd: number;
  /** Save times (increasing, inside [t0, tEnd]) or undefined = every accepted step. */
  saveTimes: Float64Array | undefined;
  events: readonly EventSpec[];
  dense: boolean;
  maxSteps: number;
  /**
   * The stall check (0: off): after every `stallSteps` accepted steps, whether the largest of
   * them has collapsed (`collapsed`: below 1e-6 of the run's largest step, with t1 over 1000
   * budgets away at that size); if so the run ends with status 'stalled' instead of spending the
   * rest of its budget. Such a run can only reach t1 if its steps grow again within the budget,
   * e.g. a chattering phase at a kink of the RHS that ends by itself within maxSteps steps; a
   * caller expecting that turns the check off.
   */
  stallSteps: number;
  onStep: ((t: number, y: Float64Array) => void) | undefined;
  signal: AbortSignal | undefined;
  /** Reads the RHS evaluation count. */
  rhsEvals: () => number;
  startMs: number;
  /**
   * With saveTimes: receives each saved state instead of the solution storing it (Solution.y is
   * then empty; Solution.t still lists the save times). `y` is one of two buffers that the driver
   * writes in turn: it stays valid until the save after next (a consumer that keeps a state
   * longer copies it). The time spent in it is not the integration's: it is left out of
   * stats.wallTimeMs (simulate's records, which the stats exclude, are computed here).
   */
  onSave?: ((t: number, y: Float64Array) => void) | undefined;
}

/** Event time tolerance: 1e-12 relative to max(|t|, |h|), so roots near t = 0 are also resolved. */
const EVENT_RTOL = 1e-12;
/** The abort signal is read every SIGNAL_STRIDE accepted steps (a property read, but keep it off the hot path). */
const SIGNAL_STRIDE = 64;

/** The default of the stall check's `stallSteps` (DriverOptions). */
export const STALL_STEPS = 20_000;

/** Where a stalled solve most likely is (the messages of budgetAdvice and the stall check). */
const STALL_CAUSE = 'most likely at a non-smooth point of the right-hand side (in simulate: a logit crossing 0 under the l1, sum or relu normalisation) or in a very stiff region';

/**
 * Whether steps of at most `h` have collapsed (below 1e-6 of the run's largest, hMax) with t1
 * over 1000 budgets away at that size: the solve has stalled (an adaptive method chattering at a
 * non-smooth point of the RHS, or a very stiff region), and more steps would not help. (A run
 * whose steps are still growing from a small first step is not: its largest step is the last.)
 */
function collapsed(h: number, hMax: number, left: number, maxSteps: number): boolean {
  return h > 0 && h < 1e-6 * hMax && left / h > 1000 * maxSteps;
}

/** What to do about an exhausted step budget: usually more steps or looser tolerances; nothing, when the last step had collapsed (`collapsed`). */
function budgetAdvice(h: number, hMax: number, left: number, maxSteps: number): string {
  if (!collapsed(h, hMax, left, maxSteps)) return 'raise maxSteps or loosen rtol/atol';
  return `the last step was ${h.toExponential(1)} with ${left.toPrecision(3)} left (about ${(left / h).toExponential(0)} more steps at that size, over 1000 budgets): the solve has stalled, ${STALL_CAUSE}; raising maxSteps will not reach t1`;
}

/** Runs the loop; returns the solution (never throws for numerical failure). */
export function drive(stepper: Stepper, o: DriverOptions): Solution {
  const n = stepper.n;
  const { t0, tEnd, saveTimes, events, onStep, signal } = o;
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  const fired: EventRecord[] = [];
  const w = stepper.denseWidth;
  const denseT: number[] = [];
  const denseH: number[] = [];
  const denseC: Float64Array[] = [];
  const scratch = new Float64Array(n);
  let saveIdx = 0;
  // Current step's interval and lazily computed dense coefficients (one closure for the run).
  let tOld = t0;
  let h = 0;
  let hMax = 0;
  let coeffs: Float64Array | undefined;
  // Read through `live`, cleared at the end: closures made here share one context, so the
  // returned `interpolate` would otherwise keep the stepper (and its kernel memory) alive.
  let live: Stepper | undefined = stepper;
  // Cleared with `live` (it holds the stepper too).
  let denseAt = stepper.denseAt;
  const interp = (tt: number, out: Float64Array): Float64Array => {
    if (denseAt !== undefined) return denseAt((tt - tOld) / h, out);
    coeffs ??= live!.dense();
    interpolateNested(coeffs, 0, w, n, (tt - tOld) / h, out);
    return out;
  };
  // onSave: two buffers in turn instead of a stored copy per save; its time off the clock.
  const onSave = saveTimes === undefined ? undefined : o.onSave;
  const saveBufs = onSave === undefined ? undefined : [new Float64Array(n), new Float64Array(n)];
  let saveBuf = 0;
  let saveMs = 0;
  /** Saves the state at save time s: a copy of `y` (a state reached there), else the dense output at s. */
  const save = (s: number, y: Float64Array | undefined): void => {
    ts.push(s);
    if (saveBufs === undefined) {
      ys.push(y !== undefined ? Float64Array.from(y) : interp(s, new Float64Array(n)));
      return;
    }
    const b = saveBufs[(saveBuf ^= 1)]!;
    if (y !== undefined) b.set(y);
    else interp(s, b);
    const t1 = nowMs();
    onSave!(s, b);
    saveMs += nowMs() - t1;
  };

  let t = t0;
  // Save t0 if asked.
  if (saveTimes === undefined) {
    ts.push(t0);
    ys.push(Float64Array.from(stepper.y));
  } else {
    while (saveIdx < saveTimes.length && saveTimes[saveIdx]! <= t0) save(saveTimes[saveIdx++]!, stepper.y);
  }
  const nEv = events.length;
  const gPrev = new Float64Array(nEv);
  // An event function returning NaN would never cross zero: silently never fire. Refuse it.
  const eventValue = (e: number, t: number, y: Float64Array): number => {
    const g = events[e]!.fn(t, y);
    if (typeof g !== 'number' || Number.isNaN(g)) throw new OptionError(`events[${e}] (${events[e]!.name})`, 'an event function returning numbers (not NaN)', g, `at t = ${t}`);
    return g;
  };
  for (let e = 0; e < nEv; e++) gPrev[e] = eventValue(e, t0, stepper.y);
  const gNew = new Float64Array(nEv);

  let status: SolveStatus = 'success';
  let message = '';
  let accepted = 0;
  let yEnd: Float64Array | undefined;
  // The stall check's window: steps left in it (Infinity: no check) and its largest step.
  let winLeft = o.stallSteps > 0 ? o.stallSteps : Infinity;
  let winMax = 0;
  let stalled = false;

  while (t < tEnd) {
    if (stalled) {
      status = 'stalled';
      message = `the solve stalled at t = ${t} before t1 = ${tEnd}: each of the last ${o.stallSteps} accepted steps was below 1e-6 of the run's largest (${hMax.toExponential(2)}), the largest of them ${winMax.toExponential(1)}, at which t1 is over 1000 step budgets (maxSteps = ${o.maxSteps}) away; stopped, ${STALL_CAUSE} (stallSteps or --stall-steps 0 turns this check off)`;
      break;
    }
    if (accepted >= o.maxSteps || accepted + stepper.rejected >= o.maxSteps) {
      status = 'max-steps';
      message = `step budget maxSteps = ${o.maxSteps} exhausted at t = ${t} before t1 = ${tEnd}; ${budgetAdvice(h, hMax, tEnd - t, o.maxSteps)}`;
      break;
    }
    if (signal !== undefined && accepted % SIGNAL_STRIDE === 0 && signal.aborted) {
      status = 'interrupted';
      message = `interrupted by the abort signal at t = ${t}`;
      break;
    }
    const tNew = stepper.step(t, tEnd);
    if (Number.isNaN(tNew)) {
      status = stepper.failure ?? 'step-underflow';
      message =
        status === 'non-finite'
          ? `non-finite state or derivative after t = ${t}: the solution blows up or the RHS returned NaN/Infinity`
          : `step size fell below ${(1e-14 * Math.abs(t)).toExponential(2)} at t = ${t} (step-size underflow): the problem may be stiff or singular here`;
      break;
    }
    accepted++;
    tOld = t;
    h = tNew - t;
    if (h > hMax) hMax = h;
    if (h > winMax) winMax = h;
    if (--winLeft === 0) {
      stalled = collapsed(winMax, hMax, tEnd - tNew, o.maxSteps);
      winLeft = o.stallSteps;
      if (!stalled) winMax = 0;
    }
    coeffs = undefined;
    t = tNew;
    const y = stepper.y;

    // Events: earliest terminal root ends the run; non-terminal roots before it are recorded.
    let tStop = Infinity;
    let stopName = '';
    let pending: { name: string; t: number; terminal: boolean }[] | undefined;
    for (let e = 0; e < nEv; e++) {
      const ev = events[e]!;
      const g1 = eventValue(e, tNew, y);
      gNew[e] = g1;
      const g0 = gPrev[e]!;
      const dir = ev.direction ?? 0;
      const up = g0 < 0 && g1 >= 0;
      const down = g0 > 0 && g1 <= 0;
      if (!((up && dir >= 0) || (down && dir <= 0))) continue;
      const xtol = EVENT_RTOL * Math.max(Math.abs(tNew), Math.abs(h));
      const tr = g1 === 0 ? tNew : brentRoot((tt) => ev.fn(tt, interp(tt, scratch)), tOld, tNew, g0, g1, xtol);
      (pending ??= []).push({ name: ev.name, t: tr, terminal: ev.terminal ?? true });
    }
    if (pending !== undefined) {
      pending.sort((a, b) => a.t - b.t);
      for (const p of pending) {
        if (p.t > tStop) break;
        fired.push({ name: p.name, t: p.t, y: p.t === tNew ? Float64Array.from(y) : interp(p.t, new Float64Array(n)) });
        if (p.terminal) {
          tStop = p.t;
          stopName = p.name;
        }
      }
    }
    const tLimit = tStop < Infinity ? tStop : tNew;

    // Saves inside (tOld, tLimit].
    if (saveTimes === undefined) {
      if (tStop === Infinity) {
        ts.push(tNew);
        ys.push(Float64Array.from(y));
      }
    } else {
      while (saveIdx < saveTimes.length && saveTimes[saveIdx]! <= tLimit) {
        const s = saveTimes[saveIdx++]!;
        save(s, s === tNew ? y : undefined);
      }
    }
    if (o.dense) {
      coeffs ??= stepper.dense();
      denseT.push(tOld);
      denseH.push(h);
      denseC.push(Float64Array.from(coeffs));
    }
    if (tStop < Infinity) {
      const last = fired[fired.length - 1]!;
      yEnd = last.y.slice();
      t = tStop;
      if (saveTimes === undefined) {
        ts.push(tStop);
        ys.push(last.y.slice());
      }
      status = 'terminated';
      message = `terminal event '${stopName}' at t = ${tStop}`;
      break;
    }
    if (nEv > 0) gPrev.set(gNew);
    if (onStep !== undefined) onStep(tNew, y);
  }
  if (status === 'success') message = `reached t1 = ${tEnd}`;
  yEnd ??= Float64Array.from(stepper.y);
  const tFinal = t;
  const stats = Object.freeze({ steps: accepted + stepper.rejected, accepted, rejected: stepper.rejected, rhsEvals: o.rhsEvals(), wallTimeMs: nowMs() - o.startMs - saveMs });
  live = undefined;
  denseAt = undefined;

  let interpolate: ((t: number) => Float64Array) | undefined;
  if (o.dense) {
    interpolate = (tq: number): Float64Array => {
      if (!(tq >= t0 && tq <= tFinal)) throw new OptionError('t', `a time inside [${t0}, ${tFinal}] (the dense output's range)`, tq);
      if (denseT.length === 0) return yEnd!.slice();
      // Binary search for the last step starting at or before tq.
      let lo = 0;
      let hi = denseT.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (denseT[mid]! <= tq) lo = mid;
        else hi = mid - 1;
      }
      const out = new Float64Array(n);
      interpolateNested(denseC[lo]!, 0, w, n, (tq - denseT[lo]!) / denseH[lo]!, out);
      return out;
    };
  }
  return Object.freeze({
    method: o.method,
    status,
    message,
    t: ts,
    y: ys,
    events: fired,
    tEnd: tFinal,
    yEnd,
    stats,
    interpolate,
  });
}
