/**
 * `simulate(problem, options)`: integrates the value-softmax gradient flow (theory: VS-4/VS-5)
 * of one problem with any solver method and returns a JSON-friendly result: the resolved config
 * (problem included, so the result reproduces itself), status and message, solver stats, events,
 * and one SimRecord (analysis/observables) per saved time. Pure computation: no files, no
 * printing. `vsflow simulate` is a thin wrapper around it.
 */
import { IntegrationError, OptionError } from '../core/errors.js';
import { runMeta, type RunMeta } from '../core/run-meta.js';
import { checkChoice, checkNumber, checkVector, resolveOptions, RTOL_RULE } from '../core/validate.js';
import { FAILURE_STATUSES, resolveSaveAt, solve } from '../integrators/solve.js';
import type { EventSpec, MethodName, SaveAt, Solution, SolveStatus, SolverStats } from '../integrators/types.js';
import { attentionStats, createObserver, createReducedObserver, type AttentionStats, type SimRecord } from '../analysis/observables.js';
import { checkObservableStart, recordProblem } from '../analysis/record-check.js';
import { isResolvedProblem, resolveProblem, type Problem, type ProblemSpec } from '../models/problem-resolve.js';
import { isLogisticOne, packState, valueSoftmaxRhs, type FrozenBlock, type ValueSoftmaxFlow } from '../models/value-softmax.js';
import { gradientDescent } from '../models/gradient-descent.js';
import { reducedApplies, reducedFlow, type ReducedFlow } from '../models/reduced-flow.js';
import { DOPRI5_CONTROL, dopri5Stepper } from '../integrators/dormand-prince.js';
import { DOP853_CONTROL, dop853Stepper } from '../integrators/dop853.js';
import type { AdaptiveSetup } from '../integrators/rk-stepper.js';
import { initialStep } from '../integrators/step-control.js';
import { logisticInitialStep } from '../integrators/logistic-initial-step.js';
import { lowRankStepper } from '../integrators/low-rank-stages.js';
import { drive } from '../integrators/driver.js';
import type { Stepper } from '../integrators/stepper.js';
import { toRows } from '../core/row-arrays.js';
import { sameEntries } from '../wasm/linear-algebra.js';

/**
 * `auto` picks the low-rank-stage path from this many V entries on (d·n) for every normalisation
 * but softmax (see lowRankMinSize): below it the full path is as fast or faster warm, and for
 * relu with K = 1 still faster in a fresh process at 8×32 (bench/auto-threshold.ts).
 */
export const LOW_RANK_MIN_SIZE = 256;

/**
 * d·n from which `auto` takes the low-rank path with softmax attention, per loss. Measured with
 * bench/auto-threshold.ts after the kernel pool (dop853 and dopri5, rtol 1e-8, atol 1e-10, t = 1000,
 * K = 1 and 3, randomProblem seed 1; warm CPU, interleaved; 2-core machine, 2026-12-01):
 * - square, regression (a whole step attempt in one WebAssembly call): low-rank/full time
 *   0.43–0.93 at d·n = 16, 0.51–0.78 at 32, 0.42–0.58 at 64; a fresh `vsflow simulate` 1.5–4.3×
 *   faster at 16; at d·n ≤ 8 full is as fast or faster in places (up to 1.2 at 8, 1.0–2.1 at 2–4);
 * - cross-entropy: 0.74–0.80 at 64, 0.90–1.19 at 16–32.
 * Same step sequences (up to round-off in the accept tests) and errors either way.
 */
export const LOW_RANK_MIN_SIZE_SOFTMAX: Readonly<Record<'square' | 'regression' | 'cross-entropy', number>> = Object.freeze({ square: 16, regression: 16, 'cross-entropy': 64 });

/**
 * The d·n from which `auto` takes the low-rank path for problem P (LOW_RANK_MIN_SIZE_SOFTMAX for
 * softmax with those losses, else LOW_RANK_MIN_SIZE).
 * Example: `lowRankMinSize(resolveProblem(randomProblem({ loss: 'square', d: 2, n: 8, seed: 1 })))` is 16.
 */
export function lowRankMinSize(P: Problem): number {
  if (P.normalization === 'softmax' && P.loss !== 'logistic') return LOW_RANK_MIN_SIZE_SOFTMAX[P.loss];
  return LOW_RANK_MIN_SIZE;
}

export { FORMULATIONS, SIMULATE_DEFAULTS, SIMULATE_METHODS, type Formulation, type SimulateMethod, type SimulateOptions } from './simulate-options.js';
import { FORMULATIONS, SIMULATE_DEFAULTS, SIMULATE_METHODS, type Formulation, type SimulateMethod, type SimulateOptions } from './simulate-options.js';
import { StiffSwitchStepper, type ExplicitPhase } from '../integrators/stiff-switch.js';
import { gaussNewtonApplies, gaussNewtonW } from '../models/gauss-newton.js';
import { withSeriesViews, type SimulateViews } from './series-view.js';
import { nowMs } from '../core/clock.js';

/** The resolved, JSON-friendly configuration stored in every result. */
export interface SimulateConfig {
  readonly problem: ProblemSpec;
  readonly method: SimulateMethod;
  readonly rtol: number;
  readonly atol: number | number[];
  readonly tEnd: number;
  readonly saveAt: SaveAt;
  readonly lr: number | null;
  readonly dt: number | null;
  readonly maxSteps: number;
  /** The stall check's window (0: off; see SimulateOptions.stallSteps). */
  readonly stallSteps: number;
  readonly untilEntropy: number | null;
  readonly untilMaxProb: number | null;
  readonly untilLoss: number | null;
  readonly freeze: FrozenBlock[];
  readonly events: string[];
  /** The formulation used (`auto` resolved). */
  readonly formulation: Exclude<Formulation, 'auto'>;
}

/** The result of simulate (and the JSON of `vsflow simulate`). */
export interface SimulateResult {
  readonly config: SimulateConfig;
  readonly meta: RunMeta;
  readonly status: SolveStatus;
  readonly message: string;
  readonly stats: SolverStats;
  readonly events: { name: string; t: number }[];
  readonly records: SimRecord[];
  /** The last good state reached (t, V rows, logits). */
  readonly state: { t: number; V: number[][]; a: number[] | number[][] };
}

/** What `simulate` returns: the result plus `columns()` and `series(name)` (not in its JSON). */
export type SimulateRun = SimulateResult & SimulateViews;

function optional(name: string, v: unknown, rule: Parameters<typeof checkNumber>[2]): number | undefined {
  return v === undefined ? undefined : checkNumber(name, v, rule);
}

/**
 * Integrates the flow of `problem` from t = 0 to `tEnd` and observes it at the save times.
 * Numerical failure (non-finite state, step underflow, max steps, a stalled solve) throws IntegrationError
 * (its `partial` is the result up to the last good state) unless `onFailure: 'return'`.
 *
 * @example
 * const r = simulate({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }, { tEnd: 10, saveAt: [0, 10] });
 * r.status;         // 'success'
 * r.records[1].loss // < r.records[0].loss = 0.125 (the loss decreases along the flow)
 * r.columns().loss;  // Float64Array [0.125, …]: the column view (see simulationColumns)
 * r.series('a').shape; // [2, 1, 2]: ndarray view [T, K, n] (see resultSeries)
 */
export function simulate(problem: ProblemSpec | Problem, options?: Partial<SimulateOptions>): SimulateRun {
  const started = nowMs();
  const P = isResolvedProblem(problem) ? problem : resolveProblem(problem);
  const o = resolveOptions('simulate', SIMULATE_DEFAULTS, options);
  const method = checkChoice('method', o.method, SIMULATE_METHODS);
  const rtol = checkNumber('rtol', o.rtol, RTOL_RULE);
  if (!Array.isArray(o.freeze)) throw new OptionError('freeze', "a list of blocks among 'V', 'a'", o.freeze);
  // The entries as valueSoftmaxRhs checks them (it is built below only where the solve needs it).
  o.freeze.forEach((b: unknown, i: number) => {
    if (b !== 'V' && b !== 'a') throw new OptionError(`freeze[${i}]`, "'V' or 'a'", b);
  });
  const { d, n, K } = P;
  const size = d * n + K * n;
  const atol: number | Float64Array =
    typeof o.atol === 'number' ? checkNumber('atol', o.atol, { min: 0 }) : checkVector('atol', o.atol, size);
  if (typeof atol !== 'number') atol.forEach((v, i) => checkNumber(`atol[${i}]`, v, { min: 0 }));
  const tEnd = checkNumber('tEnd', o.tEnd, { gt: 0 });
  // gd takes tEnd/lr steps: lr > tEnd would take none and report t = 0 as `success`.
  const lr = checkNumber('lr', o.lr, method === 'gd' ? { gt: 0, max: tEnd } : { gt: 0 });
  const dt = optional('dt', o.dt, { gt: 0, max: tEnd });
  if (method === 'rk4' && dt === undefined) throw new OptionError('dt', 'a step > 0 for method rk4', undefined);
  const maxSteps = checkNumber('maxSteps', o.maxSteps, { integer: true, min: 1 });
  const stallSteps = checkNumber('stallSteps', o.stallSteps, { integer: true, min: 0 });
  const untilEntropy = optional('untilEntropy', o.untilEntropy, { min: 0 });
  const untilMaxProb = optional('untilMaxProb', o.untilMaxProb, { gt: 0, lt: 1 });
  const untilLoss = optional('untilLoss', o.untilLoss, {});
  if (!Array.isArray(o.events)) throw new OptionError('events', 'an array of {name, fn, direction?, terminal?}', o.events);
  o.events.forEach((e: EventSpec, i: number) => {
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || typeof e.fn !== 'function') {
      throw new OptionError(`events[${i}]`, 'an event {name: string, fn: (t, y) => number}', e);
    }
  });
  checkChoice('onFailure', o.onFailure, ['throw', 'return'] as const);
  if (o.onStep !== undefined && typeof o.onStep !== 'function') throw new OptionError('onStep', 'a function (t, y) => void', o.onStep);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new OptionError('onProgress', 'a function (t) => void', o.onProgress);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new OptionError('signal', 'an AbortSignal', o.signal);

  const asked = checkChoice('formulation', o.formulation, FORMULATIONS);
  const canReduce = reducedApplies(P);
  if (asked === 'reduced' && !canReduce) {
    throw new OptionError('formulation', "'full' or 'auto' for this problem ('reduced' needs a scalar-output loss h(βᵀf): logistic with β ≠ 0)", asked);
  }
  if (asked === 'reduced' && method === 'cash-karp') {
    throw new OptionError('formulation', "'full' or 'auto' with method cash-karp (its error norm cannot be taken over the full state); or use dopri5/dop853", asked);
  }
  if (method === 'dop853-stiff' && !gaussNewtonApplies(P, o.freeze.length)) {
    throw new OptionError('method', "dopri5, dop853, cash-karp, rk4 or gd for this problem ('dop853-stiff' needs the square loss, the softmax normalisation and nothing frozen)", method);
  }
  const canLowRank = (method === 'dopri5' || method === 'dop853' || method === 'dop853-stiff') && o.freeze.length === 0;
  if (asked === 'low-rank' && !canLowRank) {
    throw new OptionError('formulation', "'full' or 'auto' here ('low-rank' needs method dopri5 or dop853 and nothing frozen)", asked);
  }
  const formulation: Exclude<Formulation, 'auto'> =
    asked !== 'auto'
      ? asked
      : canReduce && method !== 'cash-karp'
        ? 'reduced'
        : canLowRank && P.d * P.n >= lowRankMinSize(P)
          ? 'low-rank'
          : 'full';

  let saveAt: SaveAt;
  if (o.saveAt === undefined) {
    const from = Math.max(tEnd * 1e-6, method === 'gd' ? lr : 0);
    const count = 60;
    const grid: number[] = [0];
    for (let i = 0; i < count; i++) grid.push(from * Math.pow(tEnd / from, i / (count - 1)));
    grid[grid.length - 1] = tEnd;
    saveAt = from < tEnd ? grid : [0, tEnd];
  } else {
    saveAt = o.saveAt;
  }
  const saveTimes = resolveSaveAt(saveAt, 0, tEnd);
  // The full-state flow only where the solve integrates or evaluates it (the reduced path with
  // the one-sample logistic first step needs neither its RHS nor its buffers), and one loss
  // evaluator shared by the observer and the until-loss event (valueSoftmaxRhs(P).loss is a pure
  // function of the state). The reduced path needs neither: its start check, records and
  // stopping events read (u, a) (createReducedObserver, R.loss).
  const flow = formulation === 'reduced' ? undefined : valueSoftmaxRhs(P, { freeze: o.freeze });
  const y0 = flow === undefined ? packState(P) : flow.y0;
  const R = formulation === 'reduced' ? reducedFlow(P, o.freeze) : undefined;
  const lossFlow = R === undefined ? valueSoftmaxRhs(P) : undefined;

  // Built-in stopping events (terminal): functions of the flat state, allocation-free.
  const aOff = d * n;
  const work = new Float64Array(n);
  const st: AttentionStats = { entropy: 0, maxProb: 0, oneMinusMax: 0, argmax: 0 };
  // The logits sit at `off` (the full state's aOff; n in the reduced state, after u) and `loss`
  // reads the same state: the reduced path evaluates its stopping events on (u, a) directly
  // instead of lifting V at every step (the logits' events give the same bits either way).
  const stoppingEvents = (off: number, loss: (y: Float64Array) => number): EventSpec[] => {
    const maxEntropy = (y: Float64Array): number => {
      let h = -Infinity;
      for (let k = 0; k < K; k++) h = Math.max(h, attentionStats(P, y, off + k * n, work, st).entropy);
      return h;
    };
    const maxOneMinusMax = (y: Float64Array): number => {
      let q = -Infinity;
      for (let k = 0; k < K; k++) q = Math.max(q, attentionStats(P, y, off + k * n, work, st).oneMinusMax);
      return q;
    };
    const out: EventSpec[] = [];
    if (untilEntropy !== undefined) out.push({ name: 'until-entropy', fn: (_t, y) => maxEntropy(y) - untilEntropy, direction: -1, terminal: true });
    if (untilMaxProb !== undefined) out.push({ name: 'until-max-prob', fn: (_t, y) => 1 - untilMaxProb - maxOneMinusMax(y), direction: 1, terminal: true });
    if (untilLoss !== undefined) out.push({ name: 'until-loss', fn: (_t, y) => loss(y) - untilLoss, direction: -1, terminal: true });
    return out;
  };
  const builtins = R === undefined ? stoppingEvents(aOff, lossFlow!.loss) : stoppingEvents(n, R.loss);

  const config: SimulateConfig = {
    problem: P.spec,
    method,
    rtol,
    atol: typeof atol === 'number' ? atol : Array.from(atol),
    tEnd,
    saveAt,
    lr: method === 'gd' ? lr : null,
    dt: dt ?? null,
    maxSteps,
    stallSteps,
    untilEntropy: untilEntropy ?? null,
    untilMaxProb: untilMaxProb ?? null,
    untilLoss: untilLoss ?? null,
    freeze: [...o.freeze],
    events: o.events.map((e: EventSpec) => e.name),
    formulation,
  };
  // The observer of the start and of the saved states: of full states, or of reduced ones.
  const observer = R === undefined ? createObserver(P, lossFlow) : createReducedObserver(P, R);
  const start = R === undefined ? y0 : R.y0;
  const finish = (status: SolveStatus, message: string, stats: SolverStats, events: { name: string; t: number }[], records: SimRecord[], tLast: number, yLast: Float64Array): SimulateRun => {
    const Vrows = toRows(yLast, d, n);
    const aRows = toRows(yLast, K, n, aOff);
    const result = withSeriesViews<SimulateResult>({
      config,
      meta: runMeta({ seed: P.spec.seed ?? null, wallTimeMs: nowMs() - started }),
      status,
      message,
      stats,
      events,
      records,
      state: { t: tLast, V: Vrows, a: P.batched ? aRows : aRows[0]! },
    });
    if (FAILURE_STATUSES.includes(status) && o.onFailure === 'throw') throw new IntegrationError(message, status, result);
    return result;
  };

  // A start that cannot be observed (‖V‖_F or Σa overflowing, ...) is bad input, not a run.
  let startRecord: SimRecord | undefined;
  checkObservableStart(P, start, (t, y) => (startRecord = observer(t, y)));
  // A stopping condition that already holds at t = 0 would never be crossed: stop there.
  for (const e of builtins) {
    const g0 = e.fn(0, start);
    if ((e.direction === -1 && g0 <= 0) || (e.direction === 1 && g0 >= 0)) {
      const stats: SolverStats = { steps: 0, accepted: 0, rejected: 0, rhsEvals: 0, wallTimeMs: 0 };
      return finish('terminated', `${e.name} already holds at t = 0`, stats, [{ name: e.name, t: 0 }], [startRecord!], 0, y0);
    }
  }

  const allEvents = [...builtins, ...o.events];
  // The low-rank path's records are made as its states are saved (drive's onSave) when the copies
  // of the saved states would take STREAM_RECORDS_MIN_BYTES or more (the CLI's 61 saves of a
  // 96×384 problem were 18 MB of copies, fresh pages in a new process): the same records in the
  // same order as from stored states; the first that is not a valid observation ends the
  // recording (the later ones would be discarded).
  // The record of a saved state (`first`: the first one). The record at t = 0 of the start state
  // is the one checked above (observer is a pure function of (t, y)): reused when the saved state
  // has the same bits (a lifted start may differ in the sign of a zero).
  const recordOf = (first: boolean, t: number, y: Float64Array): SimRecord => (first && startRecord !== undefined && Object.is(t, 0) && sameEntries(y, y0) ? startRecord : observer(t, y));
  const streamed = formulation === 'low-rank' && saveTimes.length > 0 && saveTimes.length * y0.length * 8 >= STREAM_RECORDS_MIN_BYTES ? recordStream(recordOf, y0, n) : undefined;
  const run: ReducedRun = { method, rtol, tEnd, lr, dt, maxSteps, stallSteps, freeze: o.freeze, onStep: o.onStep, onProgress: o.onProgress, signal: o.signal };
  // The solver's callback on the full state (full, low-rank): onStep and onProgress together.
  const onStepFull = withProgress(o.onStep, o.onProgress);
  const solved: Solved =
    formulation === 'reduced'
      ? solveReduced(P, R!, observer, y0, builtins, o.events, saveTimes, atol, run)
      : fullSolved(
          method === 'dop853-stiff'
            ? solveStiff(P, flow!, formulation === 'low-rank', allEvents, saveTimes, atol, run, streamed?.onSave)
            : formulation === 'low-rank'
              ? solveLowRank(P, flow!, allEvents, saveTimes, atol, run, streamed?.onSave)
              : solveFull(flow!),
        );
  const { sol, fullState } = solved;
  const recordAt = solved.observe ?? ((t: number, i: number): SimRecord => observer(t, fullState(i)));
  function solveFull(flow: ValueSoftmaxFlow): Solution {
    // gd without events: the lean loop (identical numbers to solve's gd, pinned by a test).
    return method === 'gd' && allEvents.length === 0
      ? gradientDescent(flow.rhs, flow.y0, tEnd, lr, { saveTimes, maxSteps, onStep: onStepFull, signal: o.signal })
      : solve(flow.rhs, flow.y0, 0, tEnd, {
          method: method as MethodName,
          rtol,
          atol,
          dt: method === 'gd' ? lr : dt,
          maxSteps,
          stallSteps,
          saveAt: saveTimes.length > 0 ? Array.from(saveTimes) : undefined,
          events: allEvents,
          onFailure: 'return',
          onStep: onStepFull,
          signal: o.signal,
        });
  }
  const records = streamed !== undefined ? streamed.records : sol.t.map((t, i) => (solved.observe !== undefined ? solved.observe(t, i) : recordOf(i === 0, t, fullState(i))));
  const last = records.length > 0 ? records[records.length - 1]!.t : -Infinity;
  const events = sol.events.map((e) => ({ name: e.name, t: e.t }));
  // A record that is not a valid observation (NaN, ±Infinity, a probability outside [0, 1])
  // ends the run there: the result keeps the last valid record and state, never a `success`.
  const invalid = (t: number, why: string, kept: SimRecord[], prevT: number, prevY: Float64Array): SimulateRun =>
    finish('non-finite', `invalid observation at t = ${t}: ${why}${P.normalization === 'sum' ? ' (normalization sum: a weight left [0, 1])' : ''}; records end at the last valid time`, sol.stats, events, kept, prevT, prevY);
  if (streamed?.bad !== undefined) return invalid(streamed.bad.t, streamed.bad.why, records, streamed.bad.prevT, streamed.bad.prevY);
  if (streamed === undefined) {
    for (let i = 0; i < records.length; i++) {
      const why = recordProblem(records[i]!, n);
      if (why === undefined) continue;
      const prev = i > 0 ? { t: sol.t[i - 1]!, y: fullState(i - 1) } : { t: 0, y: y0 };
      return invalid(records[i]!.t, why, records.slice(0, i), prev.t, prev.y);
    }
  }
  if (sol.status !== 'success' && sol.tEnd > last) {
    const end = recordAt(sol.tEnd, -1);
    if (recordProblem(end, n) === undefined) records.push(end);
  }
  return finish(sol.status, sol.message, sol.stats, events, records, sol.tEnd, fullState(-1));
}

/**
 * A solve's solution and its states as full states [V, a]: `fullState(i)` is saved state i
 * (i = −1: the end state). For the reduced path `sol` holds the reduced states (events: name and
 * t only are read) and `fullState` lifts into one buffer, valid until the next call.
 */
interface Solved {
  readonly sol: Solution;
  readonly fullState: (i: number) => Float64Array;
  /** The record of saved state i (−1: the end state) when the path has its own observer (reduced). */
  readonly observe?: (t: number, i: number) => SimRecord;
}

/**
 * From this many bytes of saved-state copies the low-rank path makes its records as the states
 * are saved (see simulate). Measured (2026-12-02, 2-core EPYC under noise of ±10–20 %, dop853
 * rtol 1e-8, the CLI's 61 saves, previous build → streamed, same bits): warm (31 interleaved
 * rounds) square 96×384 `simulate` 80.6 → 76.3 ms (stats.wallTimeMs 68.0 → 62.3), 40×200
 * 22.2 → 20.8 (17.2 both), 32×256 K = 3 unchanged; in fresh processes (7–9 alternating)
 * meta.wallTimeMs of 96×384 144–150 → 113–132 ms and of 40×200 55–60 → 49–57, stats.wallTimeMs
 * within the noise. Streaming every size made small one-shots slower (cross-entropy 8×32 K = 2
 * stats 7.0 → 10.3 ms, Fig 3 7.4 → 8.2: the records' code running cold between the steps), so
 * below 1 MiB the states are stored as before.
 */
const STREAM_RECORDS_MIN_BYTES = 1 << 20;

/** Records made as the states are saved (see simulate): `bad` is the first invalid one, with the state before it. */
interface RecordStream {
  readonly records: SimRecord[];
  bad: { t: number; why: string; prevT: number; prevY: Float64Array } | undefined;
  readonly onSave: (t: number, y: Float64Array) => void;
}

/**
 * The records (`recordOf`, as simulate makes them from stored states) of the states handed over
 * by drive's onSave (each valid until the save after next); nothing is recorded after the first
 * invalid record (its time, reason and the state before it, copied, are kept in `bad`).
 */
function recordStream(recordOf: (first: boolean, t: number, y: Float64Array) => SimRecord, y0: Float64Array, n: number): RecordStream {
  const records: SimRecord[] = [];
  let lastT = 0;
  let lastY: Float64Array | undefined;
  const stream: RecordStream = {
    records,
    bad: undefined,
    onSave: (t, y) => {
      if (stream.bad !== undefined) return;
      const rec = recordOf(records.length === 0, t, y);
      const why = recordProblem(rec, n);
      if (why !== undefined) {
        stream.bad = { t: rec.t, why, prevT: lastY === undefined ? 0 : lastT, prevY: lastY === undefined ? y0 : Float64Array.from(lastY) };
        return;
      }
      records.push(rec);
      lastT = t;
      lastY = y;
    },
  };
  return stream;
}

/** A full-state solution as Solved. */
function fullSolved(sol: Solution): Solved {
  return { sol, fullState: (i) => (i < 0 ? sol.yEnd : sol.y[i]!) };
}

interface ReducedRun {
  method: SimulateMethod;
  rtol: number;
  tEnd: number;
  lr: number;
  dt: number | undefined;
  maxSteps: number;
  stallSteps: number;
  freeze: readonly FrozenBlock[];
  onStep: ((t: number, y: Float64Array) => void) | undefined;
  onProgress: ((t: number) => void) | undefined;
  signal: AbortSignal | undefined;
}

/** One step callback for onStep (given the state) and onProgress (given t), or undefined. */
function withProgress(onStep: ((t: number, y: Float64Array) => void) | undefined, onProgress: ((t: number) => void) | undefined): ((t: number, y: Float64Array) => void) | undefined {
  if (onProgress === undefined) return onStep;
  if (onStep === undefined) return (t) => onProgress(t);
  return (t, y) => {
    onProgress(t);
    onStep(t, y);
  };
}

/**
 * The run of `simulate` on the reduced (u, a) state (VS-6): saved states and the end state are
 * lifted to [V, a] on demand (Solved); the stopping events (`stopping`) read (u, a), the user's event functions and onStep see lifted states. The adaptive methods take the full path's first step (Hairer's heuristic on the
 * full RHS, whose two evaluations are counted as the full path counts them) and its error norm.
 */
function solveReduced(P: Problem, R: ReducedFlow, observer: (t: number, r: Float64Array) => SimRecord, y0: Float64Array, stopping: readonly EventSpec[], events: readonly EventSpec[], saveTimes: Float64Array, atol: number | Float64Array, o: ReducedRun): Solved {
  const size = y0.length;
  let scratchBuf: Float64Array | undefined;
  // Allocated on first use (events, onStep, the lifts after the solve), not per call.
  const scratch = (): Float64Array => (scratchBuf ??= new Float64Array(size));
  // The stopping events read the reduced state; the user's see the lifted full state.
  const evs: EventSpec[] = [...stopping, ...events.map((e) => ({ ...e, fn: (t: number, r: Float64Array) => e.fn(t, R.lift(r, scratch())) }))];
  const onStep = withProgress(o.onStep === undefined ? undefined : (t: number, r: Float64Array): void => o.onStep!(t, R.lift(r, scratch())), o.onProgress);
  let sol: Solution;
  let extraEvals = 0;
  if (o.method === 'gd' && evs.length === 0) {
    sol = gradientDescent(R.rhs, R.y0, o.tEnd, o.lr, { saveTimes, maxSteps: o.maxSteps, onStep, signal: o.signal, block: R.gdBlock });
  } else {
    const atolFull = typeof atol === 'number' ? uniformAtol(size, atol) : atol;
    if (o.method === 'dopri5' || o.method === 'dop853') {
      // The engine directly, as solveLowRank does: simulate has checked every option that solve()
      // would check again (in a fresh process that second pass was ≈ 0.6 ms of cold code). The
      // wall time starts before the initial-step heuristic, as the other formulations' do.
      const startMs = nowMs();
      const method = o.method;
      const dt0 = fullInitialStep(P, o.freeze, y0, () => valueSoftmaxRhs(P, { freeze: o.freeze }), atolFull, method, o.rtol, o.tEnd);
      extraEvals = 1;
      // The reduced state's own atol is unused (the error norm is the full state's; dt0 is given).
      const setup: AdaptiveSetup = { rtol: o.rtol, atol: new Float64Array(R.y0.length), dt0, dtMax: Infinity, norm: R.errorNorm(atolFull, o.rtol, typeof atol === 'number') };
      const rk = (method === 'dop853' ? dop853Stepper : dopri5Stepper)(R.rhs, 0, R.y0, o.tEnd, setup);
      sol = drive(rk, {
        method,
        t0: 0,
        tEnd: o.tEnd,
        saveTimes: saveTimes.length > 0 ? saveTimes : undefined,
        events: evs,
        dense: false,
        maxSteps: o.maxSteps,
        stallSteps: o.stallSteps,
        onStep,
        signal: o.signal,
        rhsEvals: () => rk.rhsEvals,
        startMs,
      });
      rk.release();
    } else {
      sol = solve(R.rhs, R.y0, 0, o.tEnd, {
        // The reduced path is for scalar-output losses: never dop853-stiff (square only).
        method: o.method as MethodName,
        rtol: o.rtol,
        atol: 0,
        dt: o.method === 'gd' ? o.lr : o.dt,
        maxSteps: o.maxSteps,
        stallSteps: o.stallSteps,
        saveAt: saveTimes.length > 0 ? Array.from(saveTimes) : undefined,
        events: evs,
        onFailure: 'return',
        onStep,
        signal: o.signal,
      });
    }
  }
  // The solution holds copies: the flow's pooled kernel instances can go back (a run that threw
  // drops them instead).
  R.release();
  // The lifts (O(d·n) each) go into one buffer, read by simulate before the next: `held` is the
  // reduced state it holds (the end state is usually the last saved state).
  let held: Float64Array | undefined;
  const fullState = (i: number): Float64Array => {
    const last = sol.y.length - 1;
    const r = i < 0 ? (last >= 0 && sameEntries(sol.y[last]!, sol.yEnd) ? sol.y[last]! : sol.yEnd) : sol.y[i]!;
    if (held !== r) {
      R.lift(r, scratch());
      held = r;
    }
    return scratchBuf!;
  };
  const reduced = Object.freeze({ ...sol, stats: Object.freeze({ ...sol.stats, rhsEvals: sol.stats.rhsEvals + extraEvals }), interpolate: undefined });
  // Records from the reduced states themselves (O(Kn) each), not from their lifts (two O(dn)
  // sweeps and the lift each: ≈ 2/3 of a logistic 48×300 simulate with the CLI's 61 save times).
  return { sol: reduced, fullState, observe: (t, i) => observer(t, i < 0 ? sol.yEnd : sol.y[i]!) };
}


/** The last scalar atol spread over a state (read only, by the reduced path's first step and norm). */
let uniformAtolBuf: Float64Array | undefined;

/**
 * `new Float64Array(size).fill(atol)`, reusing the last one made for the same size and value (its
 * readers never write it): at 64×512 a fresh one is a 272 KB allocation and fill per call.
 */
function uniformAtol(size: number, atol: number): Float64Array {
  const b = uniformAtolBuf;
  if (b !== undefined && b.length === size && Object.is(b[0], atol)) return b;
  return (uniformAtolBuf = new Float64Array(size).fill(atol));
}

/** Hairer's first step on the full RHS (what the full-state steppers compute). */
function fullInitialStep(P: Problem, freeze: readonly FrozenBlock[], y0: Float64Array, flowOf: () => ValueSoftmaxFlow, atolFull: Float64Array, method: 'dopri5' | 'dop853', rtol: number, tEnd: number): number {
  const order = (method === 'dopri5' ? DOPRI5_CONTROL : DOP853_CONTROL).errorOrder;
  // The one-sample logistic flow: the same h without forming three full-state vectors (nor the flow).
  if (isLogisticOne(P, freeze)) return logisticInitialStep(P, y0, tEnd, Infinity, order, rtol, atolFull);
  const flow = flowOf();
  const size = y0.length;
  const f0 = new Float64Array(size);
  flow.rhs(0, y0, f0);
  return initialStep(flow.rhs, 0, y0, f0, tEnd, Infinity, order, rtol, atolFull, new Float64Array(size), new Float64Array(size));
}

/**
 * The run of `simulate` with method dop853-stiff (integrators/stiff-switch.ts): dop853 on the
 * low-rank stages (`lowRank`) or the full state, handing over to the Rosenbrock-W method with the
 * Gauss–Newton W (models/gauss-newton.ts) where dop853's steps are held at its stability
 * boundary. The first step and error norm are the full path's; RHS evaluations are both
 * methods' (the W operations, about one RHS evaluation's passes over V each, are not counted).
 */
function solveStiff(P: Problem, flow: ValueSoftmaxFlow, lowRank: boolean, events: readonly EventSpec[], saveTimes: Float64Array, atol: number | Float64Array, o: ReducedRun, onSave?: (t: number, y: Float64Array) => void): Solution {
  const startMs = nowMs();
  const size = flow.layout.size;
  const atolFull = typeof atol === 'number' ? new Float64Array(size).fill(atol) : atol;
  const dt0 = fullInitialStep(P, o.freeze, flow.y0, () => flow, atolFull, 'dop853', o.rtol, o.tEnd);
  const explicit = (t: number, y: Float64Array, h0: number): ExplicitPhase => {
    if (lowRank) {
      const { stepper, stages } = lowRankStepper(P, t, y, { method: 'dop853', rtol: o.rtol, atol: atolFull, dt0: h0, dtMax: Infinity });
      return { stepper, rhsEvals: () => stages.rhsEvals, release: () => stepper.release() };
    }
    const stepper = dop853Stepper(flow.rhs, t, Float64Array.from(y), o.tEnd, { rtol: o.rtol, atol: atolFull, dt0: h0, dtMax: Infinity });
    return { stepper, rhsEvals: () => stepper.rhsEvals, release: () => stepper.release() };
  };
  const W = gaussNewtonW(P);
  const stepper = new StiffSwitchStepper(explicit(0, flow.y0, dt0), explicit, flow.rhs, W, o.rtol, atolFull);
  const sol = driveFullState(stepper, 'dop853', o, events, saveTimes, () => stepper.rhsEvals + 1, startMs, onSave);
  // The solution holds copies: the kernel instances can go back (a run that threw drops them).
  stepper.release();
  W.release();
  return sol;
}

/**
 * The run of `simulate` with low-rank stages (integrators/low-rank-stages.ts): the full state and
 * the full path's first step and error norm; RHS evaluations counted as the full path counts them.
 */
function solveLowRank(P: Problem, flow: ValueSoftmaxFlow, events: readonly EventSpec[], saveTimes: Float64Array, atol: number | Float64Array, o: ReducedRun, onSave?: (t: number, y: Float64Array) => void): Solution {
  const startMs = nowMs();
  const size = flow.layout.size;
  const method = o.method as 'dopri5' | 'dop853';
  const atolFull = typeof atol === 'number' ? new Float64Array(size).fill(atol) : atol;
  const dt0 = fullInitialStep(P, o.freeze, flow.y0, () => flow, atolFull, method, o.rtol, o.tEnd);
  const { stepper, stages } = lowRankStepper(P, 0, flow.y0, { method, rtol: o.rtol, atol: atolFull, dt0, dtMax: Infinity });
  return driveFullState(stepper, method, o, events, saveTimes, () => stages.rhsEvals + 1, startMs, onSave);
}

/**
 * `drive` for the full-state steppers simulate builds itself (low-rank stages, dop853-stiff):
 * from t = 0 to o.tEnd, no dense output kept, the run's budgets, callbacks and signal; `rhsEvals`
 * counts as the full path counts (the first step's extra evaluation included by the caller).
 */
function driveFullState(stepper: Stepper, method: 'dopri5' | 'dop853', o: ReducedRun, events: readonly EventSpec[], saveTimes: Float64Array, rhsEvals: () => number, startMs: number, onSave: ((t: number, y: Float64Array) => void) | undefined): Solution {
  return drive(stepper, {
    method,
    t0: 0,
    tEnd: o.tEnd,
    saveTimes: saveTimes.length > 0 ? saveTimes : undefined,
    events,
    dense: false,
    maxSteps: o.maxSteps,
    stallSteps: o.stallSteps,
    onStep: withProgress(o.onStep, o.onProgress),
    signal: o.signal,
    rhsEvals,
    startMs,
    onSave,
  });
}
