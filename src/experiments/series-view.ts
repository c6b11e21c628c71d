/**
 * `ndarray` views over the columns of a simulate result (scijs `ndarray`: shape, stride, `get`,
 * `pick`, `lo`/`hi` slicing), so library users index a trajectory as a tensor without copies:
 * every view of one result shares the Float64Array of `simulationColumns` (layouts there).
 *
 *   resultSeries(r, 'a')        shape [T, K, n]   a.get(i, k, j) = logit j of sample k at save i
 *   resultSeries(r, 'entropy')  shape [T, K]      (also maxProb, oneMinusMax, sumA, argmax)
 *   resultSeries(r, 'u')        shape [T, n]      (logistic only)
 *   resultSeries(r, 't')        shape [T]         (also loss, normV)
 */
import ndarray from 'ndarray';
import { OptionError } from '../core/errors.js';
import type { SimRecord } from '../analysis/observables.js';
import { simulationColumns, type SimColumns } from './result-columns.js';

/** Names accepted by `resultSeries`. */
export const SERIES_NAMES = Object.freeze(['t', 'loss', 'normV', 'entropy', 'maxProb', 'oneMinusMax', 'sumA', 'argmax', 'a', 'u'] as const);
export type SeriesName = (typeof SERIES_NAMES)[number];

/** The ndarray type of each series (argmax is Int32, the rest Float64). */
export type SeriesArray<N extends SeriesName> = N extends 'argmax' ? ndarray.NdArray<Int32Array> : ndarray.NdArray<Float64Array>;

/**
 * An ndarray view of one series of a simulate result (or of its JSON read back), over the
 * shared column buffer: no copy per call.
 *
 * @example
 * const r = simulate({ loss: 'logistic', V: [[1, 0], [0, 1]], a: [[0, 0], [0, 0]], beta: [1, 0] }, { tEnd: 10, saveAt: [0, 10] });
 * const a = resultSeries(r, 'a');
 * a.shape;                                      // [2, 2, 2]: T = 2 saves, K = 2 samples, n = 2
 * a.data === simulationColumns(r).a;            // true (a view, not a copy)
 * a.pick(1, 0, null).get(0);                    // logit 0 of sample 0 at t = 10
 */
export function resultSeries<N extends SeriesName>(result: { readonly records: readonly SimRecord[] }, name: N): SeriesArray<N> {
  if (!(SERIES_NAMES as readonly string[]).includes(name)) throw new OptionError('series', `one of ${SERIES_NAMES.join(', ')}`, name);
  const c: SimColumns = simulationColumns(result);
  switch (name) {
    case 't':
    case 'loss':
    case 'normV':
      return ndarray(c[name as 't' | 'loss' | 'normV'], [c.T]) as SeriesArray<N>;
    case 'a':
      return ndarray(c.a, [c.T, c.K, c.n]) as SeriesArray<N>;
    case 'u':
      if (c.u === null) throw new OptionError('series', "'u' only for problems with β (logistic loss)", name);
      return ndarray(c.u, [c.T, c.n]) as SeriesArray<N>;
    case 'argmax':
      return ndarray(c.argmax, [c.T, c.K]) as SeriesArray<N>;
    default:
      return ndarray(c[name as 'entropy'], [c.T, c.K]) as SeriesArray<N>;
  }
}

/** Views on a live simulate result (not in its JSON: non-enumerable methods). */
export interface SimulateViews {
  /** The typed columns (`simulationColumns(this)`). */
  columns(): SimColumns;
  /** An ndarray view of one series (`resultSeries(this, name)`). */
  series<N extends SeriesName>(name: N): SeriesArray<N>;
}

/** Adds the non-enumerable `columns()` and `series(name)` methods to a result (JSON unchanged). */
export function withSeriesViews<R extends { readonly records: readonly SimRecord[] }>(result: R): R & SimulateViews {
  Object.defineProperties(result, {
    columns: { value: () => simulationColumns(result), enumerable: false },
    series: { value: <N extends SeriesName>(name: N) => resultSeries(result, name), enumerable: false },
  });
  return result as R & SimulateViews;
}
