/**
 * Memory estimate of one training run, checked before TensorFlow.js allocates anything (see
 * core/limits.ts): weights with their gradients and two optimiser slots (float32), the
 * activations of one step (per layer: residual stream, Q, K, V, MLP, and the attention and
 * logit matrices, kept for the backward pass), the host batch, and the records kept per step.
 */
import { parameterShapes } from './model.js';
import { TASKS } from './tasks.js';
import type { TrainConfig } from './config.js';

/**
 * Estimated bytes of `trainRun(c)`.
 *
 * @example
 * trainMemoryBytes(resolveTrainConfig('induction', {}, true)) < 2 ** 30; // true (quick induction: well under 1 GB)
 */
export function trainMemoryBytes(c: TrainConfig): number {
  const m = TASKS[c.task].model(c);
  // Parameter count is affine in the layer count: count one and two layers, extrapolate (a
  // shape list of 1e9 layers would itself exhaust memory).
  const count = (layers: number): number => {
    let p = 0;
    for (const [, shape] of parameterShapes({ ...m, layers })) p += shape.reduce((q, s) => q * s, 1);
    return p;
  };
  const one = count(1);
  const params = one + (c.layers - 1) * (count(2) - one);
  const L = m.maxLen;
  const perLayer = c.batchSize * L * (8 * c.width + Math.max(0, m.mlp) * 2) + 3 * c.batchSize * c.heads * L * L;
  const activations = 4 * c.layers * perLayer;
  const batch = 8 * c.batchSize * L * Math.max(1, m.input === 'vectors' ? c.width : 1);
  const records = c.steps * (200 + 64 * c.layers);
  return 16 * params + activations + batch + records;
}
