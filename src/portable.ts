/**
 * `vsflow/core`: the browser-safe part of vsflow, with no Node built-ins (no `node:fs`,
 * `node:worker_threads`, …), so bundlers (esbuild, Vite, webpack) can ship it to a page: the
 * kernels, models, integrators, analysis, the `simulate`, entropy and bounds experiments, the
 * column and ndarray views of results, the problem and result schemas (zod), and the pure figure builders (Plotly JSON). Everything
 * here is also exported by the main entry `vsflow`, which adds what needs Node: sweeps on
 * worker threads, HTML and static figure writers. A test bundles this file with esbuild for the
 * browser platform and runs a flow in headless Chromium against Node's numbers.
 * @module
 */
export * from './core/errors.js';
export { Rng } from './core/rng.js';
export { runMeta, packageVersion, type RunMeta } from './core/run-meta.js';
export { VERSION } from './core/version.js';
export type { PlotlyFigure, NamedFigure } from './plot/figure-types.js';
export * from './core/index.js';
export * from './models/index.js';
export * from './integrators/index.js';
export * from './analysis/index.js';
export { simulate, SIMULATE_DEFAULTS, SIMULATE_METHODS, type SimulateOptions, type SimulateResult, type SimulateConfig, type SimulateRun } from './experiments/simulate.js';
export { simulationColumns, PER_SAMPLE_COLUMNS, type SimColumns } from './experiments/result-columns.js';
export { resultSeries, withSeriesViews, SERIES_NAMES, type SeriesName, type SeriesArray, type SimulateViews } from './experiments/series-view.js';
export { parseSimulateResult, SIMULATE_RESULT_SCHEMA, SIM_RECORD_SCHEMA, RUN_META_SCHEMA, type SimulateResultJson } from './experiments/result-schema.js';
export { jsonSchemas } from './experiments/json-schemas.js';
export { runEntropyExperiment, resolveEntropyOptions, smallSigmaEntropy, SMALL_SIGMA_MAX, ENTROPY_DEFAULTS, type EntropyOptions, type EntropyResult, type EntropyCell, type SampleStats, type Histogram, type EntropyPrediction } from './experiments/entropy.js';
export { ENTROPY_PREDICTIONS, entropyClaim, type EntropyCase, type MeanEstimate, type EntropyPredictionDef } from './experiments/entropy-predictions.js';
export { BOUND_PREDICTIONS, boundPrediction, checkBound, type BoundCase, type BoundCounts, type BoundPrediction } from './experiments/bound-predictions.js';
export { PREDICTIONS, findPrediction, registeredIds, type PredictionFamily, type RegisteredPrediction } from './experiments/prediction-registry.js';
export { runBoundsExperiment, resolveBoundsOptions, BOUNDS_DEFAULTS, type BoundsOptions, type BoundsResult, type BoundVerdict, type Counterexample, type RatioSummary } from './experiments/bounds.js';
export * from './plot/palette.js';
export * from './plot/axes.js';
export * from './plot/line-trace.js';
export * from './plot/reference-lines.js';
export * from './plot/figure-check.js';
export * from './plot/result-figures.js';
