/**
 * The in-context-regression model readings (src/train/icl-reading.ts, T-1): on tiny shapes the
 * layer output is recomputed by hand from the returned P and the weights (an independent
 * float64 computation), for the 1/n output scale, the query value mask, the sparse layout of
 * Ahn et al.'s code and the readout sign; QK-LayerNorm's gain and bias receive gradients.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { loadBackend, resolveTrainConfig, type TrainConfig } from '../../src/train/index.js';
import { TASKS, TransformerModel, parameterShapes } from '../../src/train/tensors.js';
import { tf } from '../../src/train/tf.js';
import { assertClose } from '../helpers/tolerance.js';

before(async () => {
  await loadBackend('cpu');
});

const B = 2;
const n = 3; // context tokens; N = n + 1
const N = n + 1;
const W = 3; // token width [x (2); y]

function config(over: Partial<TrainConfig>): TrainConfig {
  return resolveTrainConfig('icl-regression', { width: W, layers: 1, batchSize: B, iclContext: n, initStd: 0.7, ...over });
}

/** Forward of a 1-layer model on one batch: input, output, P (float64 copies) and the weights. */
function forward(c: TrainConfig): { x: Float64Array; out: Float64Array; P: Float64Array; w: Map<string, Float64Array>; target: Float64Array } {
  const task = TASKS['icl-regression'];
  const model = new TransformerModel(task.model(c), new Rng(5).fork(0));
  const host = task.batch(new Rng(5).fork(1), c);
  try {
    let r: ReturnType<typeof forward> | undefined;
    tf.tidy(() => {
      const input = tf.tensor(host.input as Float32Array, host.inputShape);
      const f = model.forward(input);
      const w = new Map<string, Float64Array>();
      for (const [name, v] of model.params) w.set(name, Float64Array.from(v.dataSync()));
      r = { x: Float64Array.from(host.input), out: Float64Array.from(f.out.dataSync()), P: Float64Array.from(f.P[0]!.dataSync()), w, target: Float64Array.from(host.target) };
    });
    return r!;
  } finally {
    model.dispose();
  }
}

/** Expected layer output x + scale·P·(masked value) computed in float64 from P and the weights. */
function expected(r: ReturnType<typeof forward>, o: { sparse: boolean; scale: number; mask: boolean }): Float64Array {
  const d = W - 1;
  const wv = r.w.get('L0.wv')!;
  const e = o.sparse ? d : W;
  const out = Float64Array.from(r.x);
  for (let b = 0; b < B; b++) {
    const v = new Float64Array(N * W);
    for (let j = 0; j < N; j++) {
      const tok = r.x.subarray((b * N + j) * W, (b * N + j + 1) * W);
      for (let c = 0; c < e; c++) {
        let s = 0;
        for (let a = 0; a < e; a++) s += tok[a]! * wv[a * e + c]!;
        v[j * W + c] = s;
      }
      if (o.sparse) v[j * W + d] = tok[d]!; // the code's value of y is y
      if (o.mask && j === N - 1) for (let c = 0; c < W; c++) v[j * W + c] = 0;
    }
    for (let i = 0; i < N; i++) {
      for (let c = 0; c < W; c++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += r.P[b * N * N + i * N + j]! * v[j * W + c]!;
        out[(b * N + i) * W + c]! += o.scale * s;
      }
    }
  }
  return out;
}

// float32 forward vs float64 recomputation from the same float32 P and weights: entries O(1),
// a few float32 roundings each (6e-8 relative) → atol 1e-5 with a wide margin.
const TOL = { atol: 1e-5, rtol: 1e-5 };

test('icl dense reading: plain, 1/n output scale and query value mask match the hand computation', () => {
  for (const [scale, mask] of [
    ['none', 'none'],
    ['context', 'none'],
    ['none', 'value'],
    ['context', 'value'],
  ] as const) {
    for (const kind of ['softmax', 'elu1-kernel'] as const) {
      const r = forward(config({ attention: kind, iclOutputScale: scale, iclQueryMask: mask }));
      assertClose(r.out, expected(r, { sparse: false, scale: scale === 'context' ? 1 / n : 1, mask: mask === 'value' }), TOL);
    }
  }
});

test('icl sparse reading (Ahn et al. layout): q, k, W_V act on x only and the value of y is y', () => {
  const c = config({ attention: 'softmax', iclStructure: 'sparse', iclOutputScale: 'context', iclQueryMask: 'value' });
  const shapes = new Map(parameterShapes(TASKS['icl-regression'].model(c)));
  assert.deepEqual(shapes.get('L0.wq'), [W - 1, W - 1]);
  assert.deepEqual(shapes.get('L0.wv'), [W - 1, W - 1]);
  const r = forward(c);
  assertClose(r.out, expected(r, { sparse: true, scale: 1 / n, mask: true }), TOL);
  // Rows of P still sum to 1 over all N keys (the mask acts on values, after the weights).
  for (let row = 0; row < B * N; row++) {
    let s = 0;
    for (let j = 0; j < N; j++) s += r.P[row * N + j]!;
    assertClose([s], [1], { atol: 1e-6, rtol: 0 });
  }
  assert.throws(() => resolveTrainConfig('icl-regression', { iclStructure: 'sparse', heads: 2 }), /heads/);
});

test('icl readout sign: the target is sign·y (sign −1 reads the prediction as −Z_out)', () => {
  const plus = forward(config({}));
  const minus = forward(config({ iclReadoutSign: -1 }));
  assert.ok(plus.target.some((t) => t !== 0));
  assertClose(minus.target, plus.target.map((t) => -t), { atol: 0, rtol: 0 });
  // The query's y slot is 0 in the input whatever the sign.
  for (let b = 0; b < B; b++) assert.equal(minus.x[(b * N + N - 1) * W + W - 1], 0);
  assert.throws(() => resolveTrainConfig('icl-regression', { iclReadoutSign: 2 }), /iclReadoutSign/);
});

test('QK-LayerNorm has a learned gain and bias on q and k; q gain, q bias and k gain get gradients, the k bias none (softmax is shift-invariant per row)', () => {
  const c = config({ attention: 'qk-layernorm' });
  const task = TASKS['icl-regression'];
  const model = new TransformerModel(task.model(c), new Rng(5).fork(0));
  try {
    const names = [...model.params.keys()];
    for (const p of ['L0.qln.g', 'L0.qln.b', 'L0.kln.g', 'L0.kln.b']) assert.ok(names.includes(p), p);
    const host = task.batch(new Rng(5).fork(1), c);
    const norms = new Map<string, number>();
    tf.tidy(() => {
      const input = tf.tensor(host.input as Float32Array, host.inputShape);
      const target = tf.tensor(host.target as Float32Array, host.targetShape);
      const vars = [...model.params.values()];
      const { grads } = tf.variableGrads(() => task.loss(model.forward(input).out, target), vars);
      for (const [name, v] of model.params) norms.set(name, Math.hypot(...grads[v.name]!.dataSync()));
    });
    for (const p of ['L0.qln.g', 'L0.qln.b', 'L0.kln.g']) assert.ok(norms.get(p)! > 1e-6, `${p} gradient ${norms.get(p)}`);
    assert.ok(norms.get('L0.kln.b')! < 1e-5, `k bias gradient ${norms.get('L0.kln.b')}`);
    // Changing the gain changes the attention (it is not a no-op parameter).
    const before = tf.tidy(() => model.forward(tf.tensor(host.input as Float32Array, host.inputShape)).P[0]!.dataSync());
    model.p('L0.qln.g').assign(tf.fill([W], 3));
    const after = tf.tidy(() => model.forward(tf.tensor(host.input as Float32Array, host.inputShape)).P[0]!.dataSync());
    assert.ok(Math.max(...before.map((v, i) => Math.abs(v - after[i]!))) > 1e-3);
  } finally {
    model.dispose();
  }
});
