/**
 * Public API of src/models (re-exported by src/index.ts).
 * @module
 */
export { LOSSES, resolveProblem, type LossName, type Problem, type ProblemSpec } from './problem.js';
export { NORMALIZATIONS, normalize, normalizationVjp, type NormalizationName } from './normalizations.js';
export { sampleLossGradient } from './losses.js';
export { valueSoftmaxRhs, packState, VALUE_SOFTMAX_DEFAULTS, type ValueSoftmaxOptions, type ValueSoftmaxFlow, type StateLayout, type FrozenBlock } from './value-softmax.js';
export { randomProblem, RANDOM_PROBLEM_DEFAULTS, type RandomProblemOptions } from './random-problem.js';
export { gradientDescent, type GradientDescentOptions } from './gradient-descent.js';
export { tiedUFlow, type TiedUFlow } from './tied-u.js';
export { compileLossExpression, checkLossExpressionAt, useMathjs, LOSS_EXPR_FUNCTIONS, type LossExpression, type MathjsLike } from './loss-expression.js';
export { checkProblemFile, PROBLEM_SCHEMA, PROBLEM_SCHEMAS, type ProblemFile } from './problem-schema.js';
