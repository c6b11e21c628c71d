/**
 * `simulate(problem, options)`: integrates the value-softmax gradient flow (theory: VS-4/VS-5)
 * of one problem with any solver method and returns a JSON-friendly result: the resolved config
 * (problem included, so the result reproduces itself), status and message, solver stats, events,
 * and one SimRecord (analysis/observables) per saved time. Pure computation: no files, no
 * printing. `vsflow simulate` is a thin wrapper around it.
 */
import { IntegrationError, OptionError } from '../core/errors.js';
import { runMeta, type RunMeta } from '../core/run-meta.js';
import { checkChoice, checkNumber, checkVector, resolveOptions } from '../core/validate.js';
import { resolveSaveAt, solve } from '../integrators/solve.js';
import type { EventSpec, MethodName, SaveAt, SolveStatus, SolverStats } from '../integrators/types.js';
import { attentionStats, createObserver, type AttentionStats, type SimRecord } from '../analysis/observables.js';
import { resolveProblem, type Problem, type ProblemSpec } from '../models/problem.js';
import { valueSoftmaxRhs, type FrozenBlock } from '../models/value-softmax.js';
import { gradientDescent } from '../models/gradient-descent.js';
import { withSeriesViews, type SimulateViews } from './series-view.js';

/** Methods accepted by simulate (all of `solve`). */
export const SIMULATE_METHODS: readonly MethodName[] = Object.freeze(['dopri5', 'dop853', 'cash-karp', 'rk4', 'gd'] as const);

/** Options of simulate. The flow starts at t = 0. */
export interface SimulateOptions {
  method: MethodName;
  rtol: number;
  /** Scalar, or one per state component (length d·n + K·n). */
  atol: number | readonly number[];
  /** Final time (flow time; for gd, t = lr·steps). */
  tEnd: number;
  /** Save times; `undefined` = t = 0 plus 60 log-spaced times from tEnd·1e-6 (or lr for gd) to tEnd. */
  saveAt: SaveAt | undefined;
  /** Learning rate of `gd` (the step; flow time t = lr·k). */
  lr: number;
  /** Step of `rk4` (required for rk4). */
  dt: number | undefined;
  maxSteps: number;
  /** Stop when every sample's attention entropy (nats) falls below this. */
  untilEntropy: number | undefined;
  /** Stop when every sample's max attention rises above this (tested as 1 − max < 1 − P). */
  untilMaxProb: number | undefined;
  /** Stop when the loss falls below this. */
  untilLoss: number | undefined;
  /** Custom events over the flat state (layout of valueSoftmaxRhs). */
  events: readonly EventSpec[];
  /** Blocks held fixed (`['a']`: the V-only flow of VS-11/VS-12). */
  freeze: readonly FrozenBlock[];
  onFailure: 'throw' | 'return';
  onStep: ((t: number, y: Float64Array) => void) | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Defaults: dop853 at rtol 1e-10 / atol 1e-12 to t = 1000 (accuracy first: saved states agree
 * with independent references to ~1e-8 relative at a few hundred steps), gd step 0.1 as in the
 * papers.
 */
export const SIMULATE_DEFAULTS: Readonly<SimulateOptions> = Object.freeze({
  method: 'dop853',
  rtol: 1e-10,
  atol: 1e-12,
  tEnd: 1000,
  saveAt: undefined,
  lr: 0.1,
  dt: undefined,
  maxSteps: 1e7,
  untilEntropy: undefined,
  untilMaxProb: undefined,
  untilLoss: undefined,
  events: Object.freeze([]) as readonly EventSpec[],
  freeze: Object.freeze([]) as readonly FrozenBlock[],
  onFailure: 'throw',
  onStep: undefined,
  signal: undefined,
});

/** The resolved, JSON-friendly configuration stored in every result. */
export interface SimulateConfig {
  readonly problem: ProblemSpec;
  readonly method: MethodName;
  readonly rtol: number;
  readonly atol: number | number[];
  readonly tEnd: number;
  readonly saveAt: SaveAt;
  readonly lr: number | null;
  readonly dt: number | null;
  readonly maxSteps: number;
  readonly untilEntropy: number | null;
  readonly untilMaxProb: number | null;
  readonly untilLoss: number | null;
  readonly freeze: FrozenBlock[];
  readonly events: string[];
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

const FAILURES: readonly SolveStatus[] = ['max-steps', 'step-underflow', 'non-finite'];

function isResolved(p: unknown): p is Problem {
  return typeof p === 'object' && p !== null && (p as Problem).V instanceof Float64Array && (p as Problem).spec !== undefined;
}

function optional(name: string, v: unknown, rule: Parameters<typeof checkNumber>[2]): number | undefined {
  return v === undefined ? undefined : checkNumber(name, v, rule);
}

/**
 * Integrates the flow of `problem` from t = 0 to `tEnd` and observes it at the save times.
 * Numerical failure (non-finite state, step underflow, max steps) throws IntegrationError
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
  const started = performance.now();
  const P = isResolved(problem) ? problem : resolveProblem(problem);
  const o = resolveOptions('simulate', SIMULATE_DEFAULTS, options);
  const method = checkChoice('method', o.method, SIMULATE_METHODS);
  const rtol = checkNumber('rtol', o.rtol, { gt: 0, lt: 1 });
  const flow = valueSoftmaxRhs(P, { freeze: o.freeze });
  const size = flow.layout.size;
  const atol: number | Float64Array =
    typeof o.atol === 'number' ? checkNumber('atol', o.atol, { min: 0 }) : checkVector('atol', o.atol, size);
  if (typeof atol !== 'number') atol.forEach((v, i) => checkNumber(`atol[${i}]`, v, { min: 0 }));
  const tEnd = checkNumber('tEnd', o.tEnd, { gt: 0 });
  const lr = checkNumber('lr', o.lr, { gt: 0 });
  const dt = optional('dt', o.dt, { gt: 0 });
  if (method === 'rk4' && dt === undefined) throw new OptionError('dt', 'a step > 0 for method rk4', undefined);
  const maxSteps = checkNumber('maxSteps', o.maxSteps, { integer: true, min: 1 });
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
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new OptionError('signal', 'an AbortSignal', o.signal);

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

  // Built-in stopping events (terminal): functions of the flat state, allocation-free.
  const { d, n, K } = P;
  const aOff = d * n;
  const work = new Float64Array(n);
  const st: AttentionStats = { entropy: 0, maxProb: 0, oneMinusMax: 0, argmax: 0 };
  const maxEntropy = (y: Float64Array): number => {
    let h = -Infinity;
    for (let k = 0; k < K; k++) h = Math.max(h, attentionStats(P, y, aOff + k * n, work, st).entropy);
    return h;
  };
  const maxOneMinusMax = (y: Float64Array): number => {
    let q = -Infinity;
    for (let k = 0; k < K; k++) q = Math.max(q, attentionStats(P, y, aOff + k * n, work, st).oneMinusMax);
    return q;
  };
  const lossFlow = valueSoftmaxRhs(P);
  const builtins: EventSpec[] = [];
  if (untilEntropy !== undefined) builtins.push({ name: 'until-entropy', fn: (_t, y) => maxEntropy(y) - untilEntropy, direction: -1, terminal: true });
  if (untilMaxProb !== undefined) builtins.push({ name: 'until-max-prob', fn: (_t, y) => 1 - untilMaxProb - maxOneMinusMax(y), direction: 1, terminal: true });
  if (untilLoss !== undefined) builtins.push({ name: 'until-loss', fn: (_t, y) => lossFlow.loss(y) - untilLoss, direction: -1, terminal: true });

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
    untilEntropy: untilEntropy ?? null,
    untilMaxProb: untilMaxProb ?? null,
    untilLoss: untilLoss ?? null,
    freeze: [...o.freeze],
    events: o.events.map((e: EventSpec) => e.name),
  };
  const observer = createObserver(P);
  const finish = (status: SolveStatus, message: string, stats: SolverStats, events: { name: string; t: number }[], records: SimRecord[], tLast: number, yLast: Float64Array): SimulateRun => {
    const Vrows: number[][] = [];
    for (let i = 0; i < d; i++) Vrows.push(Array.from(yLast.subarray(i * n, (i + 1) * n)));
    const aRows: number[][] = [];
    for (let k = 0; k < K; k++) aRows.push(Array.from(yLast.subarray(aOff + k * n, aOff + (k + 1) * n)));
    const result = withSeriesViews<SimulateResult>({
      config,
      meta: runMeta({ seed: P.spec.seed ?? null, wallTimeMs: performance.now() - started }),
      status,
      message,
      stats,
      events,
      records,
      state: { t: tLast, V: Vrows, a: P.batched ? aRows : aRows[0]! },
    });
    if (FAILURES.includes(status) && o.onFailure === 'throw') throw new IntegrationError(message, status, result);
    return result;
  };

  // A stopping condition that already holds at t = 0 would never be crossed: stop there.
  for (const e of builtins) {
    const g0 = e.fn(0, flow.y0);
    if ((e.direction === -1 && g0 <= 0) || (e.direction === 1 && g0 >= 0)) {
      const stats: SolverStats = { steps: 0, accepted: 0, rejected: 0, rhsEvals: 0, wallTimeMs: 0 };
      return finish('terminated', `${e.name} already holds at t = 0`, stats, [{ name: e.name, t: 0 }], [observer(0, flow.y0)], 0, flow.y0);
    }
  }

  const allEvents = [...builtins, ...o.events];
  // gd without events: the lean loop (identical numbers to solve's gd, pinned by a test).
  const sol =
    method === 'gd' && allEvents.length === 0
      ? gradientDescent(flow.rhs, flow.y0, tEnd, lr, { saveTimes, maxSteps, onStep: o.onStep, signal: o.signal })
      : solve(flow.rhs, flow.y0, 0, tEnd, {
          method,
          rtol,
          atol,
          dt: method === 'gd' ? lr : dt,
          maxSteps,
          saveAt: saveTimes.length > 0 ? Array.from(saveTimes) : undefined,
          events: allEvents,
          onFailure: 'return',
          onStep: o.onStep,
          signal: o.signal,
        });
  const records = sol.t.map((t, i) => observer(t, sol.y[i]!));
  const last = records.length > 0 ? records[records.length - 1]!.t : -Infinity;
  if (sol.status !== 'success' && sol.tEnd > last) records.push(observer(sol.tEnd, sol.yEnd));
  return finish(sol.status, sol.message, sol.stats, sol.events.map((e) => ({ name: e.name, t: e.t })), records, sol.tEnd, sol.yEnd);
}
