/**
 * The simulate worker of a built package (src/cli/simulate-worker-loader.ts): the job runs from
 * the one-file bundle that scripts/bundle-worker.mjs makes, compiled with V8's code cache.
 * - Its results are bit for bit those of `simulate` in this process, for every formulation, a
 *   cross-entropy K = 2 problem, a non-softmax normalisation, dopri5, rk4, gd and a stopping
 *   event; with the build's cache, with none, and with a damaged one.
 * - The build's cache is the one used ('shipped'); without it the first run compiles ('miss')
 *   and writes the user cache, which the next run uses ('user'); a truncated or damaged cache is
 *   refused by V8 ('rejected') and replaced; a bundle that differs in one character (same
 *   length, which V8 alone would not notice) never finds the other's cache.
 * The bundle and the cache are made here, into a scratch folder, by the build's own script; the
 * loader is compiled from source with esbuild (the test runs without dist/).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { simulate, type SimulateOptions, type SimulateResult } from '../../src/experiments/simulate.js';
import { randomProblem, type RandomProblemOptions } from '../../src/models/random-problem.js';
import type { ProblemSpec } from '../../src/models/problem.js';

const scratch = resolve('.scratch/code-cache');
const loader = join(scratch, 'loader.mjs');
const bundle = join(scratch, 'simulate-worker.bundle.cjs');
const userDir = join(scratch, 'user');

before(async () => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  await build({ entryPoints: ['src/cli/simulate-worker-loader.ts'], outfile: loader, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  execFileSync(process.execPath, ['scripts/bundle-worker.mjs', '--out', scratch, '--loader', loader], { stdio: 'pipe', timeout: 120_000 });
});

interface Reply {
  ok: boolean;
  result?: SimulateResult;
  message?: string;
  codeCache: string;
}

function runLoader(file: string, problem: ProblemSpec, options: Partial<SimulateOptions>, tmpCacheDir = userDir): Promise<Reply> {
  const job = { problem, options, flag: new Int32Array(new SharedArrayBuffer(4)), progress: new Float64Array(new SharedArrayBuffer(8)) };
  return new Promise((done, fail) => {
    const worker = new Worker(loader, { workerData: { bundle: file, job, tmpCacheDir } });
    let reply: Reply | undefined;
    worker.once('message', (m: Reply) => (reply = m));
    worker.once('error', fail);
    // After exit: the user cache (if any) is written.
    worker.once('exit', () => (reply === undefined ? fail(new Error('no reply')) : done(reply)));
  });
}

/** The result without its wall times (the only fields that may differ between two runs). */
function numbers(r: SimulateResult): unknown {
  return JSON.parse(JSON.stringify(r, (key, value: unknown) => (key === 'wallTimeMs' || key === 'meta' ? undefined : ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value)));
}

const cases: [string, Partial<RandomProblemOptions>, Partial<SimulateOptions>][] = [
  ['logistic 2×8 (reduced)', { loss: 'logistic', d: 2, n: 8 }, { tEnd: 1e5, rtol: 1e-8, atol: 1e-10 }],
  ['square 16×64 (low-rank)', { loss: 'square', d: 16, n: 64 }, { tEnd: 1000 }],
  ['square 2×4 (full), dopri5', { loss: 'square', d: 2, n: 4 }, { tEnd: 100, method: 'dopri5' }],
  ['regression 20×20', { loss: 'regression', d: 20, n: 20 }, { tEnd: 300, rtol: 1e-8, atol: 1e-10 }],
  ['cross-entropy 8×16, K = 2', { loss: 'cross-entropy', d: 8, n: 16, samples: 2 }, { tEnd: 10 }],
  ['square 4×8, sigmoid, until entropy', { loss: 'square', d: 4, n: 8, normalization: 'sigmoid' }, { tEnd: 100, untilEntropy: 1 }],
  ['logistic 4×8, rk4', { loss: 'logistic', d: 4, n: 8 }, { tEnd: 10, method: 'rk4', dt: 0.05 }],
  ['logistic 8×8, gd', { loss: 'logistic', d: 8, n: 8 }, { tEnd: 100, method: 'gd', lr: 0.1 }],
];

const problemOf = (p: Partial<RandomProblemOptions>): ProblemSpec => randomProblem({ seed: 3, vScale: 0.1, aScale: p.loss === 'logistic' ? 0 : 0.5, ...p });

test('the build made the bundle and its shipped cache', () => {
  assert.ok(existsSync(bundle));
  const caches = readdirSync(scratch).filter((f) => f.endsWith('.v8cache'));
  assert.equal(caches.length, 1, caches.join(', '));
  assert.ok(readFileSync(bundle, 'utf8').startsWith('"use strict";'), 'the bundle keeps the ES modules\' strict mode');
});

test('the bundled worker gives the same numbers as simulate in-process, on every path, with the shipped cache', async () => {
  for (const [label, p, options] of cases) {
    const problem = problemOf(p);
    const reply = await runLoader(bundle, problem, options);
    assert.ok(reply.ok, `${label}: ${reply.message}`);
    assert.equal(reply.codeCache, 'shipped', label);
    assert.deepEqual(numbers(reply.result!), numbers(simulate(problem, options)), label);
  }
});

test('a user error inside the bundled worker comes back as a user error', async () => {
  const reply = (await runLoader(bundle, problemOf({ loss: 'square', d: 2, n: 4 }), { tEnd: -1 })) as Reply & { user?: boolean };
  assert.equal(reply.ok, false);
  assert.equal(reply.user, true, reply.message);
});

test('no cache: compile, write the user cache, use it next time; a damaged cache is rejected and replaced; same numbers throughout', async () => {
  const dir = join(scratch, 'alone');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'simulate-worker.bundle.cjs');
  copyFileSync(bundle, file);
  const user = join(scratch, 'user-alone');
  rmSync(user, { recursive: true, force: true });
  const problem = problemOf({ loss: 'square', d: 16, n: 64 });
  const options = { tEnd: 1000 };
  const expected = numbers(simulate(problem, options));
  const first = await runLoader(file, problem, options, user);
  assert.equal(first.codeCache, 'miss');
  assert.deepEqual(numbers(first.result!), expected);
  const written = readdirSync(user).filter((f) => f.endsWith('.v8cache'));
  assert.equal(written.length, 1, 'the user cache was written');
  const second = await runLoader(file, problem, options, user);
  assert.equal(second.codeCache, 'user');
  assert.deepEqual(numbers(second.result!), expected);
  const cacheFile = join(user, written[0]!);
  const good = readFileSync(cacheFile);
  for (const damaged of [good.subarray(0, good.length >> 1), Buffer.concat([Buffer.from([good[0]! ^ 0xff]), good.subarray(1)])]) {
    writeFileSync(cacheFile, damaged);
    const reply = await runLoader(file, problem, options, user);
    assert.equal(reply.codeCache, 'rejected');
    assert.deepEqual(numbers(reply.result!), expected);
    assert.ok(!readFileSync(cacheFile).equals(damaged), 'the damaged cache was replaced');
    assert.equal((await runLoader(file, problem, options, user)).codeCache, 'user', 'and its replacement is used');
  }
});

test('a bundle that differs in one character (same length) never finds the other bundle\'s cache', async () => {
  const dir = join(scratch, 'other');
  mkdirSync(dir, { recursive: true });
  // One letter of a message the solver writes ('reached t1 = …'): same length, same code otherwise.
  const source = readFileSync(bundle, 'utf8');
  const at = source.indexOf('reached t1');
  assert.ok(at > 0);
  const flipped = `${source.slice(0, at)}R${source.slice(at + 1)}`;
  assert.equal(flipped.length, source.length);
  const file = join(dir, 'simulate-worker.bundle.cjs');
  writeFileSync(file, flipped);
  // The shipped cache of the original bundle, copied next to the changed one under every name it had.
  for (const name of readdirSync(scratch).filter((f) => f.endsWith('.v8cache'))) copyFileSync(join(scratch, name), join(dir, name));
  const problem = problemOf({ loss: 'logistic', d: 2, n: 8 });
  const reply = await runLoader(file, problem, { tEnd: 1e5 }, join(scratch, 'user-other'));
  assert.equal(reply.codeCache, 'miss');
  assert.equal(reply.result!.message, 'Reached t1 = 100000', 'the changed bundle ran');
  const expected = numbers(simulate(problem, { tEnd: 1e5 })) as { message: string };
  assert.deepEqual(numbers(reply.result!), { ...expected, message: 'Reached t1 = 100000' });
});
