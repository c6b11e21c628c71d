/**
 * The controlled entropy experiment on worker threads (Node only; entropy.ts stays free of Node
 * built-ins so that `vsflow/core` bundles for the browser). Blocks of trials go to a pool of
 * threads (entropy-worker.ts) and are merged in block order, so the result equals
 * `runEntropyExperiment` bit for bit on any number of workers.
 */
import { Worker } from 'node:worker_threads';
import { assemble, entropyBlockCount, resolveEntropyOptions, runEntropyExperiment, type EntropyBlock, type EntropyOptions, type EntropyResult } from './entropy.js';
import { resolveWorkers } from './sweep.js';
import { nowMs } from '../core/clock.js';

/**
 * Runs the experiment's blocks on `workers` threads (`'auto'` = os.availableParallelism(); 1 or
 * 0 runs in this thread) and merges them in block order: the result equals
 * `runEntropyExperiment` bit for bit (test: entropy "workers").
 *
 * @example
 * const r = await runEntropyExperimentParallel({ trials: 40000 }, { workers: 2 });
 */
export async function runEntropyExperimentParallel(options?: Partial<EntropyOptions>, run: { workers?: number | 'auto'; signal?: AbortSignal } = {}): Promise<EntropyResult> {
  const t0 = nowMs();
  const cfg = resolveEntropyOptions(options);
  const count = entropyBlockCount(cfg);
  const workers = Math.min(resolveWorkers(run.workers ?? 'auto'), count);
  if (workers <= 1) return runEntropyExperiment(cfg, { signal: run.signal });
  const tLoop = nowMs();
  const blocks: EntropyBlock[] = new Array<EntropyBlock>(count);
  const threads = workerPool(workers);
  let next = 0;
  const listeners: [Worker, (m: WorkerAnswer) => void, (e: Error) => void][] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      let stopped = false;
      // After an abort no new block is handed out; the run ends when those in flight are back.
      const feed = (w: Worker): void => {
        if (next > 0 && run.signal?.aborted) stopped = true;
        if (!stopped && next < count) w.postMessage({ cfg, index: next++ });
      };
      for (const w of threads) {
        const onMessage = (m: WorkerAnswer): void => {
          if (m.error) return reject(Object.assign(new Error(m.error.message), { stack: m.error.stack }));
          blocks[m.index] = m.block!;
          done++;
          feed(w);
          if (done === next && (stopped || next === count)) resolve();
        };
        const onError = (e: Error): void => reject(e);
        listeners.push([w, onMessage, onError]);
        w.ref();
        w.on('message', onMessage);
        w.on('error', onError);
        feed(w);
      }
    });
  } catch (error) {
    // A failed run leaves its threads in an unknown state: drop them from the pool.
    for (const w of threads) void w.terminate();
    pool.splice(0, pool.length, ...pool.filter((w) => !threads.includes(w)));
    throw error;
  } finally {
    for (const [w, m, e] of listeners) {
      w.off('message', m);
      w.off('error', e);
      w.unref();
    }
  }
  const prefix = blocks.findIndex((x) => x === undefined);
  return assemble(cfg, prefix < 0 ? blocks : blocks.slice(0, prefix), t0, nowMs() - tLoop);
}

interface WorkerAnswer {
  index: number;
  block?: Float64Array;
  error?: { message: string; stack?: string };
}

/**
 * Worker threads kept between calls (unref'd while idle, so they never keep the process alive):
 * a thread's start-up and JIT warm-up are paid once per process, not once per run.
 */
const pool: Worker[] = [];

function workerPool(size: number): Worker[] {
  while (pool.length < size) {
    const w = startEntropyWorker();
    w.unref();
    w.once('exit', () => {
      const i = pool.indexOf(w);
      if (i >= 0) pool.splice(i, 1);
    });
    pool.push(w);
  }
  return pool.slice(0, size);
}

/** A worker running entropy-worker beside this module (under tsx: the bootstrap of sweep.ts). */
function startEntropyWorker(): Worker {
  const here = new URL(import.meta.url);
  if (!here.pathname.endsWith('.ts')) return new Worker(new URL('./entropy-worker.js', here));
  const target = new URL('./entropy-worker.ts', here).href;
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(boot, { eval: true });
}

