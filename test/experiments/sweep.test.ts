/**
 * runSweep: worker threads (2) give the same entries as the in-thread run; resuming from a
 * partial set of entries gives results identical to an uninterrupted run (problem i depends only
 * on (config, i)); tallies add up; bad configurations name the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolveSweepConfig, resolveWorkers, runSweep, runSweepEntry, summarizeSweep, sweepParameters, sweepProblem, type SweepEntry } from '../../src/experiments/sweep.js';
import { checkPredictions } from '../../src/analysis/predictions.js';
import { OptionError } from '../../src/core/errors.js';

// Short horizon keeps the test fast (the logistic rates are then inconclusive, which is fine here).
const config = resolveSweepConfig({ count: 12, sizes: [[2, 2], [3, 4]], initScales: [0.1, 1], losses: ['logistic', 'square'], seed: 7, tEnd: 300 });
const strip = (e: SweepEntry): Omit<SweepEntry, 'wallTimeMs'> => {
  const { wallTimeMs: _w, ...rest } = e;
  return rest;
};

test('2 workers = in-thread run; resume after a partial run gives identical entries', async () => {
  const full = await runSweep(config, { workers: 2 });
  assert.equal(full.done, 12);
  assert.deepEqual(full.entries.map((e) => e.index), [...Array(12).keys()]);
  const serial = await runSweep(config, { workers: 0 });
  assert.deepEqual(serial.entries.map(strip), full.entries.map(strip));
  // Partial: the first 5 entries as if read back from the output file, then resume.
  const partial = JSON.parse(JSON.stringify(full.entries.slice(0, 5))) as SweepEntry[];
  const seen: number[] = [];
  const resumed = await runSweep(config, { workers: 2, done: partial, onEntry: (e) => seen.push(e.index) });
  assert.deepEqual(seen.sort((a, b) => a - b), [5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(resumed.entries.map(strip), full.entries.map(strip));
  assert.deepEqual(resumed.summary, full.summary);
});

test('problem i is rebuilt from (config, i) and its entry matches a direct check', () => {
  const p = sweepParameters(config, 5);
  const spec = sweepProblem(config, 5);
  assert.equal(spec.loss, p.loss);
  assert.equal(spec.V.length, p.d);
  const direct = checkPredictions(spec, { tEnd: config.tEnd });
  assert.equal(direct.ok, true);
  // Combination cycling: index 0..7 covers losses × sizes × scales once.
  const combos = new Set(Array.from({ length: 8 }, (_, i) => JSON.stringify({ ...sweepParameters(config, i), seed: 0 })));
  assert.equal(combos.size, 8);
});

test('summarizeSweep tallies and ranks failures first', () => {
  const mk = (index: number, status: 'pass' | 'fail' | 'inconclusive', margin: number | null): SweepEntry => ({
    index, loss: 'logistic', d: 2, n: 2, vScale: 1, aScale: 0, seed: index,
    statuses: { x: status }, margins: { x: margin }, failures: {}, ok: status !== 'fail', solverStatus: 'success', wallTimeMs: 0,
  });
  const s = summarizeSweep([mk(0, 'pass', 0.9), mk(1, 'fail', 1.5), mk(2, 'pass', 0.1), mk(3, 'inconclusive', null)]).x!;
  assert.equal(s.pass, 2);
  assert.equal(s.fail, 1);
  assert.equal(s.inconclusive, 1);
  assert.equal(s.held, 2 / 3);
  assert.deepEqual(s.worst, [1, 0, 2]);
});

test('bad sweep configurations name the option', () => {
  const bad: [string, unknown][] = [
    ['count', 0], ['count', 1.5], ['sizes', []], ['sizes[0]', [[2]]], ['sizes[0].n', [[2, 0]]],
    ['initScales', []], ['initScales[0]', [-1]], ['losses[0]', ['hinge']], ['seed', 0.5], ['tEnd', -1], ['maxSteps', 0], ['maxSteps', 2.5],
  ];
  for (const [option, value] of bad) {
    const key = option.split(/[[.]/)[0]!;
    const arg = option.includes('[') ? value : value;
    assert.throws(() => resolveSweepConfig({ [key]: arg }), (e: unknown) => e instanceof OptionError && e.option === option, `${option} = ${JSON.stringify(value)}`);
  }
});

test('maxSteps reaches every integration: a budget too small fails the integration check', () => {
  const config = resolveSweepConfig({ count: 1, sizes: [[2, 3]], losses: ['logistic'], tEnd: 1000, maxSteps: 3 });
  const e = runSweepEntry(config, 0);
  assert.equal(e.statuses.integration, 'fail');
  assert.equal(e.solverStatus, 'max-steps');
  assert.match(e.failures.integration!, /maxSteps = 3/);
  assert.equal(runSweepEntry(resolveSweepConfig({ ...config, maxSteps: undefined }), 0).statuses.integration, undefined, 'the default budget suffices');
});

test("workers 'auto' follows the CPU affinity mask (taskset -c 0: one worker), as Slurm's --cpus-per-task", { skip: spawnSync('taskset', ['-c', '0', 'true']).status === 0 ? false : 'taskset not available' }, () => {
  const code = `import('${new URL('../../src/experiments/sweep.ts', import.meta.url).href}').then((m) => console.log(m.resolveWorkers('auto')))`;
  const pinned = spawnSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', '-e', code], { encoding: 'utf8' });
  assert.equal(pinned.status, 0, pinned.stderr);
  assert.equal(pinned.stdout.trim(), '1');
  const free = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' });
  assert.equal(free.stdout.trim(), String(availableParallelism()));
  assert.equal(resolveWorkers(3), 3);
  assert.throws(() => resolveWorkers(-1), OptionError);
});

test('abort stops at once (in flight problems dropped) and returns the entries finished so far', async () => {
  for (const workers of [0, 2]) {
    const controller = new AbortController();
    const r = await runSweep(resolveSweepConfig({ ...config, count: 500 }), { workers, signal: controller.signal, range: { start: 100, end: 500 }, onEntry: (_, n) => n === 3 && controller.abort() });
    assert.equal(r.done, 3, `workers ${workers}`);
    assert.ok(r.entries.every((e) => e.index >= 100 && e.index < 500), 'only the block');
  }
  await assert.rejects(runSweep(config, { range: { start: 5, end: 13 } }), (e: unknown) => e instanceof OptionError && e.option === 'range');
});
