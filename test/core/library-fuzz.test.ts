/**
 * Library fuzz: the exported entry points given bad arguments raise a typed vsflow error
 * (`OptionError`, `DimensionError`) whose message names the argument — never a TypeError,
 * RangeError, a silent default (the seed-0 stream for `new Rng(NaN)`) or a `success` holding NaN.
 * Each row: the call, the error class, and the argument name the message must start with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  attention,
  attentionLayerJacobian,
  DimensionError,
  figure,
  gradientDescent,
  OptionError,
  randomProblem,
  resolveProblem,
  Rng,
  runSweep,
  simulate,
  solve,
  writeFigure,
} from '../../src/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../../src/core/atomic-write.js';
import { arrayHypot, arrayMax, arrayMin } from '../../src/core/array-extrema.js';
import { checkPredictions } from '../../src/analysis/predictions.js';
import { runEntropyExperiment } from '../../src/experiments/entropy.js';
import { runBoundsExperiment } from '../../src/experiments/bounds.js';

const square = { loss: 'square' as const, V: [[1, 0]], a: [0, 0], y: [1] };
const decay = (_t: number, y: Float64Array, dy: Float64Array): void => void (dy[0] = -y[0]!);
const dir = mkdtempSync(join(tmpdir(), 'vsflow-libfuzz-'));
const aFile = join(dir, 'plain.txt');
writeFileSync(aFile, 'x');

const BAD_NUMBERS: unknown[] = [NaN, Infinity, -Infinity, '1', null, {}, [1]];

type Row = [label: string, call: () => unknown, cls: typeof OptionError | typeof DimensionError, names: string];

const rows: Row[] = [
  ['simulate freeze null', () => simulate(square, { freeze: null as never }), OptionError, 'freeze'],
  ['a hand-made "resolved" problem is validated', () => simulate({ V: new Float64Array(2), spec: {}, d: 1, n: 2, K: 1 } as never), OptionError, 'loss'],
  ['figure(null)', () => figure(null as never), OptionError, 'options'],
  ['figure without axes', () => figure({ title: 't', data: [] } as never), OptionError, 'options.x'],
  ['gradientDescent lr NaN', () => gradientDescent(decay, new Float64Array([1]), 1, NaN), OptionError, 'lr'],
  ['gradientDescent lr > t1', () => gradientDescent(decay, new Float64Array([1]), 1, 2), OptionError, 'lr'],
  ['gradientDescent rhs not a function', () => gradientDescent(null as never, new Float64Array([1]), 1, 0.1), OptionError, 'rhs'],
  ['attention logits overflow (1e200)', () => attention('softmax', [[1e200]], [[1e200], [-1e200]]), OptionError, 'q'],
  ['attentionLayerJacobian at 1e200', () => attentionLayerJacobian([[1e200]], [[1e200]], [[1]], [[1]]), OptionError, 'X'],
  ['solve rtol 2 (one rule: 0 < rtol < 1)', () => solve(decay, [1], 0, 1, { rtol: 2 }), OptionError, 'rtol'],
  ['simulate rtol 1', () => simulate(square, { rtol: 1 }), OptionError, 'rtol'],
  ['checkPredictions rtol 1', () => checkPredictions(square, { rtol: 1 }), OptionError, 'rtol'],
  ['event function returning NaN', () => solve(decay, [1], 0, 1, { events: [{ name: 'nan', fn: () => NaN }] }), OptionError, 'events[0]'],
  ['writeFigure below a file', () => writeFigure(join(aFile, 'sub'), { name: 'f', title: 't', figure: { data: [], layout: {} } } as never, { source: 's', config: null, meta: null, command: '' }), OptionError, 'path'],
  ['writeFileAtomic under /proc (would hang)', () => writeFileAtomic('/proc/vsflow-fuzz/x.json', 'x'), OptionError, 'path'],
  ['writeJsonAtomic to a folder', () => writeJsonAtomic(dir, {}), OptionError, 'path'],
  ['writeFileAtomic empty path', () => writeFileAtomic('', 'x'), OptionError, 'path'],
  ['sum normalization with a negative logit', () => simulate({ ...square, a: [1, -0.5], normalization: 'sum' }), OptionError, 'problem'],
  ['checkPredictions, sum with a negative logit', () => checkPredictions({ ...square, a: [1, -0.5], normalization: 'sum' }), OptionError, 'problem'],
  ['sigmoid logits that all underflow', () => resolveProblem({ ...square, a: [-800, -900], normalization: 'sigmoid' }), OptionError, 'a'],
  ['unobservable start (‖V‖_F overflows)', () => simulate({ ...square, V: [[1e300, 1e300]] }), OptionError, 'problem'],
  // The reduced (logistic) path checks its start on (u, a): ‖V‖_F² = ‖P⊥V‖² + ‖u‖²/‖β‖² overflows
  // across β and along it, and a sum-normalised negative logit, as the full path's check does.
  ['reduced path: unobservable start, ‖V‖_F overflows across β', () => simulate({ loss: 'logistic', V: [[1e300, 1e300], [-1e300, 1e300]], a: [0, 0], beta: [1, 1] }), OptionError, 'problem'],
  ['reduced path: unobservable start, ‖V‖_F overflows along β', () => simulate({ loss: 'logistic', V: [[1e300, 1e300], [1e300, 1e300]], a: [0, 0], beta: [1, 1] }), OptionError, 'problem'],
  ['reduced path: sum normalization with a negative logit', () => simulate({ loss: 'logistic', V: [[1, 0], [0, 1]], a: [1, -0.5], beta: [1, 0], normalization: 'sum' }), OptionError, 'problem'],
  ['gd lr above tEnd', () => simulate(square, { method: 'gd', lr: 1e300, tEnd: 10 }), OptionError, 'lr'],
  ['V of the wrong shape', () => resolveProblem({ ...square, a: [0, 0, 0] }), DimensionError, 'a'],
];
for (const x of BAD_NUMBERS) {
  rows.push([`new Rng(${String(x)})`, () => new Rng(x as number), OptionError, 'seed']);
  rows.push([`simulate tEnd ${String(x)}`, () => simulate(square, { tEnd: x as number }), OptionError, 'tEnd']);
  // (an array is a valid per-component atol)
  if (!Array.isArray(x)) rows.push([`solve atol ${String(x)}`, () => solve(decay, [1], 0, 1, { atol: x as number }), OptionError, 'atol']);
  rows.push([`randomProblem d ${String(x)}`, () => randomProblem({ d: x as number }), OptionError, 'd']);
  rows.push([`attention tau ${String(x)}`, () => attention('softmax', [[1]], [[1]], { tau: x as number }), OptionError, 'options.tau']);
  rows.push([`entropy trials ${String(x)}`, () => runEntropyExperiment({ trials: x as number }), OptionError, 'options.trials']);
  rows.push([`bounds draws ${String(x)}`, () => runBoundsExperiment({ draws: x as number }), OptionError, 'options.draws']);
}

test('every bad argument raises a typed error naming the argument', () => {
  const bad: string[] = [];
  for (const [label, call, cls, names] of rows) {
    try {
      call();
      bad.push(`${label}: no error`);
    } catch (error) {
      if (!(error instanceof cls)) bad.push(`${label}: ${(error as Error).name} instead of ${cls.name}: ${(error as Error).message}`);
      else if (!(error as Error).message.startsWith(names)) bad.push(`${label}: message does not name ${names}: ${(error as Error).message}`);
      else if ((error as Error).message.includes('\n')) bad.push(`${label}: message spans lines`);
    }
  }
  assert.deepEqual(bad, []);
});

test('runSweep validates a hand-written config before starting workers', async () => {
  await assert.rejects(runSweep({ count: -1 } as never, { workers: 0 }), (e: unknown) => e instanceof OptionError && e.message.startsWith('count'));
});

test('randomProblem and array helpers take sizes beyond the call-stack limit of spreads (d = 200 000)', () => {
  assert.equal(randomProblem({ d: 2e5, n: 1 }).V.length, 2e5);
  const big = new Float64Array(300_000).map((_, i) => i - 1000);
  assert.equal(arrayMin(big), -1000);
  assert.equal(arrayMax(big), 298_999);
  const ones = new Float64Array(300_000).fill(1e200);
  assert.ok(Math.abs(arrayHypot(ones) / (1e200 * Math.sqrt(300_000)) - 1) < 1e-12);
  assert.equal(arrayHypot([3, 4]), 5);
});

test('the valid calls still succeed (the rows above can only fail for a bad argument)', () => {
  assert.equal(simulate(square, { tEnd: 1, saveAt: [0, 1] }).status, 'success');
  assert.equal(gradientDescent(decay, new Float64Array([1]), 1, 0.5).status, 'success');
  assert.equal(new Rng(3).uniform(), new Rng(3).uniform());
  assert.equal(solve(decay, [1], 0, 1, { rtol: 0.5 }).status, 'success');
});
