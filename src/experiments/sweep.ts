/**
 * Prediction sweeps: `checkPredictions` (theory/polarization-predictions.md) over many seeded
 * random problems, spread over worker threads, resumable. Pure with respect to files: the caller
 * (the CLI) persists the entries it receives through `onEntry` and passes back the ones already
 * done to resume.
 *
 * Problem i of a sweep is fully determined by (config, i): the combination index i mod
 * (losses × sizes × initScales × aScales) picks the loss, d×n and scales, and the problem seed is
 * `Rng(config.seed).fork(i)`'s first 31-bit integer. So any problem can be rebuilt and replayed
 * (`sweepProblem`), and a resumed sweep gives the same entries as an uninterrupted one.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { OptionError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { runMeta, type RunMeta } from '../core/run-meta.js';
import { checkChoice, checkNumber, resolveOptions } from '../core/validate.js';
import { LOSSES, type LossName, type ProblemSpec } from '../models/problem.js';
import { randomProblem } from '../models/random-problem.js';
import { checkPredictions, type PredictionStatus } from '../analysis/predictions.js';
import type { ShardRange } from './shard.js';
import { nowMs } from '../core/clock.js';

/** The sweep's configuration (stored in its output; a resume must match it). */
export interface SweepConfig {
  /** Number of problems. */
  count: number;
  /** Sizes d×n. */
  sizes: [number, number][];
  /** V ~ scale·N(0, 1). */
  initScales: number[];
  /** a ~ scale·N(0, 1) (0 = the paper's uniform start). */
  aScales: number[];
  losses: LossName[];
  seed: number;
  /** Final time; undefined = per-loss default of checkPredictions. */
  tEnd: number | undefined;
  /** Step budget of each integration; undefined = checkPredictions' default. */
  maxSteps: number | undefined;
}

/** Defaults: 100 problems, 2×4 and 8×8, V scales 0.1 and 1, logistic and square, seed 0. */
export const SWEEP_DEFAULTS: Readonly<SweepConfig> = Object.freeze({
  count: 100,
  sizes: [
    [2, 4],
    [8, 8],
  ] as [number, number][],
  initScales: [0.1, 1],
  aScales: [0],
  losses: ['logistic', 'square'] as LossName[],
  seed: 0,
  tEnd: undefined,
  maxSteps: undefined,
});

/** Outcome of one problem of a sweep (compact: the problem is rebuilt from its index). */
export interface SweepEntry {
  readonly index: number;
  readonly loss: LossName;
  readonly d: number;
  readonly n: number;
  readonly vScale: number;
  readonly aScale: number;
  readonly seed: number;
  /** Status per check name. */
  readonly statuses: Record<string, PredictionStatus>;
  /** |measured − predicted|/tolerance per numeric check (null where not numeric). */
  readonly margins: Record<string, number | null>;
  /** Measured values of failed checks (for the report). */
  readonly failures: Record<string, string>;
  readonly ok: boolean;
  readonly solverStatus: string;
  readonly wallTimeMs: number;
}

/** Per-check tallies. */
export interface SweepTally {
  readonly pass: number;
  readonly fail: number;
  readonly inconclusive: number;
  readonly notApplicable: number;
  /** pass / (pass + fail), null when never decided. */
  readonly held: number | null;
  /** Indices of the worst cases: failures first, then the largest margins. */
  readonly worst: number[];
}

/** The sweep result (the JSON written by `vsflow sweep`). */
export interface SweepResult {
  readonly config: SweepConfig;
  readonly meta: RunMeta;
  readonly done: number;
  readonly entries: SweepEntry[];
  readonly summary: Record<string, SweepTally>;
  /** Problems with at least one failed prediction. */
  readonly failedProblems: number;
}

/** Validates a sweep configuration (errors name the option). */
export function resolveSweepConfig(options?: Partial<SweepConfig>): SweepConfig {
  const o = resolveOptions('sweep', SWEEP_DEFAULTS, options);
  const count = checkNumber('count', o.count, { integer: true, min: 1, max: 1e7 });
  if (!Array.isArray(o.sizes) || o.sizes.length === 0) throw new OptionError('sizes', 'a non-empty list of [d, n]', o.sizes);
  const sizes = o.sizes.map((s, i) => {
    if (!Array.isArray(s) || s.length !== 2) throw new OptionError(`sizes[${i}]`, 'a pair [d, n]', s);
    return [checkNumber(`sizes[${i}].d`, s[0], { integer: true, min: 1, max: 512 }), checkNumber(`sizes[${i}].n`, s[1], { integer: true, min: 1, max: 512 })] as [number, number];
  });
  const list = (name: string, v: unknown): number[] => {
    if (!Array.isArray(v) || v.length === 0) throw new OptionError(name, 'a non-empty list of numbers ≥ 0', v);
    return v.map((x, i) => checkNumber(`${name}[${i}]`, x, { min: 0 }));
  };
  const initScales = list('initScales', o.initScales);
  const aScales = list('aScales', o.aScales);
  if (!Array.isArray(o.losses) || o.losses.length === 0) throw new OptionError('losses', `a non-empty list of ${LOSSES.join(', ')}`, o.losses);
  const losses = o.losses.map((l, i) => checkChoice(`losses[${i}]`, l, LOSSES));
  const seed = checkNumber('seed', o.seed, { integer: true });
  const tEnd = o.tEnd === undefined ? undefined : checkNumber('tEnd', o.tEnd, { gt: 0 });
  const maxSteps = o.maxSteps === undefined ? undefined : checkNumber('maxSteps', o.maxSteps, { integer: true, min: 1 });
  return { count, sizes, initScales, aScales, losses, seed, tEnd, maxSteps };
}

/** The parameters of problem `index` of a sweep. */
export function sweepParameters(config: SweepConfig, index: number): { loss: LossName; d: number; n: number; vScale: number; aScale: number; seed: number } {
  const combos = config.losses.length * config.sizes.length * config.initScales.length * config.aScales.length;
  let c = index % combos;
  const loss = config.losses[c % config.losses.length]!;
  c = Math.floor(c / config.losses.length);
  const [d, n] = config.sizes[c % config.sizes.length]!;
  c = Math.floor(c / config.sizes.length);
  const vScale = config.initScales[c % config.initScales.length]!;
  c = Math.floor(c / config.initScales.length);
  const aScale = config.aScales[c % config.aScales.length]!;
  const seed = new Rng(config.seed).fork(index).nextUint32() >>> 1;
  return { loss, d, n, vScale, aScale, seed };
}

/**
 * Problem `index` of a sweep as a problem file (replay it with `vsflow check --problem`).
 *
 * @example
 * const cfg = resolveSweepConfig({ count: 4, sizes: [[2, 3]], losses: ['logistic'] });
 * sweepProblem(cfg, 1).V.length; // 2 (d rows)
 */
export function sweepProblem(config: SweepConfig, index: number): ProblemSpec {
  const p = sweepParameters(config, index);
  return randomProblem({ loss: p.loss, d: p.d, n: p.n, seed: p.seed, vScale: p.vScale, aScale: p.aScale });
}

/**
 * Runs problem `index` (in the calling thread) and returns its entry.
 *
 * @example
 * runSweepEntry(resolveSweepConfig({ count: 1, sizes: [[2, 2]], losses: ['logistic'], tEnd: 100 }), 0).statuses['sum-a']; // 'pass'
 */
export function runSweepEntry(config: SweepConfig, index: number): SweepEntry {
  const p = sweepParameters(config, index);
  const r = checkPredictions(sweepProblem(config, index), { tEnd: config.tEnd, ...(config.maxSteps === undefined ? {} : { maxSteps: config.maxSteps }) });
  const statuses: Record<string, PredictionStatus> = {};
  const margins: Record<string, number | null> = {};
  const failures: Record<string, string> = {};
  for (const c of r.checks) {
    statuses[c.name] = c.status;
    margins[c.name] = c.margin !== undefined && Number.isFinite(c.margin) ? c.margin : null;
    if (c.status === 'fail') failures[c.name] = `predicted ${String(c.predicted)}, measured ${String(c.measured)} (${c.tolerance})${c.note === undefined ? '' : `; ${c.note}`}`;
  }
  return { index, ...p, statuses, margins, failures, ok: r.ok, solverStatus: r.solver.status, wallTimeMs: r.meta.wallTimeMs };
}

/** How many worst cases are kept per check. */
export const SWEEP_WORST = 5;

/** Tallies per check and the worst cases (failures first, then the largest margins). */
export function summarizeSweep(entries: readonly SweepEntry[]): Record<string, SweepTally> {
  const names: string[] = [];
  for (const e of entries) for (const k of Object.keys(e.statuses)) if (!names.includes(k)) names.push(k);
  const out: Record<string, SweepTally> = {};
  for (const name of names) {
    let pass = 0;
    let fail = 0;
    let inconclusive = 0;
    let notApplicable = 0;
    const ranked: { index: number; failed: boolean; margin: number }[] = [];
    for (const e of entries) {
      const s = e.statuses[name];
      if (s === undefined) continue;
      if (s === 'pass') pass++;
      else if (s === 'fail') fail++;
      else if (s === 'inconclusive') inconclusive++;
      else notApplicable++;
      if (s === 'pass' || s === 'fail') ranked.push({ index: e.index, failed: s === 'fail', margin: e.margins[name] ?? (s === 'fail' ? Infinity : -Infinity) });
    }
    ranked.sort((x, y) => Number(y.failed) - Number(x.failed) || y.margin - x.margin || x.index - y.index);
    out[name] = { pass, fail, inconclusive, notApplicable, held: pass + fail > 0 ? pass / (pass + fail) : null, worst: ranked.slice(0, SWEEP_WORST).map((r) => r.index) };
  }
  return out;
}

/** Options of runSweep (execution only; nothing here changes the results). */
export interface RunSweepOptions {
  /** Worker threads (`'auto'` = available parallelism, at least 1). 0 runs in this thread. */
  workers: number | 'auto';
  /** Entries already computed (resume): their indices are skipped. */
  done: readonly SweepEntry[];
  /** Called for each new entry, in completion order. */
  onEntry: ((entry: SweepEntry, doneCount: number) => void) | undefined;
  signal: AbortSignal | undefined;
  /** Only the problems of this block (a shard, see shard.ts); undefined = [0, count). */
  range: ShardRange | undefined;
}

/** Defaults of runSweep. */
export const RUN_SWEEP_DEFAULTS: Readonly<RunSweepOptions> = Object.freeze({ workers: 'auto', done: Object.freeze([]) as readonly SweepEntry[], onEntry: undefined, signal: undefined, range: undefined });

/**
 * Worker threads for `workers`: `'auto'` is `os.availableParallelism()`, which on Linux counts
 * the CPUs of this process's affinity mask (sched_getaffinity), so `taskset -c 0` or Slurm's
 * `--cpus-per-task` with TaskPlugin=task/affinity give as many workers as CPUs granted.
 *
 * @example
 * resolveWorkers(3); // 3
 */
export function resolveWorkers(workers: number | 'auto'): number {
  return workers === 'auto' ? Math.max(1, availableParallelism()) : checkNumber('workers', workers, { integer: true, min: 0, max: 256 });
}

/** Builds the result from entries (sorted by index). */
export function sweepResult(config: SweepConfig, entries: readonly SweepEntry[], wallTimeMs: number): SweepResult {
  const sorted = [...entries].sort((a, b) => a.index - b.index);
  return {
    config,
    meta: runMeta({ seed: config.seed, wallTimeMs }),
    done: sorted.length,
    entries: sorted,
    summary: summarizeSweep(sorted),
    failedProblems: sorted.filter((e) => !e.ok).length,
  };
}

/**
 * A worker running `sweep-worker` beside this module. From dist (.js) the file is loaded
 * directly. Under tsx (.ts sources: tests, `node --import tsx`) Node 20 does not apply the
 * `--import tsx` hooks to a worker's entry module, so the worker starts from a tiny eval'd
 * bootstrap that registers tsx's loader (tsx/esm/api) and then imports the .ts module.
 */
function startWorker(config: SweepConfig): Worker {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new Worker(new URL('./sweep-worker.js', here), { workerData: { config } });
  const target = new URL('./sweep-worker.ts', here).href;
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(boot, { eval: true, workerData: { config } });
}

/**
 * Runs the sweep: every index in [0, count) (or in `range`) not in `done`, on worker threads that
 * pull indices from a shared queue. Resolves with the result (done + new entries, sorted by
 * index). Aborting the signal stops at once: workers are terminated (a problem in flight is
 * dropped and recomputed identically on resume) and the entries finished so far are returned.
 *
 * @example
 * const r = await runSweep(resolveSweepConfig({ count: 4, sizes: [[2, 2]], tEnd: 100 }), { workers: 2 });
 * r.done; // 4
 */
export async function runSweep(config: SweepConfig, options?: Partial<RunSweepOptions>): Promise<SweepResult> {
  const started = nowMs();
  // A hand-written config is resolved (validated) here too: the workers trust it.
  config = resolveSweepConfig(config);
  const o = resolveOptions('runSweep', RUN_SWEEP_DEFAULTS, options);
  const workers = resolveWorkers(o.workers);
  const start = o.range?.start ?? 0;
  const end = o.range?.end ?? config.count;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= config.count)) throw new OptionError('range', `a block [start, end) inside [0, ${config.count})`, o.range);
  const entries = new Map<number, SweepEntry>();
  for (const e of o.done) if (e.index >= start && e.index < end) entries.set(e.index, e);
  const todo: number[] = [];
  for (let i = start; i < end; i++) if (!entries.has(i)) todo.push(i);
  const add = (e: SweepEntry): void => {
    entries.set(e.index, e);
    o.onEntry?.(e, entries.size);
  };
  if (workers === 0 || todo.length === 0) {
    for (const i of todo) {
      // Yield between problems so a signal handler (SIGINT, SIGTERM) can run and abort.
      await new Promise((r) => setImmediate(r));
      if (o.signal?.aborted) break;
      add(runSweepEntry(config, i));
    }
    return sweepResult(config, [...entries.values()], nowMs() - started);
  }
  let next = 0;
  // A hand-written pull pool (about 30 lines) rather than piscina/workerpool: each worker holds the
  // resolved config, entries come back in completion order for the resumable output, a signal
  // stops feeding, and under tsx a worker must start from the eval'd bootstrap of startWorker.
  const pool = Math.min(workers, todo.length);
  await new Promise<void>((resolve, reject) => {
    let live = pool;
    let settled = false;
    const threads: Worker[] = [];
    // Ends the pool once: every worker terminated, the abort listener removed.
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      for (const t of threads) void t.terminate();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => settle();
    if (o.signal?.aborted) {
      settle();
      return;
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (w: Worker): void => {
      if (settled) return;
      if (next >= todo.length) {
        void w.terminate();
        if (--live === 0) settle();
        return;
      }
      w.postMessage({ index: todo[next++]! });
    };
    for (let k = 0; k < pool; k++) {
      const w = startWorker(config);
      threads.push(w);
      w.on('message', (msg: { entry?: SweepEntry; error?: { name: string; message: string; stack?: string } }) => {
        if (settled) return;
        if (msg.error) {
          settle(Object.assign(new Error(msg.error.message), { name: msg.error.name, stack: msg.error.stack }));
          return;
        }
        if (msg.entry) add(msg.entry);
        feed(w);
      });
      w.on('error', (error) => settle(error));
      w.once('online', () => feed(w));
    }
  });
  return sweepResult(config, [...entries.values()], nowMs() - started);
}
