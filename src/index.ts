/**
 * vsflow: the importable library. Re-exports the public API of each area; see docs/guide.md.
 * `train/` is not re-exported here (it loads TensorFlow.js): import it as `vsflow/train`.
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
export * from './experiments/index.js';
export * from './plot/index.js';
