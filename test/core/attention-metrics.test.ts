/**
 * Attention metrics (E-4 … E-7; the row skewness is E-6): closed forms (one-hot skewness (N−2)/√(N−1), uniform and
 * one-hot norms), seeded property tests (entropy ∈ [0, log n], 1 ≤ ‖P‖_F ≤ √N, ‖P‖₂ ≤ ‖P‖_F),
 * and the numpy fixture (entropy, skewness, max, ‖P‖_F, ‖P‖₂ = np.linalg.norm(P, 2), logit
 * variance). Tolerances: 1e-13 relative (sums of ≤ 50 O(1) terms); the power iteration stops
 * at residual 1e-12, so its norm is accurate to ~1e-12 relative or better.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { attention, ROW_STOCHASTIC_KINDS } from '../../src/core/attention-kinds.js';
import { frobeniusNorm, logitVariance, meanEntropy, operatorNorm, rowEntropy, rowMax, rowSkewness, spectralNorm } from '../../src/core/attention-metrics.js';
import { softmax } from '../../src/core/softmax.js';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/entropy/reference.json', import.meta.url), 'utf8')) as {
  kinds: { q: number[][]; k: number[][]; tau: number; logitVariance: number[]; metrics: Record<string, { rowEntropy: number[]; skewness: number[]; maxP: number[]; frobenius: number; spectral: number }> };
};

test('one-hot row: entropy 0, skewness (N−2)/√(N−1); uniform row: entropy log N, skewness 0', () => {
  for (const n of [2, 3, 5, 20, 101]) {
    const p = new Float64Array(n);
    p[Math.floor(n / 2)] = 1;
    assert.equal(rowEntropy(p, 0, n), 0);
    assertClose(rowSkewness(p, 0, n), (n - 2) / Math.sqrt(n - 1), { rtol: 1e-13, label: `skew one-hot n=${n}` });
    p.fill(1 / n);
    assertClose(rowEntropy(p, 0, n), Math.log(n), { rtol: 1e-14, label: `entropy uniform n=${n}` });
    assert.equal(rowSkewness(p, 0, n), 0);
  }
});

test('closed forms: logit variance, max, mean entropy, norms', () => {
  assertClose(logitVariance(new Float64Array([9, 1, 2, 3, 4]), 1, 4), 1.25, { rtol: 1e-15, label: 'var of 1..4' });
  assert.equal(rowMax(new Float64Array([0.1, 0.6, 0.3]), 0, 3), 0.6);
  assertClose(meanEntropy(new Float64Array([1, 0, 0.5, 0.5]), 2, 2), Math.log(2) / 2, { rtol: 1e-15, label: 'H(P)' });
  const w = new Float64Array(16);
  assertClose(spectralNorm(new Float64Array([3, 0, 0, 1]), 2, 2, w), 3, { rtol: 1e-12, label: '‖diag(3,1)‖₂' });
  assertClose(spectralNorm(new Float64Array([1, 1, 1, 1]), 2, 2, w), 2, { rtol: 1e-12, label: '‖ones‖₂' });
  assertClose(spectralNorm(new Float64Array([1, 2, 3]), 1, 3, w), Math.sqrt(14), { rtol: 1e-12, label: 'row vector' });
  assert.equal(spectralNorm(new Float64Array(4), 2, 2, w), 0);
  assertClose(operatorNorm(new Float64Array([3, 4]), 1, 2, w), 5, { rtol: 1e-15, label: 'Jacobi row vector' });
  // Equal singular values (a rotation by 30°): power iteration's hard case, Jacobi exact.
  const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
  assertClose(operatorNorm(new Float64Array([c, -s, s, c]), 2, 2, w), 1, { rtol: 1e-15, label: 'rotation' });
  const N = 6;
  const U = new Float64Array(N * N).fill(1 / N);
  assertClose(frobeniusNorm(U, N, N), 1, { rtol: 1e-15, label: '‖uniform‖_F' });
  const I = new Float64Array(N * N);
  for (let i = 0; i < N; i++) I[i * N + i] = 1;
  assertClose(frobeniusNorm(I, N, N), Math.sqrt(N), { rtol: 1e-15, label: '‖one-hot‖_F' });
});

test('properties (seeded): entropy ∈ [0, log n], 1 ≤ ‖P‖_F ≤ √N, ‖P‖₂ ∈ [1, ‖P‖_F], skewness of any row ≤ one-hot value', () => {
  const rng = new Rng(21);
  const work = new Float64Array(256); // ≥ N² for the Gram matrix (N ≤ 10)
  for (let t = 0; t < 500; t++) {
    const N = 2 + rng.int(9);
    const Z = new Float64Array(N * N);
    const P = new Float64Array(N * N);
    rng.fillNormal(Z, 10 ** (-2 + 5 * rng.uniform()));
    for (let i = 0; i < N; i++) softmax(Z, P, i * N, i * N, N);
    for (let i = 0; i < N; i++) {
      const h = rowEntropy(P, i * N, N);
      assert.ok(h >= 0 && h <= Math.log(N) * (1 + 1e-14), `entropy ${h} outside [0, log ${N}]`);
      assert.ok(rowSkewness(P, i * N, N) <= ((N - 2) / Math.sqrt(N - 1)) * (1 + 1e-12) + 1e-12, 'skewness above the one-hot maximum');
    }
    const f = frobeniusNorm(P, N, N);
    assert.ok(f >= 1 - 1e-14 && f <= Math.sqrt(N) * (1 + 1e-14), `‖P‖_F = ${f}, N = ${N}`);
    const s = operatorNorm(P, N, N, work);
    // ‖P‖₂ ≥ ‖P1‖/‖1‖ = 1 for row-stochastic P, and ‖P‖₂ ≤ ‖P‖_F.
    assert.ok(s >= 1 - 1e-13 && s <= f * (1 + 1e-13), `‖P‖₂ = ${s}, ‖P‖_F = ${f}`);
    // Power iteration gives a Rayleigh quotient, a lower bound; its error after the 20 000-step
    // cap is below the gap σ₁ − σ₂ when that gap is tiny (near-one-hot P with two dominant
    // singular values, seen at 4e-6 here), so only 1e-4 relative is asserted on random P; the
    // numpy test below checks 1e-10 on a matrix with a clear gap.
    const sp = spectralNorm(P, N, N, work);
    assert.ok(sp <= s * (1 + 1e-13) && sp >= s * (1 - 1e-4), `power ${sp} vs Jacobi ${s}`);
  }
});

test('metrics match the numpy fixture for every row-stochastic kind', () => {
  const { q, k, tau, metrics } = ref.kinds;
  const work = new Float64Array(256);
  for (const kind of ROW_STOCHASTIC_KINDS) {
    const r = attention(kind, q, k, { tau });
    const m = metrics[kind]!;
    const n = r.cols;
    const H = Array.from({ length: r.rows }, (_, i) => rowEntropy(r.P, i * n, n));
    const S = Array.from({ length: r.rows }, (_, i) => rowSkewness(r.P, i * n, n));
    const M = Array.from({ length: r.rows }, (_, i) => rowMax(r.P, i * n, n));
    assertClose(H, m.rowEntropy, { rtol: 1e-12, atol: 1e-14, label: `${kind} entropy` });
    assertClose(S, m.skewness, { rtol: 1e-11, atol: 1e-13, label: `${kind} skewness` });
    assertClose(M, m.maxP, { rtol: 1e-12, label: `${kind} max` });
    assertClose(frobeniusNorm(r.P, r.rows, n), m.frobenius, { rtol: 1e-13, label: `${kind} ‖P‖_F` });
    assertClose(spectralNorm(r.P, r.rows, n, work), m.spectral, { rtol: 1e-10, label: `${kind} ‖P‖₂ (power)` });
    assertClose(operatorNorm(r.P, r.rows, n, work), m.spectral, { rtol: 1e-13, label: `${kind} ‖P‖₂ (Jacobi)` });
  }
  const z = q.map((qi) => k.map((kj) => kj.reduce((s, x, l) => s + x * qi[l]!, 0)));
  assertClose(z.map((row) => logitVariance(row, 0, row.length)), ref.kinds.logitVariance, { rtol: 1e-12, label: 'logit variance' });
});

test('doc examples of attention-kinds and attention-metrics, as stated', async () => {
  const k = await import('../../src/core/attention-kinds.js');
  assert.equal(k.ATTENTION_KINDS.length, 11);
  assert.equal(k.ROW_STOCHASTIC_KINDS.includes('sigmoid'), false);
  assert.equal(k.isKernelKind('elu1-kernel'), true);
  assert.equal(k.isKernelKind('elu1-logit'), false);
  assert.equal(k.ATTENTION_KIND_DEFAULTS.tau, 1);
  assert.equal(k.elu1(2), 3);
  assert.equal(k.elu1(-1), 0.36787944117144233);
  const p = new Float64Array(3);
  assert.equal(k.attentionFromLogits('relu-logit', new Float64Array([-1, 1, 3]), 0, 3, p, 0, 1), 4);
  assert.deepEqual([...p], [0, 0.25, 0.75]);
  const p2 = new Float64Array(2);
  assert.equal(k.attentionRow('relu-kernel', new Float64Array([1, 0]), 0, new Float64Array([1, 5, -1, 5]), 0, 2, 2, p2, 0, 1), 1);
  assert.deepEqual([...p2], [1, 0]);
  const P = new Float64Array(4);
  assert.equal(k.attentionMatrix('softmax', new Float64Array([0, 0]), new Float64Array([1, 2]), 2, 2, 1, P, 1), 0);
  assert.deepEqual([...P], [0.5, 0.5, 0.5, 0.5]);
  assertClose(k.attention('softmax', [[1, 0]], [[0, 0], [Math.log(3), 0]]).P, [0.25, 0.75], { rtol: 1e-15, label: 'attention example' });
  assert.equal(rowEntropy(new Float64Array([0.5, 0.5, 0, 0]), 0, 4), Math.log(2));
  assert.equal(meanEntropy(new Float64Array([1, 0, 0.5, 0.5]), 2, 2), 0.34657359027997264);
  assert.equal(logitVariance(new Float64Array([1, 3]), 0, 2), 1);
  assert.equal(rowMax(new Float64Array([0.2, 0.7, 0.1]), 0, 3), 0.7);
  assertClose(rowSkewness(new Float64Array([1, 0, 0, 0, 0]), 0, 5), 1.5, { rtol: 1e-15, label: 'rowSkewness example' });
  assert.equal(frobeniusNorm(new Float64Array([1, 0, 0, 1]), 2, 2), Math.SQRT2);
  assertClose(spectralNorm(new Float64Array([3, 0, 0, 1]), 2, 2, new Float64Array(6)), 3, { rtol: 1e-12, label: 'spectralNorm example' });
  assertClose(operatorNorm(new Float64Array([3, 4]), 1, 2, new Float64Array(4)), 5, { rtol: 1e-15, label: 'operatorNorm example' });
});
