/**
 * The four training tasks: data generators (seeded with `Rng`, host arrays), model shapes,
 * losses and accuracies. Data for step s come from `new Rng(seed).fork(s + 1)` (see trainer.ts),
 * so no generator state needs saving in a checkpoint.
 */
import { Rng } from '../core/rng.js';
import { tf } from './tf.js';
import type { TaskId, TrainConfig } from './config.js';
import type { ModelConfig } from './model.js';

/** A batch on the host: inputs and targets with their shapes. */
export interface HostBatch {
  readonly input: Float32Array | Int32Array;
  readonly inputShape: number[];
  readonly target: Float32Array | Int32Array;
  readonly targetShape: number[];
}

/** One task: model shape, data, loss and accuracy (tensors inside the caller's tidy). */
export interface Task {
  readonly id: TaskId;
  model(c: TrainConfig): ModelConfig;
  batch(rng: Rng, c: TrainConfig): HostBatch;
  /** Fixed held-out set (null: no held-out set). */
  evalSet(c: TrainConfig): HostBatch | null;
  loss(out: tf.Tensor3D, target: tf.Tensor): tf.Scalar;
  /** Task accuracy in [0, 1] (icl-regression: 0; it reports loss only). */
  accuracy(out: tf.Tensor3D, target: tf.Tensor): tf.Scalar;
}

const baseModel = (c: TrainConfig): ModelConfig => ({
  input: 'tokens',
  vocab: 0,
  width: c.width,
  layers: c.layers,
  heads: c.heads,
  mlp: c.mlp,
  layerNorm: true,
  positions: true,
  maxLen: 0,
  causal: false,
  attention: c.attention,
  rowNormalize: c.rowNormalize,
  tau: c.tau,
  outputProjection: true,
  outputDim: 0,
  readout: 'all',
  initScale: c.initScale,
});

/** Cross-entropy of logits [M, C] against integer labels [M], mean over M. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logp = tf.logSoftmax(logits);
  const onehot = tf.oneHot(labels, logits.shape[1]);
  return tf.neg(tf.mean(tf.sum(logp.mul(onehot), -1))) as tf.Scalar;
}

/** Fraction of argmax(logits) equal to labels. */
function accuracyOf(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.equal(tf.argMax(logits, -1), labels).toFloat()) as tf.Scalar;
}

/** Last position of [B, N, C] as [B, C]. */
function lastPosition(out: tf.Tensor3D): tf.Tensor2D {
  const [B, N, C] = out.shape;
  return out.slice([0, N - 1, 0], [B, 1, C]).reshape([B, C]);
}

/** In-context linear regression (B.3): context length n = 19, N = 20 tokens [x; y], query [x; 0] (the paper's N = n + 1 = 20; `iclContext` sets n). */
export const ICL_SEQUENCE = 20;

/**
 * In-context linear regression (B.3, T-1): tokens [x_i; y_i], query [x_{n+1}; 0], x, w ~ N(0, I_d),
 * d = width − 1, n = `iclContext`; the model reading is `iclStructure`, `iclOutputScale`,
 * `iclQueryMask` (icl-reading.ts). The target is `iclReadoutSign`·y, so the loss
 * ½(out − sign·y)² is ½(sign·out − y)²: the prediction is sign × the last coordinate of the query
 * token (sign −1: the code's (Z_out + y)², with the paper's ½).
 */
const iclRegression: Task = {
  id: 'icl-regression',
  model: (c) => ({
    ...baseModel(c),
    input: 'vectors',
    layerNorm: false,
    positions: false,
    maxLen: c.iclContext + 1,
    outputProjection: false,
    mlp: 0,
    heads: c.heads,
    initStd: c.initStd,
    icl: { structure: c.iclStructure, outputScale: c.iclOutputScale, queryMask: c.iclQueryMask },
  }),
  batch(rng, c) {
    const d = c.width - 1;
    const N = c.iclContext + 1;
    const B = c.batchSize;
    const input = new Float32Array(B * N * c.width);
    const target = new Float32Array(B);
    // Per sample w, then x_1 … x_N: one fill draws the same stream as N + 1 fills of d.
    const z = new Float64Array(d * (N + 1));
    for (let b = 0; b < B; b++) {
      rng.fillNormal(z);
      for (let i = 0; i < N; i++) {
        let y = 0;
        const off = (b * N + i) * c.width;
        const xo = d * (i + 1);
        for (let j = 0; j < d; j++) {
          input[off + j] = z[xo + j]!;
          y += z[j]! * z[xo + j]!;
        }
        if (i < N - 1) input[off + d] = y;
        else target[b] = c.iclReadoutSign * y;
      }
    }
    return { input, inputShape: [B, N, c.width], target, targetShape: [B] };
  },
  evalSet: () => null,
  loss(out, target) {
    const [B, N, D] = out.shape;
    const pred = out.slice([0, N - 1, D - 1], [B, 1, 1]).reshape([B]);
    return tf.mean(tf.square(pred.sub(target))).mul(0.5) as tf.Scalar;
  },
  accuracy: () => tf.scalar(0),
};

/** Induction task (A.6): vocabulary 50 plus 50 query-copy ids; input length 12. */
export const INDUCTION_VOCAB = 100;
const INDUCTION_LEN = 12;

function inductionBatch(rng: Rng, B: number): HostBatch {
  const input = new Int32Array(B * INDUCTION_LEN);
  const target = new Int32Array(B * INDUCTION_LEN);
  const seq = new Int32Array(13);
  for (let b = 0; b < B; b++) {
    const perm = rng.permutation(49);
    seq[0] = 0;
    for (let i = 0; i < 10; i++) seq[1 + i] = perm[i]! + 1;
    const r = rng.int(10);
    seq[11] = seq[1 + r]! + 50;
    // The continuation is the token after t_r in [t_1..t_10, q] (authors' datasets.py): for
    // r = 9 (the last t) that is the query-copy id itself.
    seq[12] = seq[2 + r]!;
    for (let i = 0; i < INDUCTION_LEN; i++) {
      input[b * INDUCTION_LEN + i] = seq[i]!;
      target[b * INDUCTION_LEN + i] = seq[i + 1]!;
    }
  }
  return { input, inputShape: [B, INDUCTION_LEN], target, targetShape: [B, INDUCTION_LEN] };
}

const induction: Task = {
  id: 'induction',
  // As the authors' code (tml-epfl/softmax): positions concatenated (conf/induction_config.yaml
  // `positional_type: concat`) and PyTorch's nn.Linear initialisation (src/model.py).
  model: (c) => ({ ...baseModel(c), vocab: INDUCTION_VOCAB, maxLen: INDUCTION_LEN, causal: true, outputDim: INDUCTION_VOCAB, positionalType: 'concat', initDistribution: 'uniform' }),
  batch: (rng, c) => inductionBatch(rng, c.batchSize),
  evalSet: (c) => inductionBatch(new Rng(c.seed).fork(1_000_003), Math.max(1, c.evalSize)),
  loss(out, target) {
    const [B, N, C] = out.shape;
    const last = crossEntropy(lastPosition(out), target.slice([0, N - 1], [B, 1]).reshape([B]));
    const early = crossEntropy(out.slice([0, 0, 0], [B, N - 1, C]).reshape([B * (N - 1), C]), target.slice([0, 0], [B, N - 1]).reshape([B * (N - 1)]));
    return last.add(early.mul(0.2)) as tf.Scalar;
  },
  accuracy(out, target) {
    const [B, N] = out.shape;
    return accuracyOf(lastPosition(out), target.slice([0, N - 1], [B, 1]).reshape([B]));
  },
};

/** Classification task (A.6 Fig. 5): 4 labels × 10 own tokens, CLS = 0 placed last; length 11. */
export const CLASSIFICATION_LEN = 11;

function classificationSample(rng: Rng, label: number, out: Int32Array, off: number): void {
  const perm = rng.permutation(10);
  for (let i = 0; i < 10; i++) out[off + i] = 10 * label + 1 + perm[i]!;
  out[off + 10] = 0;
}

/** One probe sequence per label (fixed per seed): the tracked CLS rows of Fig. 5. */
export function classificationProbes(seed: number): HostBatch {
  const rng = new Rng(seed).fork(2_000_003);
  const input = new Int32Array(4 * CLASSIFICATION_LEN);
  const target = new Int32Array(4);
  for (let k = 0; k < 4; k++) {
    classificationSample(rng, k, input, k * CLASSIFICATION_LEN);
    target[k] = k;
  }
  return { input, inputShape: [4, CLASSIFICATION_LEN], target, targetShape: [4] };
}

function classificationBatch(rng: Rng, B: number): HostBatch {
  const input = new Int32Array(B * CLASSIFICATION_LEN);
  const target = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const label = rng.int(4);
    classificationSample(rng, label, input, b * CLASSIFICATION_LEN);
    target[b] = label;
  }
  return { input, inputShape: [B, CLASSIFICATION_LEN], target, targetShape: [B] };
}

const classification: Task = {
  id: 'classification',
  // PyTorch's nn.Linear initialisation, as the authors' code (tml-epfl/softmax src/model.py).
  model: (c) => ({ ...baseModel(c), vocab: 41, layerNorm: false, positions: false, maxLen: CLASSIFICATION_LEN, mlp: 0, outputProjection: false, outputDim: 4, readout: 'last', initDistribution: 'uniform' }),
  batch: (rng, c) => classificationBatch(rng, c.batchSize),
  evalSet: (c) => classificationBatch(new Rng(c.seed).fork(1_000_003), Math.max(1, c.evalSize)),
  loss: (out, target) => crossEntropy(lastPosition(out), target as tf.Tensor1D),
  accuracy: (out, target) => accuracyOf(lastPosition(out), target as tf.Tensor1D),
};

/** Eureka task (C): a, b, c, d ∈ 0..10 and CLS = 11; label = c if a + b is odd else d. */
export const EUREKA_INPUTS = 14641;
const EUREKA_LEN = 5;

/** Train indices (30%) and test indices (70%) of the 11⁴ inputs, fixed per seed. */
export function eurekaSplit(seed: number): { train: Int32Array; test: Int32Array } {
  const perm = new Rng(seed).fork(3_000_017).permutation(EUREKA_INPUTS);
  const nTrain = Math.round(0.3 * EUREKA_INPUTS);
  return { train: perm.slice(0, nTrain), test: perm.slice(nTrain) };
}

function eurekaRows(indices: ArrayLike<number>): HostBatch {
  const B = indices.length;
  const input = new Int32Array(B * EUREKA_LEN);
  const target = new Int32Array(B);
  for (let i = 0; i < B; i++) {
    let v = indices[i]!;
    const a = v % 11;
    v = (v - a) / 11;
    const b = v % 11;
    v = (v - b) / 11;
    const c = v % 11;
    const d = (v - c) / 11;
    input.set([a, b, c, d, 11], i * EUREKA_LEN);
    target[i] = (a + b) % 2 === 1 ? c : d;
  }
  return { input, inputShape: [B, EUREKA_LEN], target, targetShape: [B] };
}

const eureka: Task = {
  id: 'eureka',
  model: (c) => ({ ...baseModel(c), vocab: 12, maxLen: EUREKA_LEN, outputDim: 11, readout: 'last' }),
  batch(rng, c) {
    const { train } = eurekaSplit(c.seed);
    if (c.batchSize >= train.length) return eurekaRows(train);
    const idx = new Int32Array(c.batchSize);
    for (let i = 0; i < idx.length; i++) idx[i] = train[rng.int(train.length)]!;
    return eurekaRows(idx);
  },
  // evalSize 0: the whole 70% test split; otherwise its first evalSize inputs.
  evalSet: (c) => eurekaRows(c.evalSize > 0 ? eurekaSplit(c.seed).test.subarray(0, c.evalSize) : eurekaSplit(c.seed).test),
  loss: (out, target) => crossEntropy(lastPosition(out), target as tf.Tensor1D),
  accuracy: (out, target) => accuracyOf(lastPosition(out), target as tf.Tensor1D),
};

/**
 * The task table.
 *
 * @example
 * TASKS.induction.model(resolveTrainConfig('induction')).vocab; // 100
 */
export const TASKS: Readonly<Record<TaskId, Task>> = Object.freeze({ 'icl-regression': iclRegression, induction, classification, eureka });

/** Host batch → tensors (caller disposes). */
export function toTensors(b: HostBatch): { input: tf.Tensor; target: tf.Tensor } {
  const input = b.input instanceof Int32Array ? tf.tensor(b.input, b.inputShape, 'int32') : tf.tensor(b.input, b.inputShape, 'float32');
  const target = b.target instanceof Int32Array ? tf.tensor(b.target, b.targetShape, 'int32') : tf.tensor(b.target, b.targetShape, 'float32');
  return { input, target };
}
