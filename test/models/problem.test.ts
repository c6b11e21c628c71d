/**
 * Problem files (src/models/problem.ts): valid files resolve to the documented flat layout, and
 * every field's bad values raise an error naming that field (bad-input loops).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProblem, LOSSES } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { NORMALIZATIONS } from '../../src/models/normalizations.js';

const base = {
  logistic: { loss: 'logistic', V: [[1, 2, 3], [4, 5, 6]], a: [0, 0, 0], beta: [1, 0] },
  square: { loss: 'square', V: [[1, 2, 3], [4, 5, 6]], a: [0, 0, 0], y: [1, -1] },
  regression: { loss: 'regression', V: [[1, 2, 3], [4, 5, 6]], a: [0, 0, 0], X: [[1, 0], [0, 1], [1, 1]], y: [1, 2, 3] },
  'cross-entropy': { loss: 'cross-entropy', V: [[1, 2, 3], [4, 5, 6]], a: [0, 0, 0], p: [0.25, 0.75] },
} as const;

function expectField(spec: unknown, field: string): void {
  assert.throws(
    () => resolveProblem(spec),
    (e: Error & { option?: string }) => {
      assert.ok(e.option !== undefined && (e.option === field || e.option.startsWith(`${field}[`)), `expected an error naming ${field}, got ${e.name} ${e.message}`);
      assert.ok(!e.message.includes('\n'), 'one-line message');
      return true;
    },
  );
}

test('valid files resolve to flat row-major data with shapes', () => {
  const p = resolveProblem(base.regression);
  assert.equal(p.d, 2);
  assert.equal(p.n, 3);
  assert.equal(p.K, 1);
  assert.equal(p.m, 3);
  assert.deepEqual(Array.from(p.V), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(p.X!), [1, 0, 0, 1, 1, 1]);
  const k2 = resolveProblem({ ...base.square, a: [[0, 0, 0], [1, 2, 3]] });
  assert.equal(k2.K, 2);
  assert.deepEqual(Array.from(k2.y!), [1, -1, 1, -1]); // shared target repeated per sample
  const lg = resolveProblem(base.logistic);
  assert.deepEqual(Array.from(lg.labels!), [1]);
  // canonical spec round-trips
  for (const loss of LOSSES) {
    const r = resolveProblem(base[loss]);
    assert.deepEqual(resolveProblem(JSON.parse(JSON.stringify(r.spec))).spec, r.spec);
  }
});

test('bad input: every field, each error names it', () => {
  const bad: [unknown, string][] = [
    [null, 'problem'],
    [[1, 2], 'problem'],
    [{ ...base.square, loss: 'hinge' }, 'loss'],
    [{ ...base.square, loss: undefined }, 'loss'],
    [{ ...base.square, extra: 1 }, 'extra'],
    [{ ...base.square, beta: [1, 0] }, 'beta'],
    [{ ...base.logistic, y: [1, 0] }, 'y'],
    [{ ...base.square, normalization: 'softplus' }, 'normalization'],
    [{ ...base.square, seed: 'x' }, 'seed'],
    [{ ...base.square, comment: 3 }, 'comment'],
  ];
  for (const V of [undefined, 1, [], [1, 2], [[1, 2], [3]], [[1, NaN]], [[1, Infinity]], [['1', 2]], [[]]]) bad.push([{ ...base.square, V }, 'V']);
  for (const a of [undefined, 'x', [0, 0], [0, 0, 0, 0], [0, NaN, 0], [[0, 0], [0, 0]], [[0, 0, 0], [0, 0]], [0, null, 0]]) bad.push([{ ...base.square, a }, 'a']);
  for (const beta of [undefined, [1], [1, 2, 3], [1, Infinity], 'b']) bad.push([{ ...base.logistic, beta }, 'beta']);
  for (const labels of [[0], [2], [1, -1], ['1'], [NaN]]) bad.push([{ ...base.logistic, labels }, 'labels']);
  bad.push([{ ...base.logistic, a: [[0, 0, 0], [1, 1, 1]] }, 'labels']); // K > 1 needs labels
  for (const y of [undefined, [1], [1, 2, 3], [[1, 2], [3, 4], [5, 6]], [1, NaN], [[1, 2, 3]]]) bad.push([{ ...base.square, y }, 'y']);
  for (const X of [undefined, [[1, 2, 3]], [[1], [2]], [[1, NaN]], 5]) bad.push([{ ...base.regression, X }, 'X']);
  for (const y of [undefined, [1, 2], [1, 2, 3, 4], [1, 2, Infinity]]) bad.push([{ ...base.regression, y }, 'y']);
  for (const p of [undefined, [1], [0.5, 0.6], [-0.5, 1.5], [0.5, NaN], [[0.5, 0.5], [0.1, 0.1]]]) bad.push([{ ...base['cross-entropy'], p, a: [[0, 0, 0], [1, 1, 1]] }, 'p']);
  // normalisations undefined at the start
  bad.push([{ ...base.square, normalization: 'sum', a: [1, -1, 0] }, 'a']);
  bad.push([{ ...base.square, normalization: 'l1', a: [0, 0, 0] }, 'a']);
  bad.push([{ ...base.square, normalization: 'l2sq', a: [0, 0, 0] }, 'a']);
  bad.push([{ ...base.square, normalization: 'relu', a: [-1, 0, -2] }, 'a']);
  for (const [spec, field] of bad) expectField(spec, field);
});

test('randomProblem: seeded, documented scales, valid for every loss × normalisation', () => {
  for (const loss of LOSSES) {
    for (const normalization of NORMALIZATIONS) {
      const s1 = randomProblem({ loss, normalization, d: 3, n: 4, samples: 2, seed: 1 });
      assert.deepEqual(randomProblem({ loss, normalization, d: 3, n: 4, samples: 2, seed: 1 }), s1);
      const P = resolveProblem(s1);
      assert.equal(P.K, 2);
      assert.equal(P.normalization, normalization);
    }
  }
  const fig2 = randomProblem({ seed: 123 });
  assert.deepEqual(fig2.a, [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.ok(Math.abs(Math.hypot(...fig2.beta!) - 1) < 1e-15);
  assert.notDeepEqual(randomProblem({ seed: 124 }).V, fig2.V);
  const big = randomProblem({ loss: 'square', d: 50, n: 50, vScale: 0.1, seed: 4 }).V.flat();
  const sd = Math.sqrt(big.reduce((x, v) => x + v * v, 0) / big.length);
  assert.ok(Math.abs(sd - 0.1) < 0.01, `V scale ${sd} ≈ 0.1 (2500 draws: ±3%)`);
  for (const [k, v] of [['d', 0], ['n', 1.5], ['samples', -1], ['seed', NaN], ['vScale', -1], ['aScale', Infinity], ['loss', 'x'], ['normalization', 'y'], ['bogus', 1]] as const) {
    assert.throws(() => randomProblem({ [k]: v } as never), (e: Error & { option?: string }) => (e.option ?? '').endsWith(k));
  }
});
