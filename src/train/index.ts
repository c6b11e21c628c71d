/**
 * Public API of src/train, exported as `vsflow/train` (not from the main index: importing it
 * loads TensorFlow.js). The only place in vsflow that imports TensorFlow.js.
 *
 * The declarations of this entry are self-contained: no signature names a tfjs type, so a
 * project type-checking with `skipLibCheck: false` and without the DOM lib compiles against it
 * (tfjs-core's own declarations need the DOM lib). The tensor-level pieces (the model, the
 * optimiser, the attention kernel, the task tensors) are in `vsflow/train/tensors`, whose types
 * are tfjs-core's.
 * @module
 */
export { BACKEND_NAMES, loadBackend, wasmBinaryDir, type BackendInfo, type BackendName } from './backend.js';
export { TRAIN_ATTENTION_KINDS, isRowStochastic, type TrainAttentionKind } from './attention-kinds.js';
export { TASK_DEFAULTS, TASK_IDS, TASK_QUICK, TASK_MEDIUM, TRAIN_SCALES, resolveScaledConfig, resolveTrainConfig, scaleOverrides, toScale, type TaskId, type TrainConfig, type TrainScale } from './config.js';
export { estimateTrainRun, formatEstimate, type TrainEstimate } from './estimate.js';
export { detectSpikes, layerStats, sinkScores, type LayerStats } from './metrics.js';
export { checkpointPath, heatScale, summarizeRun, trainRun, type DivergedRecord, type EvalRecord, type RunSummary, type StepRecord, type TrainHooks, type TrainRunResult } from './trainer.js';
export { DEFAULT_VARIANTS, parseVariant, summaryTable, trainMany, variantOf, type TrainManyOptions, type TrainManyResult, type VariantRow } from './train-many.js';
export { GRID_SETTINGS, MAX_GRID_RUNS, enumerateGrid, gridSize, gridTable, settingsLabel, type GridRow, type GridRun, type GridSetting, type TrainGrid } from './grid.js';
export { runKey } from './run-key.js';
