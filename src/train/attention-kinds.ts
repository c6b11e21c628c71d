/**
 * The attention kinds of the training model as plain data (no TensorFlow.js import), so the
 * public types of `vsflow/train` do not pull in tfjs-core's declarations (docs/guide.md,
 * "Type declarations of vsflow/train"). The kernels are in attention.ts.
 */

/** Attention kind ids understood by the training model. */
export type TrainAttentionKind =
  | 'softmax'
  | 'normsoftmax-std'
  | 'normsoftmax-var'
  | 'normsoftmax-unit'
  | 'qk-layernorm'
  | 'relu-kernel'
  | 'elu1-kernel'
  | 'relu-logit'
  | 'elu1-logit'
  | 'sigmoid'
  | 'sigmoid-normalized'
  | 'linear'
  | 'raw-dot';

/**
 * All training attention kinds.
 *
 * @example
 * TRAIN_ATTENTION_KINDS.length; // 13
 */
export const TRAIN_ATTENTION_KINDS: readonly TrainAttentionKind[] = Object.freeze([
  'softmax',
  'normsoftmax-std',
  'normsoftmax-var',
  'normsoftmax-unit',
  'qk-layernorm',
  'relu-kernel',
  'elu1-kernel',
  'relu-logit',
  'elu1-logit',
  'sigmoid',
  'sigmoid-normalized',
  'linear',
  'raw-dot',
] as const);

/**
 * True when rows of P are probability vectors for this kind and normalisation flag.
 *
 * @example
 * isRowStochastic('elu1-kernel', true); // true
 * isRowStochastic('sigmoid', true);     // false
 */
export function isRowStochastic(kind: TrainAttentionKind, rowNormalize: boolean): boolean {
  if (kind === 'sigmoid' || kind === 'linear' || kind === 'raw-dot') return false;
  if (kind.startsWith('softmax') || kind.startsWith('normsoftmax') || kind === 'qk-layernorm') return true;
  return rowNormalize;
}
