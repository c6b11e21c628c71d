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

function values(v: number | readonly number[] | readonly (readonly number[])[] | undefined): number[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return [v];
  const out: number[] = [];
  for (const x of v as readonly (number | readonly number[])[]) {
    if (typeof x === 'number') out.push(x);
    else for (const e of x) out.push(e);
  }
  return out;
}

/**
 * Why `r` is not a valid record of an n-logit problem, or `undefined` when it is.
 *
 * @example
 * recordProblem({ t: 1, loss: 0.1, entropy: NaN, maxProb: 1.7, oneMinusMax: -0.7, argmax: 0, normV: 1, sumA: 1, a: [1] }, 2);
 * // 'entropy is NaN'
 */
export function recordProblem(r: SimRecord, n: number): string | undefined {
  const fields: [string, number[]][] = [
    ['t', values(r.t)],
    ['loss', values(r.loss)],
    ['entropy', values(r.entropy)],
    ['maxProb', values(r.maxProb)],
    ['oneMinusMax', values(r.oneMinusMax)],
    ['normV', values(r.normV)],
    ['sumA', values(r.sumA)],
    ['a', values(r.a)],
    ['u', values(r.u)],
  ];
  for (const [name, xs] of fields) {
    for (const x of xs) if (!Number.isFinite(x)) return `${name} is ${String(x)}`;
  }
  const lnN = Math.log(n);
  for (const h of values(r.entropy)) if (h < -SLACK || h > lnN + SLACK) return `entropy ${h} outside [0, ln n = ${lnN}]`;
  for (const p of values(r.maxProb)) if (p < -SLACK || p > 1 + SLACK) return `max σ ${p} outside [0, 1]`;
  for (const q of values(r.oneMinusMax)) if (q < -SLACK || q > 1 + SLACK) return `1 − max σ ${q} outside [0, 1]`;
  return undefined;
}

/**
 * Throws `OptionError` when the starting point of `P` cannot be observed: ‖V‖_F or Σa
 * overflowing, or attention weights that are no probability vector (normalization sum with a
 * negative logit, or Σa so small that max σ ≫ 1). `observer` (default: createObserver(P)) lets
 * a run reuse the one it records with. Runs (simulate, checkPredictions) call it
 * before integrating, so such a start is bad input rather than a run of NaN.
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
