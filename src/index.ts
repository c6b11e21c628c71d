/**
 * vsflow: the importable library. Re-exports the public API; see docs/guide.md.
 */
export * from './core/errors.js';
export { Rng } from './core/rng.js';
export type { RunMeta } from './core/run-meta.js';
export type * from './integrators/types.js';
export type { PlotlyFigure, NamedFigure } from './plot/figure-types.js';
