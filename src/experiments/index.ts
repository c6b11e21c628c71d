/**
 * Public API of src/experiments (re-exported by src/index.ts).
 * @module
 */
export { simulate, SIMULATE_DEFAULTS, SIMULATE_METHODS, FORMULATIONS, type Formulation, type SimulateOptions, type SimulateResult, type SimulateConfig, type SimulateRun } from './simulate.js';
export { simulationColumns, PER_SAMPLE_COLUMNS, type SimColumns } from './result-columns.js';
export { resultSeries, withSeriesViews, SERIES_NAMES, type SeriesName, type SeriesArray, type SimulateViews } from './series-view.js';
export { runEntropyExperimentParallel } from './entropy-parallel.js';
export { runEntropyExperiment, TRIALS_PER_BLOCK, resolveEntropyOptions, smallSigmaEntropy, SMALL_SIGMA_MAX, ENTROPY_DEFAULTS, type EntropyOptions, type EntropyResult, type EntropyCell, type SampleStats, type Histogram, type EntropyPrediction } from './entropy.js';
export { ENTROPY_PREDICTIONS, LOGIT_VARIANCE, SMALL_SIGMA_ENTROPY, SMALL_SIGMA_ENTROPY_4, GAUSSIAN_ENTROPY, entropyClaim, type EntropyCase, type MeanEstimate, type EntropyPredictionDef } from './entropy-predictions.js';
export { BOUND_PREDICTIONS, EQ9_IDENTITY, EQ9_LITERAL, PROVEN_BOUND, SHARP_SQRT2, boundPrediction, checkBound, type BoundCase, type BoundCounts, type BoundPrediction } from './bound-predictions.js';
export { PREDICTIONS, findPrediction, registeredIds, type PredictionFamily, type RegisteredPrediction } from './prediction-registry.js';
export { runBoundsExperiment, resolveBoundsOptions, BOUNDS_DEFAULTS, type BoundsOptions, type BoundsResult, type BoundVerdict, type Counterexample, type RatioSummary } from './bounds.js';
export { runSweep, runSweepEntry, resolveSweepConfig, resolveWorkers, sweepParameters, sweepProblem, summarizeSweep, sweepResult, SWEEP_DEFAULTS, SWEEP_WORST, RUN_SWEEP_DEFAULTS, type SweepConfig, type SweepEntry, type SweepTally, type SweepResult, type RunSweepOptions } from './sweep.js';
export { parseSimulateResult, SIMULATE_RESULT_SCHEMA, SIM_RECORD_SCHEMA, RUN_META_SCHEMA, type SimulateResultJson } from './result-schema.js';
export { jsonSchemas } from './json-schemas.js';
export { SHARD_INDEX_VARIABLES, MAX_SHARDS, arraySpec, parseShard, parseShardFileName, shardFileName, shardOfItem, shardRange, type Shard, type ShardRange } from './shard.js';
export { mergeSweepShards, sweepShardResult, type ShardInput, type SweepMerge, type SweepShardResult } from './sweep-merge.js';
