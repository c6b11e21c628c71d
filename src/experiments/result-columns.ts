/**
 * The column view of a `simulate` result: one typed array per observable, like scipy's
 * `sol.t` / `sol.y`. Records (the JSON form) keep per-sample fields as scalars for one sample and
 * arrays for several; the column form is the same for every K, so it type-checks without casts:
 *
 *   scalars per save       t, loss, normV            Float64Array [T]
 *   per sample             entropy, maxProb,         Float64Array [T, K] row-major: x[i·K + k]
 *                          oneMinusMax, sumA
 *                          argmax                    Int32Array   [T, K] (0-based token index)
 *   logits                 a                         Float64Array [T, K, n]: a[(i·K + k)·n + j]
 *   u = Vᵀβ (logistic)     u                         Float64Array [T, n], or null
 *
 * With one sample (K = 1) `entropy[i]` is the entropy at save i. Entropies that JSON stored as
 * null (NaN: signed normalisations, see analysis/observables) are NaN here.
 */
import { DimensionError } from '../core/errors.js';
import type { SimRecord } from '../analysis/observables.js';

/** Typed columns of a simulate result (layouts in the module comment). */
export interface SimColumns {
  /** Number of saved points. */
  readonly T: number;
  /** Samples (logit vectors) per point. */
  readonly K: number;
  /** Tokens (entries of each logit vector). */
  readonly n: number;
  readonly t: Float64Array;
  readonly loss: Float64Array;
  readonly normV: Float64Array;
  readonly entropy: Float64Array;
  readonly maxProb: Float64Array;
  readonly oneMinusMax: Float64Array;
  readonly sumA: Float64Array;
  readonly argmax: Int32Array;
  readonly a: Float64Array;
  readonly u: Float64Array | null;
}

/** Names of the per-sample columns (shape [T, K]). */
export const PER_SAMPLE_COLUMNS = Object.freeze(['entropy', 'maxProb', 'oneMinusMax', 'sumA', 'argmax'] as const);

const cache = new WeakMap<object, SimColumns>();

// JSON turns NaN into null; the column form turns it back.
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
// The shape of a received value, for DimensionError.
const shapeOf = (v: unknown): string => (Array.isArray(v) ? `[${v.length}]` : v === undefined ? 'undefined' : typeof v === 'number' ? 'scalar' : typeof v);

/**
 * The typed columns of a simulate result (or of any `{records}` read back from its JSON),
 * built once per result object and cached.
 *
 * @example
 * const r = simulate({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1] }, { tEnd: 10, saveAt: [0, 10] });
 * const c = simulationColumns(r);
 * c.t;                       // Float64Array [0, 10]
 * c.loss[0];                 // 0.125
 * c.maxProb.at(-1)!.toFixed(3); // a string: no `number | number[]` to narrow
 */
export function simulationColumns(result: { readonly records: readonly SimRecord[] }): SimColumns {
  const hit = cache.get(result);
  if (hit) return hit;
  const records = result.records;
  if (!Array.isArray(records)) throw new DimensionError('records', '[T] (an array of simulate records)', shapeOf(records));
  const T = records.length;
  const first = records[0];
  const batched = first !== undefined && Array.isArray(first.a[0]);
  const K = first === undefined ? 0 : batched ? first.a.length : 1;
  const n = first === undefined ? 0 : batched ? (first.a[0] as number[]).length : first.a.length;
  const cols = {
    T,
    K,
    n,
    t: new Float64Array(T),
    loss: new Float64Array(T),
    normV: new Float64Array(T),
    entropy: new Float64Array(T * K),
    maxProb: new Float64Array(T * K),
    oneMinusMax: new Float64Array(T * K),
    sumA: new Float64Array(T * K),
    argmax: new Int32Array(T * K),
    a: new Float64Array(T * K * n),
    u: first?.u !== undefined ? new Float64Array(T * n) : null,
  };
  const perSample = (r: SimRecord, name: (typeof PER_SAMPLE_COLUMNS)[number], i: number): void => {
    const v = r[name];
    const out = cols[name];
    if (Array.isArray(v)) {
      if (v.length !== K) throw new DimensionError(`records[${i}].${name}`, `[${K}] (one per sample)`, shapeOf(v));
      for (let k = 0; k < K; k++) out[i * K + k] = num(v[k]);
    } else {
      if (K !== 1) throw new DimensionError(`records[${i}].${name}`, `[${K}] (one per sample)`, shapeOf(v));
      out[i] = num(v);
    }
  };
  for (let i = 0; i < T; i++) {
    const r = records[i]!;
    cols.t[i] = r.t;
    cols.loss[i] = num(r.loss);
    cols.normV[i] = num(r.normV);
    for (const name of PER_SAMPLE_COLUMNS) perSample(r, name, i);
    const rows = (batched ? r.a : [r.a]) as readonly (readonly number[])[];
    if (rows.length !== K) throw new DimensionError(`records[${i}].a`, `[${K}, n] (one logit vector per sample)`, shapeOf(r.a));
    for (let k = 0; k < K; k++) {
      const row = rows[k]!;
      if (row.length !== n) throw new DimensionError(`records[${i}].a[${k}]`, `[${n}]`, shapeOf(row));
      cols.a.set(row.map(num), (i * K + k) * n);
    }
    if (cols.u !== null) {
      if (r.u === undefined || r.u.length !== n) throw new DimensionError(`records[${i}].u`, `[${n}]`, shapeOf(r.u));
      cols.u.set(r.u, i * n);
    }
  }
  const frozen = Object.freeze(cols);
  cache.set(result, frozen);
  return frozen;
}
