/**
 * Worker thread of `vsflow simulate`: runs the (synchronous) integration off the main thread,
 * so the main thread stays free to draw progress and to receive Ctrl-C (simulate-job.ts has the
 * shared stop flag and progress cell). The kernels compile in the background while the modules
 * load (start-kernels.ts, imported first through simulate-job.ts); the solve starts once they are
 * ready. A built package starts simulate-worker-loader.ts instead, which runs the same job from
 * a bundle with V8's code cache (docs/cli-startup.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSimulateJob, type SimulateJob } from './simulate-job.js';

void runSimulateJob(workerData as SimulateJob).then((reply) => parentPort!.postMessage(reply));
