/**
 * The one Ctrl-C mechanism of the long synchronous commands (`check`, `entropy`, `bounds`):
 * the experiment runs in a worker (experiment-worker.ts); the first Ctrl-C sets a shared flag,
 * the experiment stops at its next check and returns what it computed (the command writes it
 * with status `interrupted` and exits 130); a second Ctrl-C exits 130 at once.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { OptionError } from '../core/errors.js';

/** Starts `file` (a sibling module of this one) as a worker, under tsx when running from source. */
export function startWorker(file: string, workerData: unknown): Worker {
  const here = new URL(import.meta.url);
  const ext = here.pathname.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`./${file}${ext}`, here);
  // Under tsx (tests, `node --import tsx`) a Node 20 worker does not get the ESM loader: load the
  // TypeScript entry through tsx's require hook instead. Built (.js) code needs none of this.
  return ext === '.ts'
    ? new Worker(`require(${JSON.stringify(fileURLToPath(import.meta.resolve('tsx/cjs/api')))}).register(); require(${JSON.stringify(fileURLToPath(url))});`, { eval: true, workerData })
    : new Worker(url, { workerData });
}

/** Runs experiment `name` on `args` in a worker; `interrupted` says whether Ctrl-C was pressed. */
export function runInterruptible<R>(name: 'check' | 'entropy' | 'bounds', args: unknown[]): Promise<{ result: R; interrupted: boolean }> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = startWorker('experiment-worker', { name, args, flag });
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    Atomics.store(flag, 0, 1);
    if (interrupts > 1) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  return new Promise((resolve, reject) => {
    const done = (): void => void process.off('SIGINT', onSigint);
    worker.once('message', (msg: { ok: true; result: R } | { ok: false; user: boolean; name: string; message: string; stack?: string }) => {
      done();
      if (msg.ok) resolve({ result: msg.result, interrupted: interrupts > 0 });
      // A user error raised in the worker keeps its own one-line message.
      else if (msg.user) reject(Object.assign(new OptionError(name, 'valid options', undefined), { message: msg.message }));
      else reject(Object.assign(new Error(msg.message), { name: msg.name, stack: msg.stack }));
    });
    worker.once('error', (error) => {
      done();
      reject(error);
    });
  });
}
