/**
 * The tfjs attention kinds (float32) against the float64 core kernels (src/core/attention-kinds.ts,
 * an independent implementation) and the row-sum invariant; layer metrics against the core
 * metrics computed directly.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ATTENTION_KINDS, attentionRow, type AttentionKind } from '../../src/core/attention-kinds.js';
import { logitVariance, rowEntropy } from '../../src/core/attention-metrics.js';
import { Rng } from '../../src/core/rng.js';
import { TRAIN_ATTENTION_KINDS, isRowStochastic, layerStats, loadBackend, sinkScores, detectSpikes } from '../../src/train/index.js';
import { attentionWeights } from '../../src/train/tensors.js';
import { tf } from '../../src/train/tf.js';
import { assertClose } from '../helpers/tolerance.js';

const N = 7;
const D = 4;

before(async () => {
  await loadBackend('cpu');
});

function randomQK(seed: number): { q: Float64Array; k: Float64Array } {
  const rng = new Rng(seed);
  return { q: rng.fillNormal(new Float64Array(N * D)), k: rng.fillNormal(new Float64Array(N * D)) };
}

function tfWeights(kind: (typeof TRAIN_ATTENTION_KINDS)[number], q: Float64Array, k: Float64Array, tau: number, causal: boolean): { P: Float32Array; Z: Float32Array } {
  return tf.tidy(() => {
    const mask = causal ? (tf.linalg.bandPart(tf.ones([N, N]), -1, 0) as tf.Tensor2D) : null;
    const { P, Z } = attentionWeights(tf.tensor4d(Float32Array.from(q), [1, 1, N, D]), tf.tensor4d(Float32Array.from(k), [1, 1, N, D]), { kind, tau, rowNormalize: true, logitScale: 1, mask });
    return { P: P.dataSync() as Float32Array, Z: Z.dataSync() as Float32Array };
  });
}

test('every core kind matches the float64 kernels row by row (float32 tolerance)', () => {
  // Inputs are float32-rounded before both computations, so the only difference is float32
  // arithmetic: O(10) ulps of 6e-8 on weights of size ≤ 1 → atol 2e-6 with margin ×10.
  for (const kind of ATTENTION_KINDS) {
    const { q, k } = randomQK(11);
    const qf = Float64Array.from(Float32Array.from(q));
    const kf = Float64Array.from(Float32Array.from(k));
    const tau = 0.8;
    const { P } = tfWeights(kind, qf, kf, tau, false);
    const expected = new Float64Array(N * N);
    for (let i = 0; i < N; i++) attentionRow(kind as AttentionKind, qf, i * D, kf, 0, N, D, expected, i * N, tau);
    // linear: the training model divides by the number of visible keys (documented).
    if (kind === 'linear') for (let e = 0; e < N * N; e++) expected[e]! /= N;
    // normsoftmax-std: the training kind uses torch.std's unbiased estimator (tested below).
    if (kind === 'normsoftmax-std') continue;
    assertClose(P, expected, { atol: 2e-5, rtol: 1e-5, label: kind });
  }
});

/** float64 reference of softmax(z / min(std, τ)) over row i with the unbiased (n − 1) std. */
function normSoftmaxUnbiased(q: Float64Array, k: Float64Array, i: number, n: number, tau: number): number[] {
  const z = Array.from({ length: n }, (_, j) => {
    let d = 0;
    for (let l = 0; l < D; l++) d += q[i * D + l]! * k[j * D + l]!;
    return d;
  });
  const mean = z.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t = Math.min(sd, tau);
  const e = z.map((x) => Math.exp((x - Math.max(...z)) / t));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

test('normsoftmax-std uses the unbiased std of torch.std (×√(n/(n−1)) over the population std), with and without a mask', () => {
  const { q, k } = randomQK(11);
  const qf = Float64Array.from(Float32Array.from(q));
  const kf = Float64Array.from(Float32Array.from(k));
  // τ large: the std is the denominator, so the estimator shows; τ small: min(std, τ) = τ.
  for (const tau of [50, 0.3]) {
    for (const causal of [false, true]) {
      const { P } = tfWeights('normsoftmax-std', qf, kf, tau, causal);
      for (let i = causal ? 1 : 0; i < N; i++) {
        const n = causal ? i + 1 : N;
        assertClose(P.subarray(i * N, i * N + n), normSoftmaxUnbiased(qf, kf, i, n, tau), { atol: 2e-5, rtol: 1e-5, label: `tau ${tau} causal ${causal} row ${i}` });
      }
    }
  }
  // The population std would give a different row when the std is the denominator.
  const { P } = tfWeights('normsoftmax-std', qf, kf, 50, false);
  const population = new Float64Array(N);
  attentionRow('normsoftmax-std', qf, 0, kf, 0, N, D, population, 0, 50);
  assert.ok(Math.max(...Array.from(population, (p, j) => Math.abs(p - P[j]!))) > 1e-3, 'unbiased and population std must differ at n = 7');
});

test('raw-dot is Z/τ with the causal mask and no normalisation', () => {
  const { q, k } = randomQK(4);
  const { P, Z } = tfWeights('raw-dot', q, k, 2, true);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) assertClose(P[i * N + j]!, j <= i ? Z[i * N + j]! / 2 : 0, { atol: 1e-6, label: `(${i}, ${j})` });
  assert.equal(isRowStochastic('raw-dot', true), false);
});

test('qk-layernorm equals softmax of the normalised q and k (float64 reference)', () => {
  const { q, k } = randomQK(5);
  const norm = (x: Float64Array): Float64Array => {
    const out = new Float64Array(x.length);
    for (let i = 0; i < N; i++) {
      let m = 0;
      for (let l = 0; l < D; l++) m += x[i * D + l]! / D;
      let v = 0;
      for (let l = 0; l < D; l++) v += (x[i * D + l]! - m) ** 2 / D;
      for (let l = 0; l < D; l++) out[i * D + l] = (x[i * D + l]! - m) / Math.sqrt(v + 1e-5);
    }
    return out;
  };
  const { P } = tfWeights('qk-layernorm', q, k, 2, false);
  const expected = new Float64Array(N * N);
  for (let i = 0; i < N; i++) attentionRow('softmax', norm(q), i * D, norm(k), 0, N, D, expected, i * N, 2);
  assertClose(P, expected, { atol: 2e-5, rtol: 1e-5, label: 'qk-layernorm' });
});

test('normalised kinds: rows sum to 1, with and without a causal mask; masked entries are 0', () => {
  for (const kind of TRAIN_ATTENTION_KINDS.filter((k) => isRowStochastic(k, true))) {
    for (const causal of [false, true]) {
      const { q, k } = randomQK(3);
      const { P } = tfWeights(kind, q, k, 1, causal);
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let j = 0; j < N; j++) {
          s += P[i * N + j]!;
          if (causal && j > i) assert.equal(P[i * N + j], 0, `${kind} masked entry (${i}, ${j})`);
        }
        // float32 sum of ≤ 7 terms: |error| ≤ 7·6e-8; 1e-5 leaves margin.
        assertClose(s, 1, { atol: 1e-5, label: `${kind} causal=${causal} row ${i}` });
      }
    }
  }
});

test('layerStats equals the core metrics computed directly, including causal rows', () => {
  const { q, k } = randomQK(9);
  const { P, Z } = tfWeights('softmax', q, k, 1, true);
  const s = layerStats(P, Z, 1, 1, N, true);
  let h = 0;
  let lv = 0;
  for (let i = 0; i < N; i++) {
    h += rowEntropy(Float64Array.from(P.subarray(i * N, i * N + i + 1)), 0, i + 1);
    lv += logitVariance(Float64Array.from(Z.subarray(i * N, i * N + i + 1)), 0, i + 1);
  }
  assertClose(s.entropy, h / N, { rtol: 1e-12, label: 'entropy' });
  assertClose(s.logitVariance, lv / N, { rtol: 1e-12, label: 'logit variance' });
  // Doc example: P = [[.5,.5],[1,0]], Z = [[0,0],[2,0]].
  const ex = layerStats([0.5, 0.5, 1, 0], [0, 0, 2, 0], 1, 1, 2, false);
  assertClose([ex.entropy, ex.logitVariance, ex.frobenius], [Math.LN2 / 2, 0.5, Math.sqrt(1.5)], { rtol: 1e-15, label: 'doc example' });
  // A diverged step (NaN weights) must not read as a collapsed (zero-entropy) one.
  assert.ok(Number.isNaN(layerStats([NaN, 0.5, 1, 0], [0, 0, 2, 0], 1, 1, 2, false).entropy));
});

test('sink score: all mass on BOS gives 1, uniform causal rows give the mean of 1/(q+1)', () => {
  const n = 12;
  const onBos = new Float64Array(n * n);
  const uniform = new Float64Array(n * n);
  for (let qi = 0; qi < n; qi++) {
    onBos[qi * n] = 1;
    for (let j = 0; j <= qi; j++) uniform[qi * n + j] = 1 / (qi + 1);
  }
  assert.deepEqual(sinkScores(onBos, 1, 1, n), [1]);
  let expected = 0;
  for (let qi = 1; qi <= 9; qi++) expected += 1 / (qi + 1);
  assertClose(sinkScores(uniform, 1, 1, n)[0]!, expected / 9, { rtol: 1e-14, label: 'uniform sink score' });
});

test('detectSpikes finds a 50× jump and non-finite values only', () => {
  assert.deepEqual(detectSpikes([1, 1, 1, 1, 50, 1], 3, 10), [4]);
  assert.deepEqual(detectSpikes([1, 1, 1, 2, 3, NaN], 3, 10), [5]);
});
