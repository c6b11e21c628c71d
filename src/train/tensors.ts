/**
 * The tensor-level training API, exported as `vsflow/train/tensors`: the transformer as
 * explicit tfjs variables, the optimiser, the attention kernel and the tasks' tensor batches,
 * plus `tf` itself (tfjs-core with gradients, chained ops and the cpu backend registered).
 * These signatures name tfjs-core types, so a project that type-checks declaration files
 * (`skipLibCheck: false`) needs what tfjs-core's declarations need: the `dom` lib. Everything
 * that runs and reads training (`trainRun`, `trainMany`, configs, records) is in `vsflow/train`,
 * which needs neither.
 * @module
 */
export { tf } from './tf.js';
export { attentionWeights, type AttentionCall } from './attention.js';
export { TransformerModel, parameterShapes, type ForwardOutput, type ModelConfig } from './model.js';
export { Optimizer, type OptimizerConfig } from './optimizer.js';
export { TASKS, classificationProbes, eurekaSplit, toTensors, type HostBatch, type Task } from './tasks.js';
