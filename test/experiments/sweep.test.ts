/**
 * runSweep: worker threads (2) give the same entries as the in-thread run; resuming from a
 * partial set of entries gives results identical to an uninterrupted run (problem i depends only
 * on (config, i)); tallies add up; bad configurations name the option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSweepConfig, runSweep, runSweepEntry, summarizeSweep, sweepParameters, sweepProblem, type SweepEntry } from '../../src/experiments/sweep.js';
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
