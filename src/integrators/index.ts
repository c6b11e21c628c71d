/**
 * Public API of src/integrators (re-exported by src/index.ts).
 * @module
 */
export * from './types.js';
export { solve, SOLVE_DEFAULTS, METHOD_NAMES } from './solve.js';
export { resolveSaveAt } from './save-at.js';
export { interpolateNested } from './dense-output.js';
export { brentRoot } from './root-finding.js';
export { DOPRI5, type Dopri5Tableau } from './tableaus/dopri5.js';
export { DOP853, type Dop853Tableau } from './tableaus/dop853.js';
export { RK4, EULER } from './tableaus/rk4.js';
export { buildTableau, TableauError, type Tableau, type TableauSpec, type ErrorEstimator, type DenseSpec } from './tableau.js';
