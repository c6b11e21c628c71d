/**
 * Public API of src/analysis (re-exported by src/index.ts).
 * @module
 */
export { observe, createObserver, attentionStats, type SimRecord, type AttentionStats } from './observables.js';
export { linearFit, scaledSlope, localLogSlope, type LineFit, type AxisScale } from './rate-fits.js';
export { checkPredictions, polarizationCase, CHECK_DEFAULTS, CHECK_METHODS, CHECK_T_END, type CheckOptions, type CheckResult, type CheckConfig, type CheckMethod, type PolarizationCheck, type PredictionStatus, type PolarizationSetting } from './predictions.js';
export { POLARIZATION_PREDICTIONS, DESCENT, SUM_A, N2_INVARIANT, ORDER_U, ORDER_A, WINNER, ONE_HOT, LOSS_RATE, NORMV_SLOPE, EPS_GAP_CONSTANT, EPS_SLOPE_GAP, EPS_SLOPE_LOGT, SQUARE_LIMIT, measureLogisticRates, measureSquareLimit, type PolarizationCase, type FlowObservation, type LogisticRates, type SquareLimitMeasure } from './polarization-registry.js';
export { createJacobianWorkspace, attentionForward, attentionJacobian, twoInfNorm, mixedNormBracket, layerNorms, attentionLayerJacobian, type JacobianWorkspace, type TwoInfReading, type LayerNorms, type AttentionLayerJacobian } from './attention-jacobian.js';
