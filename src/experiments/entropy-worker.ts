/**
 * Worker thread of `runEntropyExperimentParallel` (experiments/entropy.ts): receives
 * `{ cfg, index }` (a resolved configuration and a block index), answers `{ index, block }` with
 * the block's packed partial sums (transferred), or `{ index, error }` for a bug. The thread is
 * kept in a pool between runs.
 */
import { parentPort } from 'node:worker_threads';
import { runEntropyBlock, type EntropyOptions } from './entropy.js';

parentPort!.on('message', (msg: { cfg: EntropyOptions; index: number }) => {
  try {
    const block = runEntropyBlock(msg.cfg, msg.index);
    parentPort!.postMessage({ index: msg.index, block }, [block.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ index: msg.index, error: { message: e.message, stack: e.stack } });
  }
});
