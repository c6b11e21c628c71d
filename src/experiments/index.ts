/** Public API of src/experiments (re-exported by src/index.ts). */
export { simulate, SIMULATE_DEFAULTS, SIMULATE_METHODS, type SimulateOptions, type SimulateResult, type SimulateConfig } from './simulate.js';
