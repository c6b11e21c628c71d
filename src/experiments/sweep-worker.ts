/**
 * Worker thread of `runSweep` (experiments/sweep.ts): receives `{ index }` messages, runs
 * checkPredictions on problem `index` of the sweep and answers `{ entry }` (or `{ error }` for a
 * bug, which stops the sweep). The configuration arrives once, as workerData.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepEntry, type SweepConfig } from './sweep.js';

const { config } = workerData as { config: SweepConfig };
parentPort!.on('message', (msg: { index: number }) => {
  try {
    parentPort!.postMessage({ entry: runSweepEntry(config, msg.index) });
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
