/**
 * Attention kinds (E-1, E-2, E-3, N-1, N-2): seeded properties (rows sum to 1, softmax shift
 * invariance), hand computations of the NormSoftmax forms and kernels, and every kind against
 * the independent numpy implementation in test/fixtures/entropy/generate.py on fixed inputs.
 * Tolerances: 1e-13 relative for closed forms (a few roundings of O(1) numbers); 1e-12 for the
 * numpy fixture (same formulas, different summation order and exp/log implementations).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ATTENTION_KINDS, ROW_STOCHASTIC_KINDS, attention, attentionFromLogits, attentionRow, elu1, type AttentionKind } from '../../src/core/attention-kinds.js';
import { OptionError, DimensionError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/entropy/reference.json', import.meta.url), 'utf8')) as {
  kinds: { q: number[][]; k: number[][]; tau: number; P: Record<string, number[][]> };
};

test('kind ids are exactly the shared list', () => {
  assert.deepEqual([...ATTENTION_KINDS], ['softmax', 'normsoftmax-std', 'normsoftmax-var', 'normsoftmax-unit', 'relu-kernel', 'elu1-kernel', 'relu-logit', 'elu1-logit', 'sigmoid', 'sigmoid-normalized', 'linear']);
  assert.equal(ROW_STOCHASTIC_KINDS.length, 9);
});

test('row-stochastic kinds: rows are non-negative and sum to 1 (seeded, 200 random rows each)', () => {
  const rng = new Rng(11);
  const d = 5;
  const n = 9;
  const q = new Float64Array(d);
  const k = new Float64Array(n * d);
  const p = new Float64Array(n);
  for (const kind of ROW_STOCHASTIC_KINDS) {
    for (let t = 0; t < 200; t++) {
      const scale = 10 ** (-2 + 4 * rng.uniform());
      rng.fillNormal(q);
      rng.fillNormal(k, scale);
      attentionRow(kind, q, 0, k, 0, n, d, p, 0, 0.5 + rng.uniform());
      let s = 0;
      for (const v of p) {
        assert.ok(v >= 0 && Number.isFinite(v), `${kind}: entry ${v}`);
        s += v;
      }
      assertClose(s, 1, { rtol: 1e-14, label: `${kind} row sum` });
    }
  }
});

test('softmax and NormSoftmax forms are shift invariant: z + c gives the same row (seeded)', () => {
  const rng = new Rng(12);
  const n = 7;
  const z = new Float64Array(n);
  const zc = new Float64Array(n);
  const p1 = new Float64Array(n);
  const p2 = new Float64Array(n);
  for (const kind of ['softmax', 'normsoftmax-std', 'normsoftmax-var', 'normsoftmax-unit'] as AttentionKind[]) {
    for (let t = 0; t < 200; t++) {
      rng.fillNormal(z, 3);
      const c = 100 * (rng.uniform() - 0.5);
      for (let j = 0; j < n; j++) zc[j] = z[j]! + c;
      attentionFromLogits(kind, z, 0, n, p1, 0, 1.3);
      attentionFromLogits(kind, zc, 0, n, p2, 0, 1.3);
      // The shift changes the rounding of z + c (|c| ≤ 50): relative error ≲ 50·eps·|z/τ|.
      assertClose(p2, p1, { rtol: 1e-11, atol: 1e-13, label: `${kind} shift` });
    }
  }
});

test('NormSoftmax forms vs hand computation: z = (0, 1, 2, 3)', () => {
  const z = new Float64Array([0, 1, 2, 3]);
  const v = 1.25; // population variance of 0..3
  const sd = Math.sqrt(v);
  const soft = (s: number) => {
    const e = [0, 1, 2, 3].map((x) => Math.exp(x / s));
    const t = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / t);
  };
  const p = new Float64Array(4);
  attentionFromLogits('normsoftmax-std', z, 0, 4, p, 0, 10);
  assertClose(p, soft(sd), { rtol: 1e-14, label: 'std, cap inactive' });
  attentionFromLogits('normsoftmax-std', z, 0, 4, p, 0, 0.5);
  assertClose(p, soft(0.5), { rtol: 1e-14, label: 'std, cap τ = 0.5 active' });
  attentionFromLogits('normsoftmax-var', z, 0, 4, p, 0, 10);
  assertClose(p, soft(v), { rtol: 1e-14, label: 'var' });
  attentionFromLogits('normsoftmax-var', z, 0, 4, p, 0, 1);
  assertClose(p, soft(1), { rtol: 1e-14, label: 'var, cap 1' });
  attentionFromLogits('normsoftmax-unit', z, 0, 4, p, 0, 0.01);
  assertClose(p, soft(sd), { rtol: 1e-14, label: 'unit ignores τ' });
  attentionFromLogits('softmax', z, 0, 4, p, 0, 2);
  assertClose(p, soft(2), { rtol: 1e-14, label: 'softmax τ = 2' });
  attentionFromLogits('normsoftmax-unit', new Float64Array([5, 5, 5]), 0, 3, p, 0, 1);
  assertClose(p.subarray(0, 3), [1 / 3, 1 / 3, 1 / 3], { rtol: 1e-15, label: 'zero spread → uniform' });
});

test('kernels and logit maps vs direct formulas', () => {
  const q = new Float64Array([0.5, -1, 2]);
  const k = new Float64Array([1, 2, -1, -0.5, 0.3, 0.7, 2, -2, 0]);
  const p = new Float64Array(3);
  const phi = (f: (x: number) => number, a: number[], b: number[]) => a.reduce((s, x, i) => s + f(x) * f(b[i]!), 0);
  const keys = [[1, 2, -1], [-0.5, 0.3, 0.7], [2, -2, 0]];
  for (const [kind, f] of [['relu-kernel', (x: number) => Math.max(x, 0)], ['elu1-kernel', (x: number) => (x > 0 ? x + 1 : Math.exp(x))]] as const) {
    const sims = keys.map((kk) => phi(f, [0.5, -1, 2], kk));
    const tot = sims.reduce((a, b) => a + b, 0);
    attentionRow(kind, q, 0, k, 0, 3, 3, p, 0, 1);
    assertClose(p, sims.map((s) => s / tot), { rtol: 1e-14, label: kind });
  }
  const z = keys.map((kk) => kk.reduce((s, x, i) => s + x * [0.5, -1, 2][i]!, 0)); // (−3.5, 0.85, 3)
  attentionRow('relu-logit', q, 0, k, 0, 3, 3, p, 0, 1);
  assertClose(p, [0, 0.85 / 3.85, 3 / 3.85], { rtol: 1e-14, label: 'relu-logit' });
  const e = z.map(elu1);
  attentionRow('elu1-logit', q, 0, k, 0, 3, 3, p, 0, 1);
  assertClose(p, e.map((x) => x / (e[0]! + e[1]! + e[2]!)), { rtol: 1e-14, label: 'elu1-logit' });
  const s = z.map((x) => 1 / (1 + Math.exp(-x)));
  attentionRow('sigmoid', q, 0, k, 0, 3, 3, p, 0, 1);
  assertClose(p, s, { rtol: 1e-14, label: 'sigmoid' });
  attentionRow('sigmoid-normalized', q, 0, k, 0, 3, 3, p, 0, 1);
  assertClose(p, s.map((x) => x / (s[0]! + s[1]! + s[2]!)), { rtol: 1e-14, label: 'sigmoid-normalized' });
  attentionRow('linear', q, 0, k, 0, 3, 3, p, 0, 1);
  assertClose(p, z, { rtol: 1e-14, label: 'linear' });
  // Zero mass: ReLU with no positive similarity → uniform row, returns 0.
  assert.equal(attentionRow('relu-logit', new Float64Array([1]), 0, new Float64Array([-1, -2]), 0, 2, 1, p, 0, 1), 0);
  assertClose(p.subarray(0, 2), [0.5, 0.5], { rtol: 0, label: 'zero mass → uniform' });
});

test('every kind matches the independent numpy implementation on fixed inputs', () => {
  const { q, k, tau, P } = ref.kinds;
  for (const kind of ATTENTION_KINDS) {
    const r = attention(kind, q, k, { tau });
    assertClose(r.P, P[kind]!.flat(), { rtol: 1e-12, atol: 1e-15, label: `numpy ${kind}` });
  }
});

test('attention(): bad input names the argument', () => {
  const q = [[1, 0]];
  const k = [[1, 0], [0, 1]];
  for (const bad of ['softmaxx', '', 3, undefined, null]) assert.throws(() => attention(bad as AttentionKind, q, k), (e: unknown) => e instanceof OptionError && e.option === 'kind');
  for (const bad of [0, -1, NaN, Infinity, '1', null]) assert.throws(() => attention('softmax', q, k, { tau: bad as number }), (e: unknown) => e instanceof OptionError && e.option === 'options.tau');
  assert.throws(() => attention('softmax', q, k, { temperature: 1 } as never), (e: unknown) => e instanceof OptionError && e.option === 'options.temperature');
  for (const bad of [[], [[]], 'x', [[1, NaN]], [1, 2], null]) assert.throws(() => attention('softmax', bad, k), (e: unknown) => (e instanceof OptionError || e instanceof DimensionError) && e.option.startsWith('q'));
  for (const bad of [[], [[1, 2, 3]], [[1, Infinity]], 7]) assert.throws(() => attention('softmax', q, bad), (e: unknown) => (e instanceof OptionError || e instanceof DimensionError) && e.option.startsWith('k'));
});
