/**
 * Public API of src/train, exported as `vsflow/train` (not from the main index: importing it
 * loads TensorFlow.js). The only place in vsflow that imports TensorFlow.js.
 * @module
 */
export { BACKEND_NAMES, loadBackend, wasmBinaryDir, type BackendInfo, type BackendName } from './backend.js';
export { TRAIN_ATTENTION_KINDS, attentionWeights, isRowStochastic, type AttentionCall, type TrainAttentionKind } from './attention.js';
export { TASK_DEFAULTS, TASK_IDS, TASK_QUICK, TASK_MEDIUM, TRAIN_SCALES, resolveScaledConfig, resolveTrainConfig, scaleOverrides, toScale, type TaskId, type TrainConfig, type TrainScale } from './config.js';
export { estimateTrainRun, formatEstimate, type TrainEstimate } from './estimate.js';
export { TransformerModel, parameterShapes, type ForwardOutput, type ModelConfig } from './model.js';
export { Optimizer, type OptimizerConfig } from './optimizer.js';
export { TASKS, classificationProbes, eurekaSplit, toTensors, type HostBatch, type Task } from './tasks.js';
export { detectSpikes, layerStats, sinkScores, type LayerStats } from './metrics.js';
export { checkpointPath, heatScale, summarizeRun, trainRun, type DivergedRecord, type EvalRecord, type RunSummary, type StepRecord, type TrainHooks, type TrainRunResult } from './trainer.js';
export { DEFAULT_VARIANTS, parseVariant, summaryTable, trainMany, variantOf, type TrainManyOptions, type TrainManyResult, type VariantRow } from './train-many.js';
export { GRID_SETTINGS, MAX_GRID_RUNS, enumerateGrid, gridSize, gridTable, settingsLabel, type GridRow, type GridRun, type GridSetting, type TrainGrid } from './grid.js';
export { runKey } from './run-key.js';
