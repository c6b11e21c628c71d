/**
 * Plausibility of a flow record: every number finite, the attention a probability vector's
 * statistics (entropy in [0, ln n], max σ and 1 − max σ in [0, 1]). A record that fails is not a
 * result: `simulate` ends the run there with status `non-finite` and the last valid record, so a
 * `success` never carries NaN, ±Infinity or an impossible probability (e.g. N(a) = a/Σa with a
 * negative weight gives max σ > 1 and a NaN entropy).
 */
import { OptionError } from '../core/errors.js';
import type { Problem } from '../models/problem.js';
import { createObserver, type SimRecord } from './observables.js';

/** Slack on the bounds for round-off (entropy in nats, probabilities). */
const SLACK = 1e-9;

type Field = number | readonly number[] | readonly (readonly number[])[] | undefined;

/**
 * The first entry x of a record field (a number, a vector or rows, in row order) for which
 * `bad(x)` holds, or undefined; allocation-free (records are checked once per saved time).
 */
function firstWhere(v: Field, bad: (x: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return bad(v) ? v : undefined;
  for (const x of v as readonly (number | readonly number[])[]) {
    if (typeof x === 'number') {
      if (bad(x)) return x;
    } else {
      for (const e of x) if (bad(e)) return e;
    }
  }
  return undefined;
}

const notFinite = (x: number): boolean => !Number.isFinite(x);

/**
 * Why `r` is not a valid record of an n-logit problem, or `undefined` when it is.
 *
 * @example
 * recordProblem({ t: 1, loss: 0.1, entropy: NaN, maxProb: 1.7, oneMinusMax: -0.7, argmax: 0, normV: 1, sumA: 1, a: [1] }, 2);
 * // 'entropy is NaN'
 */
export function recordProblem(r: SimRecord, n: number): string | undefined {
  const fields: readonly [string, Field][] = [
    ['t', r.t],
    ['loss', r.loss],
    ['entropy', r.entropy],
    ['maxProb', r.maxProb],
    ['oneMinusMax', r.oneMinusMax],
    ['normV', r.normV],
    ['sumA', r.sumA],
    ['a', r.a],
    ['u', r.u],
  ];
  for (const [name, v] of fields) {
    const x = firstWhere(v, notFinite);
    if (x !== undefined) return `${name} is ${String(x)}`;
  }
  const lnN = Math.log(n);
  const h = firstWhere(r.entropy, (x) => x < -SLACK || x > lnN + SLACK);
  if (h !== undefined) return `entropy ${h} outside [0, ln n = ${lnN}]`;
  const p = firstWhere(r.maxProb, (x) => x < -SLACK || x > 1 + SLACK);
  if (p !== undefined) return `max σ ${p} outside [0, 1]`;
  const q = firstWhere(r.oneMinusMax, (x) => x < -SLACK || x > 1 + SLACK);
  if (q !== undefined) return `1 − max σ ${q} outside [0, 1]`;
  return undefined;
}

/**
 * Throws `OptionError` when the starting point of `P` cannot be observed: ‖V‖_F or Σa
 * overflowing, or attention weights that are no probability vector (normalization sum with a
 * negative logit, or Σa so small that max σ ≫ 1). `observer` (default: createObserver(P)) lets
 * a run reuse the one it records with; `y0` is the start in that observer's layout (the full
 * state for createObserver, (u, a) for simulate's reduced path and createReducedObserver).
 * Runs (simulate, checkPredictions) call it before integrating, so such a start is bad input
 * rather than a run of NaN.
 *
 * @example
 * checkObservableStart(resolveProblem({ loss: 'square', normalization: 'sum', V: [[1, 1]], a: [1, -0.5], y: [1] }), y0);
 * // OptionError: problem: expected a starting point whose observables are valid …
 */
export function checkObservableStart(P: Problem, y0: Float64Array, observer: (t: number, y: Float64Array) => SimRecord = createObserver(P)): void {
  const why = recordProblem(observer(0, y0), P.n);
  if (why === undefined) return;
  const hint = P.normalization === 'sum' ? 'normalization sum needs logits a >= 0 with Σa > 0 (N(a) = a/Σa must be a probability vector)' : 'scale V or a down';
  throw new OptionError('problem', 'a starting point whose observables are valid', `t = 0: ${why}`, hint);
}
