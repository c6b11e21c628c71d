/**
 * `--loss-expr EXPR` (simulate, check): replaces a logistic problem's loss log(1 + exp(−z)) by
 * the margin loss h(z), z = y·βᵀf with β and the labels from the problem
 * (models/loss-expression.ts). Errors name the flag.
 */
import { OptionError } from '../core/errors.js';
import { resolveProblem, type ProblemSpec } from '../models/problem-resolve.js';

/** The help line of the flag. */
export const LOSS_EXPR_HELP = "logistic problem: margin loss h(z) replacing log(1 + exp(-z)), z = y·βᵀf, e.g. 'exp(-z)' (differentiated with mathjs)";

/** `spec` with `lossExpr: expr`, validated (unknown symbols, non-finite at the start). */
export function withLossExprFlag(spec: ProblemSpec, expr: string | undefined): ProblemSpec {
  if (expr === undefined) return spec;
  if (spec.loss !== 'logistic') throw new OptionError('--loss-expr', 'a logistic problem (h(z) replaces log(1 + exp(-z)) with z = y·βᵀf)', `loss ${spec.loss}`);
  try {
    return resolveProblem({ ...spec, lossExpr: expr }).spec;
  } catch (error) {
    if (error instanceof OptionError && error.option === 'lossExpr') throw new OptionError('--loss-expr', error.expected, error.received, error.hint);
    throw error;
  }
}
