import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureIssues } from '../../src/plot/figure-check.js';
import { resultFigures } from '../../src/plot/result-figures.js';
import { assertClose } from '../helpers/tolerance.js';

/** A `vsflow simulate`-shaped result: records over log-spaced t (t = 0 first, as a flow starts). */
function simulateLike(batched: boolean) {
  const ts = [0, ...Array.from({ length: 50 }, (_, i) => 10 ** (-2 + (7 * i) / 49))];
  const records = ts.map((t) => {
    const h = Math.log(4) / (1 + Math.log1p(t));
    return {
      t,
      loss: 1 / (1 + t),
      entropy: batched ? [h, h / 2] : h,
      maxProb: batched ? [0.5, 0.6] : 0.5,
      argmax: batched ? [1, 2] : 1,
      normV: 1 + Math.log1p(t),
      a: batched ? [[0, 1, 2, 3], [0, 0, 0, 0]] : [0, 1, 2, 3 + t],
    };
  });
  return { config: {}, meta: {}, status: 'success', records };
}

test('simulate result: one figure per quantity, loss first, argmax skipped, log axes where values span decades', () => {
  const figs = resultFigures(simulateLike(false))!;
  assert.deepEqual(figs.map((f) => f.name), ['loss-vs-t', 'entropy-vs-t', 'max-prob-vs-t', 'norm-v-vs-t', 'a-vs-t']);
  const loss = figs[0]!.figure;
  assert.equal((loss.layout.xaxis as { type: string }).type, 'log');
  assert.equal((loss.layout.yaxis as { type: string }).type, 'log', 'loss spans 1 … 1e-5');
  assert.equal((figs[1]!.figure.layout.yaxis as { type: string }).type, 'linear', 'entropy spans less than two decades');
  for (const f of figs) assert.deepEqual(figureIssues(f.figure), [], f.name);
});

test('reference lines: log N on the entropy figure (N = number of logits), 1 on max σ', () => {
  const figs = resultFigures(simulateLike(false))!;
  const entropy = figs.find((f) => f.name === 'entropy-vs-t')!.figure;
  const ref = entropy.data.find((tr) => String(tr.name).startsWith('log N'))!;
  assertClose(ref.y as number[], [Math.log(4), Math.log(4)], { rtol: 0, label: 'log N' });
  // The reference spans the positive t range (t = 0 has no place on a log axis).
  assertClose(ref.x as number[], [1e-2, 1e5], { rtol: 1e-12, label: 'x range' });
  const maxProb = figs.find((f) => f.name === 'max-prob-vs-t')!.figure;
  assert.ok(maxProb.data.some((tr) => (tr.y as number[])[0] === 1 && (tr.y as number[])[1] === 1));
});

test('batched records: one trace per sample; N from the rows of a', () => {
  const figs = resultFigures(simulateLike(true))!;
  const entropy = figs.find((f) => f.name === 'entropy-vs-t')!.figure;
  assert.deepEqual(entropy.data.map((tr) => tr.name), ['entropy [0]', 'entropy [1]', 'log N = ln 4 (uniform σ)']);
  assert.ok(!figs.some((f) => f.name === 'a-vs-t'), 'per-sample matrices are not drawn');
});

test('columnar series, nested: found up to three levels deep', () => {
  const figs = resultFigures({ config: {}, data: { curve: { step: [1, 2, 3], frobenius: [1, 1.5, 2], rows: [[1, 2], [3, 4], [5, 6]] } } })!;
  assert.deepEqual(figs.map((f) => f.name), ['frobenius-vs-step', 'rows-vs-step']);
  assert.ok(figs[0]!.title.includes('data.curve'));
  assert.deepEqual(figs[1]!.figure.data.map((tr) => tr.y), [[1, 3, 5], [2, 4, 6]]);
});

test('results without time series give undefined', () => {
  for (const bad of [null, 3, 'x', [], {}, { records: [] }, { t: [1] }, { t: [1, 2], y: [1] }, { a: { b: { c: { d: { t: [1, 2], y: [1, 2] } } } } }]) {
    assert.equal(resultFigures(bad), undefined, JSON.stringify(bad));
  }
});

test('entropy result: mean ± s.e. per kind (in config.kinds order) against σ, log N line from config.n', () => {
  const stats = (mean: number) => ({ mean, std: 0.1, se: 0.01, min: 0, max: 1, count: 100 });
  const cells = ['softmax', 'relu-kernel'].flatMap((kind, k) => [0.5, 1, 2].map((sigma) => ({ kind, sigma, entropy: stats(2 - k * sigma / 2), logitVariance: stats(sigma * sigma), maxP: stats(0.2 * sigma) })));
  const figs = resultFigures({ config: { n: 20, kinds: ['softmax', 'relu-kernel'] }, meta: {}, cells: [...cells].reverse() })!;
  assert.deepEqual(figs.map((f) => f.name), ['entropy-vs-sigma', 'logit-variance-vs-sigma', 'max-p-vs-sigma']);
  const ent = figs[0]!.figure;
  assert.deepEqual(ent.data.map((t) => t.name), ['softmax', 'relu-kernel', 'log N = ln 20 (uniform)']);
  assert.deepEqual(ent.data[1]!.x, [0.5, 1, 2], 'sorted by σ');
  assert.deepEqual(ent.data[1]!.y, [1.75, 1.5, 1]);
  assert.deepEqual((ent.data[0]!.error_y as { array: number[] }).array, [0.01, 0.01, 0.01]);
  assert.equal((ent.data[2]!.y as number[])[0], Math.log(20));
  for (const f of figs) assert.deepEqual(figureIssues(f.figure), [], f.name);
});

test('bounds result: ‖P‖_F against entropy with the bounds 1 and √N', () => {
  const sweep = [{ tau: 1, entropy: 1.7, normF: 1.05 }, { tau: 0.1, entropy: 0.1, normF: 2.3 }];
  const samples = [{ wvScale: 1, entropy: 1, frobeniusP: 1.5, lhs: 0, rhsRowLower: 0, rhsColumnLower: 0, sharp: 0 }];
  const figs = resultFigures({ config: {}, meta: {}, frobenius: { sweep, upper: Math.sqrt(6), lower: 1, random: {}, adversarial: [] }, samples })!;
  assert.deepEqual(figs.map((f) => f.name), ['frobenius-vs-entropy']);
  const d = figs[0]!.figure.data;
  assert.deepEqual(d[0]!.x, [0.1, 1.7], 'sweep sorted by entropy');
  assert.equal(d[1]!.mode, 'markers');
  assert.deepEqual(d[2]!.y, [Math.sqrt(6), Math.sqrt(6)]);
  assert.deepEqual(d[3]!.y, [1, 1]);
  assert.deepEqual(d[2]!.x, [0.1, 1.7], 'reference lines span all points');
  assert.deepEqual(figureIssues(figs[0]!.figure), []);
});
