/**
 * Worker thread of `vsflow simulate`: runs the (synchronous) integration off the main thread,
 * so the main thread stays free to draw progress and to receive Ctrl-C. Shared memory:
 * `flag[0] ≠ 0` asks for a stop (the worker aborts the solver's signal at the next step);
 * `progress[0]` is the time reached. The kernels compile in the background while the modules
 * load (start-kernels.ts, imported first); the solve starts once they are ready.
 */
import { kernelsPrepared } from './start-kernels.js';
import { parentPort, workerData } from 'node:worker_threads';
import { simulate, type SimulateOptions } from '../experiments/simulate.js';
import type { ProblemSpec } from '../models/problem.js';
import { isUserError } from '../core/errors.js';
import { withProblemSchema } from '../models/problem-file-check.js';

interface Job {
  problem: ProblemSpec;
  options: Partial<SimulateOptions>;
  flag: Int32Array;
  progress: Float64Array;
}

const job = workerData as Job;
const controller = new AbortController();
const { flag, progress } = job;
void kernelsPrepared.then(run);

async function run(): Promise<void> {
  try {
    // The CLI thread has validated the problem and sends resolveProblem's spec, which the quick
    // check passes (models/problem-file-check.ts; tested): withProblemSchema loads zod only if not.
    const result = await withProblemSchema(() => simulate(job.problem, {
      ...job.options,
      onFailure: 'return',
      signal: controller.signal,
      onProgress: (t) => {
        progress[0] = t;
        if (Atomics.load(flag, 0) !== 0 && !controller.signal.aborted) controller.abort();
      },
    }));
    parentPort!.postMessage({ ok: true, result });
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ ok: false, user: isUserError(error), name: e.name, message: e.message, stack: e.stack });
  }
}
