/**
 * Public API of src/analysis (re-exported by src/index.ts).
 * @module
 */
export { observe, createObserver, attentionStats, type SimRecord, type AttentionStats } from './observables.js';
export { linearFit, scaledSlope, localLogSlope, type LineFit, type AxisScale } from './rate-fits.js';
export { checkPredictions, CHECK_DEFAULTS, CHECK_METHODS, CHECK_T_END, type CheckOptions, type CheckResult, type CheckConfig, type CheckMethod, type PolarizationCheck, type PredictionStatus } from './predictions.js';
export { createJacobianWorkspace, attentionForward, attentionJacobian, twoInfNorm, mixedNormBracket, layerNorms, attentionLayerJacobian, type JacobianWorkspace, type TwoInfReading, type LayerNorms, type AttentionLayerJacobian } from './attention-jacobian.js';
