/**
 * Worker thread of `vsflow check`, `entropy` and `bounds` (see interruptible.ts): runs the
 * synchronous experiment off the main thread so Ctrl-C reaches the CLI, which sets the shared
 * flag; the experiment's signal reads that flag (a busy worker cannot receive a message that
 * would call `abort()`), so the run stops at its next check and returns what it computed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../core/errors.js';
import { checkPredictions } from '../analysis/predictions.js';
import { runEntropyExperimentParallel } from '../experiments/entropy-parallel.js';
import { runBoundsExperiment } from '../experiments/bounds.js';

interface Job {
  name: 'check' | 'entropy' | 'bounds';
  args: unknown[];
  flag: Int32Array;
}

const job = workerData as Job;
const controller = new AbortController();
Object.defineProperty(controller.signal, 'aborted', { get: () => Atomics.load(job.flag, 0) !== 0 });
const signal = controller.signal;
/** Runs the job and posts its result (a function: this file may load as CommonJS, without top-level await). */
async function run(): Promise<void> {
  try {
    const [a, b] = job.args as [never, never];
    const result =
      job.name === 'check'
        ? checkPredictions(a, { ...(b as object), signal })
        : job.name === 'entropy'
          ? await runEntropyExperimentParallel(a, { workers: (b as 'auto' | number | undefined) ?? 'auto', signal })
          : runBoundsExperiment(a, { signal });
    parentPort!.postMessage({ ok: true, result });
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ ok: false, user: isUserError(error), name: e.name, message: e.message, stack: e.stack });
  }
}
void run();
