/**
 * One `vsflow simulate` job, as its worker runs it: waits for the kernels (start-kernels.ts,
 * imported first), runs `simulate` with the stop flag and progress cell the CLI thread shares,
 * and returns the reply the CLI thread expects. The worker (simulate-worker.ts) posts it; the
 * code-cached worker (simulate-worker-loader.ts) runs this module from its bundle and posts it.
 */
import { kernelsPrepared } from './start-kernels.js';
import { simulate, type SimulateOptions, type SimulateResult } from '../experiments/simulate.js';
import type { ProblemSpec } from '../models/problem.js';
import { isUserError } from '../core/errors.js';
import { withProblemSchema } from '../models/problem-file-check.js';
import { randomProblem, type RandomProblemOptions } from '../models/random-problem.js';

/** What the CLI thread sends: `flag[0] ≠ 0` asks for a stop; `progress[0]` is the time reached. */
export interface SimulateJob {
  problem: ProblemSpec;
  options: Partial<SimulateOptions>;
  flag: Int32Array;
  progress: Float64Array;
}

/** The worker's one message back. */
export type SimulateReply =
  | { ok: true; result: SimulateResult }
  | { ok: false; user: boolean; name: string; message: string; stack?: string | undefined };

/** Runs `job` to its reply (never rejects). */
export async function runSimulateJob(job: SimulateJob): Promise<SimulateReply> {
  await kernelsPrepared;
  const controller = new AbortController();
  const { flag, progress } = job;
  try {
    // The CLI thread has validated the problem and sends resolveProblem's spec, which the quick
    // check passes (models/problem-file-check.ts; tested): withProblemSchema loads zod only if not.
    const result = await withProblemSchema(() =>
      simulate(job.problem, {
        ...job.options,
        onFailure: 'return',
        signal: controller.signal,
        onProgress: (t) => {
          progress[0] = t;
          if (Atomics.load(flag, 0) !== 0 && !controller.signal.aborted) controller.abort();
        },
      }),
    );
    return { ok: true, result };
  } catch (error) {
    const e = error as Error;
    return { ok: false, user: isUserError(error), name: e.name, message: e.message, stack: e.stack };
  }
}

/**
 * The solves the build runs to make the simulate worker's code cache (simulate-worker-loader.ts):
 * short runs through each path a `vsflow simulate` can take (reduced, low-rank and full-state
 * formulations; each loss and a non-softmax normalisation; dop853, dopri5, rk4 and gd; log-spaced
 * saves and a stopping event), so the cache holds the bytecode of the functions they call.
 * What is not in the cache is compiled as usual; the numbers never depend on the cache.
 */
export function codeCacheWarmupJobs(): SimulateJob[] {
  const job = (problem: Partial<RandomProblemOptions>, options: Partial<SimulateOptions>): SimulateJob => ({
    problem: randomProblem({ seed: 1, vScale: 0.1, aScale: problem.loss === 'logistic' ? 0 : 0.5, ...problem }),
    options: { saveAt: { log: [1e-3, options.tEnd ?? 10, 61] }, ...options },
    flag: new Int32Array(1),
    progress: new Float64Array(1),
  });
  return [
    job({ loss: 'logistic', d: 8, n: 8 }, { tEnd: 1000 }),
    job({ loss: 'square', d: 16, n: 64 }, { tEnd: 100 }),
    job({ loss: 'regression', d: 20, n: 20 }, { tEnd: 30, rtol: 1e-8, atol: 1e-10 }),
    job({ loss: 'square', d: 2, n: 4 }, { tEnd: 100, method: 'dopri5' }),
    job({ loss: 'cross-entropy', d: 8, n: 16, samples: 2 }, { tEnd: 10 }),
    job({ loss: 'square', d: 4, n: 8, normalization: 'l1' }, { tEnd: 10 }),
    job({ loss: 'square', d: 4, n: 8 }, { tEnd: 10, untilEntropy: 0.5 }),
    job({ loss: 'logistic', d: 4, n: 8 }, { tEnd: 10, method: 'rk4', dt: 0.1 }),
    job({ loss: 'logistic', d: 8, n: 8 }, { tEnd: 10, method: 'gd', lr: 0.1 }),
  ];
}
