/** Public API of src/analysis (re-exported by src/index.ts). */
export { observe, createObserver, attentionStats, type SimRecord, type AttentionStats } from './observables.js';
