/**
 * Public API of src/core (re-exported by src/index.ts).
 * @module
 */
export {};
export { softmax, logSoftmax, logSumExp } from './softmax.js';
export { softmaxEntropy } from './softmax-entropy.js';
export { softmaxOneMinusMax, argmax } from './one-minus-max.js';
export { sigmoid } from './sigmoid.js';
export { log1pexp } from './log1pexp.js';
export { ATTENTION_KINDS, ROW_STOCHASTIC_KINDS, ATTENTION_KIND_DEFAULTS, isKernelKind, elu1, attentionFromLogits, attentionRow, attentionMatrix, attention, type AttentionKind, type AttentionKindOptions, type AttentionResult } from './attention-kinds.js';
export { rowEntropy, meanEntropy, logitVariance, rowMax, rowSkewness, frobeniusNorm, spectralNorm, operatorNorm, POWER_ITERATION_DEFAULTS, type PowerIterationOptions } from './attention-metrics.js';
export { wilsonInterval, newcombeInterval, tInterval, fisherExactGreater, thresholdVerdict, statusOf, seedsToExclude, studentTQuantile, normalQuantile, countStatuses, claimStatus, allHold, CLAIM_CONFIDENCE, type Claim, type ClaimRecord, type ClaimStatus, type CheckStatus, type PredictionCheck, type StatusCounts, type Interval } from './claim.js';
export { runPrediction, notApplicableCheck, doesNotApply, APPLIES, type Prediction, type Applicability } from './prediction.js';
