/**
 * Worker thread of `runEntropyExperimentParallel` (experiments/entropy.ts): receives
 * `{ index }`, answers `{ index, block }` with the block's packed partial sums (transferred), or
 * `{ index, error }` for a bug. The resolved configuration arrives once, as workerData.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runEntropyBlock, type EntropyOptions } from './entropy.js';

const { cfg } = workerData as { cfg: EntropyOptions };
parentPort!.on('message', (msg: { index: number }) => {
  try {
    const block = runEntropyBlock(cfg, msg.index);
    parentPort!.postMessage({ index: msg.index, block }, [block.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ index: msg.index, error: { message: e.message, stack: e.stack } });
  }
});
