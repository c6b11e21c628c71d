/**
 * The column view and ndarray series of simulate results: every column equals the records it
 * came from (K = 1 and K = 2, logistic with u, a NaN entropy through JSON), the views share one
 * buffer (no copies), a result read back from JSON gives the same columns, and the methods do
 * not leak into the JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/experiments/simulate.js';
import { simulationColumns } from '../../src/experiments/result-columns.js';
import { resultSeries, SERIES_NAMES } from '../../src/experiments/series-view.js';
import { DimensionError, OptionError } from '../../src/core/errors.js';
import type { SimRecord } from '../../src/analysis/observables.js';

const one = simulate({ loss: 'logistic', V: [[0.1, -0.2, 0.3], [0.0, 0.1, -0.1]], a: [0, 0, 0], beta: [1, 0] }, { tEnd: 100, saveAt: [0, 1, 10, 100] });
const two = simulate({ loss: 'square', V: [[1, 0, 0.5]], a: [[0, 0.1, 0], [0.2, 0, 0]], y: [[1], [-1]] }, { tEnd: 10, saveAt: [0, 1, 10] });

test('K = 1: scalar columns and [T, 1] per-sample columns equal the records', () => {
  const c = simulationColumns(one);
  assert.deepEqual([c.T, c.K, c.n], [4, 1, 3]);
  one.records.forEach((r, i) => {
    assert.equal(c.t[i], r.t);
    assert.equal(c.loss[i], r.loss);
    assert.equal(c.normV[i], r.normV);
    assert.equal(c.entropy[i], r.entropy);
    assert.equal(c.maxProb[i], r.maxProb);
    assert.equal(c.oneMinusMax[i], r.oneMinusMax);
    assert.equal(c.sumA[i], r.sumA);
    assert.equal(c.argmax[i], r.argmax);
    assert.deepEqual(Array.from(c.a.subarray(i * 3, i * 3 + 3)), r.a);
    assert.deepEqual(Array.from(c.u!.subarray(i * 3, i * 3 + 3)), r.u);
  });
  // The README's use: a number, no narrowing needed.
  assert.match(c.maxProb.at(-1)!.toFixed(3), /^0\.\d{3}$/);
});

test('K = 2: per-sample columns are [T, K] row-major, a is [T, K, n]', () => {
  const c = simulationColumns(two);
  assert.deepEqual([c.T, c.K, c.n], [3, 2, 3]);
  assert.equal(c.u, null);
  two.records.forEach((r, i) => {
    for (let k = 0; k < 2; k++) {
      assert.equal(c.entropy[i * 2 + k], (r.entropy as number[])[k]);
      assert.equal(c.argmax[i * 2 + k], (r.argmax as number[])[k]);
      assert.equal(c.sumA[i * 2 + k], (r.sumA as number[])[k]);
      assert.deepEqual(Array.from(c.a.subarray((i * 2 + k) * 3, (i * 2 + k + 1) * 3)), (r.a as number[][])[k]);
    }
  });
});

test('series are ndarray views over the one column buffer, with the documented shapes', () => {
  const a = resultSeries(two, 'a');
  assert.deepEqual(a.shape, [3, 2, 3]);
  assert.equal(a.data, simulationColumns(two).a, 'no copy');
  assert.equal(two.series('a').data, a.data, 'the method returns the same buffer');
  assert.equal(a.get(2, 1, 0), (two.records[2]!.a as number[][])[1]![0]);
  assert.deepEqual(resultSeries(two, 'entropy').shape, [3, 2]);
  assert.deepEqual(resultSeries(one, 'u').shape, [4, 3]);
  assert.deepEqual(resultSeries(one, 't').shape, [4]);
  assert.ok(resultSeries(one, 'argmax').data instanceof Int32Array);
  for (const name of SERIES_NAMES) if (name !== 'u') assert.equal(resultSeries(two, name).size, resultSeries(two, name).data.length);
  assert.throws(() => resultSeries(two, 'u'), OptionError);
  assert.throws(() => resultSeries(two, 'sigma' as 'a'), (e: unknown) => e instanceof OptionError && /series: expected one of t, loss/.test(e.message));
});

test('the methods are not part of the JSON; a result read back from JSON has equal columns', () => {
  const json = JSON.stringify(one);
  assert.ok(!json.includes('"columns"') && !json.includes('"series"'));
  assert.deepEqual(Object.keys(one).sort(), ['config', 'events', 'message', 'meta', 'records', 'state', 'stats', 'status']);
  const back = JSON.parse(json) as { records: SimRecord[] };
  assert.deepEqual(simulationColumns(back), simulationColumns(one));
  assert.deepEqual(structuredClone(one), JSON.parse(json));
});

test('null entropies (NaN in JSON) become NaN; ragged records are a DimensionError naming the record', () => {
  const rec = (entropy: unknown, a: unknown): SimRecord => ({ t: 0, loss: 1, entropy, maxProb: 0.5, oneMinusMax: 0.5, argmax: 0, normV: 1, sumA: 0, a }) as SimRecord;
  assert.ok(Number.isNaN(simulationColumns({ records: [rec(null, [0, 0])] }).entropy[0]));
  assert.throws(() => simulationColumns({ records: [rec(0.5, [0, 0]), rec(0.5, [0, 0, 0])] }), (e: unknown) => e instanceof DimensionError && /records\[1\]\.a\[0\]: expected shape \[2\], received shape \[3\]/.test(e.message));
  assert.throws(() => simulationColumns({ records: [rec(0.5, [[0, 0], [0, 0]])] }), (e: unknown) => e instanceof DimensionError && /records\[0\]\.entropy/.test(e.message));
});
