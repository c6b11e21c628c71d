/**
 * Attention kinds in TensorFlow.js (float32), sharing their ids with the float64 kernels of
 * `src/core/attention-kinds.ts` (E-1, E-2, E-3, N-1, N-2), plus `qk-layernorm`.
 *
 * Inputs are per-head queries and keys q, k of shape [B, H, N, d_k]; outputs the attention
 * matrix P [B, H, N, N] and the logits Z = q kᵀ [B, H, N, N] (the logit of every kind, also the
 * kernel kinds, so that logit variance E-5 is comparable). With a causal mask, entry (i, j) with
 * j > i is zero in P; the metrics only look at the i+1 visible entries of row i.
 *
 * Formulas (s = population std of the visible logits of the row, τ the temperature, c the
 * logit scale applied before the kind, e.g. heat treatment N-3):
 * - `softmax`: softmax(c·Z/τ); `qk-layernorm`: q, k normalised to zero mean and unit variance
 *   over d_k, then (when `qkNorm` is given, as the model does) scaled by a learned gain and
 *   shifted by a learned bias per feature (the LayerNorm of Gilmer et al. 2023 and Dehghani et
 *   al. 2023, which the Lipschitz paper cites), then softmax(Z/τ); Z is the logit after the norms
 * - `normsoftmax-std`: softmax(Z / min(s', τ)) with the unbiased std s' = s·√(n/(n−1)) of the n
 *   visible logits (`torch.std`, the `norm_softmax_std` of the Eureka authors' code, vit.py; the
 *   float64 core's `normsoftmax-std` uses the population s, the estimator the paper's eq. 2 leaves
 *   open); `normsoftmax-var`: softmax(Z / min(s², τ)) (population variance, the authors' default
 *   `norm_softmax`); `normsoftmax-unit`: softmax(Z / s)
 * - `relu-kernel`, `elu1-kernel`: φ(q)·φ(k)ᵀ, φ = ReLU or ELU+1, divided by its row sum
 * - `relu-logit`, `elu1-logit`: φ(Z) divided by its row sum
 * - `sigmoid`: σ(c·Z/τ) (unnormalised); `sigmoid-normalized`: σ(c·Z/τ) divided by its row sum.
 *   The 1/τ (= 1/√d_k in the induction, classification and Eureka tasks) is the scaling of the
 *   polarization paper's code (tml-epfl/softmax `sigmoid_attention`); the float64 core's sigmoid
 *   is the τ = 1 case.
 * - `linear`: Z divided by the number of visible keys
 * - `raw-dot`: Z/τ with no normalisation at all (`raw_dotproduct_unnorm` of the polarization
 *   paper's code, tml-epfl/softmax src/attention.py: the unnormalised "linear" attention of its
 *   Fig. 1 and Fig. 4)
 * With `rowNormalize: false` the kernel and logit-φ kinds skip the row sum and divide by the
 * number of visible keys instead (keeps outputs O(1)). A zero row mass (ReLU with no positive
 * similarity) gives a uniform row over the visible keys, as in the float64 core.
 */
import { tf } from './tf.js';

export { TRAIN_ATTENTION_KINDS, isRowStochastic, type TrainAttentionKind } from './attention-kinds.js';
import type { TrainAttentionKind } from './attention-kinds.js';

/** Settings of one attention call. */
export interface AttentionCall {
  readonly kind: TrainAttentionKind;
  readonly tau: number;
  readonly rowNormalize: boolean;
  /** Multiplies the logits before the kind (heat treatment scale; 1 = off). */
  readonly logitScale: number;
  /** [N, N] mask with 1 on visible entries, or null (all visible). */
  readonly mask: tf.Tensor2D | null;
  /** `qk-layernorm`: learned gains and biases [d_k] of the q and k layer norms (absent: none). */
  readonly qkNorm?: { readonly gq: tf.Tensor; readonly bq: tf.Tensor; readonly gk: tf.Tensor; readonly bk: tf.Tensor };
}

const NEG = -1e9;

/** Parameter-free layer norm over the last axis. */
function normalizeLast(x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt());
}

/**
 * P and Z for queries and keys of shape [B, H, N, d_k] (see the file comment for formulas).
 * Call inside `tf.tidy` (allocates intermediates).
 *
 * @example
 * // q = k = zeros([1, 1, 3, 2]), softmax: P = 1/3 everywhere, Z = 0
 */
export function attentionWeights(q: tf.Tensor4D, k: tf.Tensor4D, o: AttentionCall): { P: tf.Tensor4D; Z: tf.Tensor4D } {
  if (o.kind === 'qk-layernorm') {
    q = normalizeLast(q) as tf.Tensor4D;
    k = normalizeLast(k) as tf.Tensor4D;
    if (o.qkNorm !== undefined) {
      q = q.mul(o.qkNorm.gq).add(o.qkNorm.bq) as tf.Tensor4D;
      k = k.mul(o.qkNorm.gk).add(o.qkNorm.bk) as tf.Tensor4D;
    }
  }
  let Z = tf.matMul(q, k, false, true) as tf.Tensor4D;
  if (o.logitScale !== 1) Z = Z.mul(o.logitScale);
  const n = q.shape[2];
  const mask = o.mask;
  const visible = mask === null ? null : mask.reshape([1, 1, n, n]);
  const count = mask === null ? tf.scalar(n) : mask.sum(-1, true).reshape([1, 1, n, 1]);
  const maskOut = (w: tf.Tensor): tf.Tensor => (visible === null ? w : w.mul(visible));
  // Zero row mass (ReLU with no positive similarity): a uniform row over the visible keys, the
  // convention of the float64 core.
  const rowSum = (w: tf.Tensor): tf.Tensor => {
    const s = w.sum(-1, true);
    // 1 − step(s) is 1 exactly when s = 0 (s ≥ 0); Step has a (zero) gradient, Equal has none.
    const zero = tf.scalar(1).sub(tf.step(s));
    return w.div(s.add(zero)).add(zero.mul(visible ?? tf.scalar(1)).div(count));
  };
  const byCount = (w: tf.Tensor): tf.Tensor => w.div(count);
  // Masked logits are replaced (not shifted) by NEG, so huge visible logits cannot outrank them.
  const masked = (z: tf.Tensor): tf.Tensor => (visible === null ? z : z.mul(visible).add(tf.scalar(1).sub(visible).mul(NEG)));
  // Z/τ; with τ = 1 (the in-context model) Z itself: x/1 is x bit for bit, and so is the
  // gradient dy/1, so skipping the two divisions of [B, H, N, N] changes no result.
  const byTau = (z: tf.Tensor): tf.Tensor => (o.tau === 1 ? z : z.div(o.tau));
  let P: tf.Tensor;
  switch (o.kind) {
    case 'softmax':
    case 'qk-layernorm':
      P = tf.softmax(masked(byTau(Z)));
      break;
    case 'normsoftmax-std':
    case 'normsoftmax-var':
    case 'normsoftmax-unit': {
      // Row statistics over the visible logits only.
      const mean = maskOut(Z).sum(-1, true).div(count);
      const dev = maskOut(Z.sub(mean));
      const variance = dev.square().sum(-1, true).div(count);
      // torch.std: Bessel's correction n/(n − 1) (a single visible key: n − 1 := 1, std 0).
      const std = o.kind === 'normsoftmax-std' ? dev.square().sum(-1, true).div(tf.maximum(count.sub(1), 1)).add(1e-12).sqrt() : variance.add(1e-12).sqrt();
      const spread = o.kind === 'normsoftmax-var' ? variance.add(1e-12) : std;
      const denom = o.kind === 'normsoftmax-unit' ? spread : tf.minimum(spread, o.tau);
      // Centred logits (softmax is shift-invariant): a constant row gives exactly 0/ε = 0.
      P = tf.softmax(masked(Z.sub(mean).div(denom)));
      break;
    }
    case 'relu-kernel':
    case 'elu1-kernel': {
      const phi = (x: tf.Tensor): tf.Tensor => (o.kind === 'relu-kernel' ? tf.relu(x) : tf.elu(x).add(1));
      const S = maskOut(tf.matMul(phi(q) as tf.Tensor4D, phi(k) as tf.Tensor4D, false, true));
      P = o.rowNormalize ? rowSum(S) : byCount(S);
      break;
    }
    case 'relu-logit':
    case 'elu1-logit': {
      const S = maskOut(o.kind === 'relu-logit' ? tf.relu(Z) : tf.elu(Z).add(1));
      P = o.rowNormalize ? rowSum(S) : byCount(S);
      break;
    }
    case 'sigmoid-normalized':
      P = rowSum(maskOut(tf.sigmoid(byTau(Z))));
      break;
    case 'sigmoid':
      P = maskOut(tf.sigmoid(byTau(Z)));
      break;
    case 'linear':
      P = byCount(maskOut(Z));
      break;
    case 'raw-dot':
      P = maskOut(byTau(Z));
      break;
  }
  return { P: P as tf.Tensor4D, Z };
}
