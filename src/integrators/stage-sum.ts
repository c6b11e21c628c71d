/**
 * The one linear-combination kernel of the Runge–Kutta engine: out = base + h·Σ_m c_m K[idx_m],
 * the sum taken left to right over the nonzero terms of a tableau row (stage states, the step
 * update, error vectors, dense rows). It is written in passes of at most four terms (the first
 * pass starts the sum, later ones continue it: ((s + c_4k_4) + c_5k_5) + …, the last pass adds
 * base + h·(…)), so the result is bitwise that of the single expression
 * base + h·(c_0k_0 + c_1k_1 + …) written out term by term, and a row of up to four terms is one
 * pass over memory. Measured against the written-out loop (dop853's 9-term row, n = 24 … 33 280):
 * equal time; a loop over the terms per element was 2–3× slower.
 *
 * Layout: K holds the stage vectors (each of length ≥ n); out must not alias base or any K
 * used. Allocation-free.
 */

/** The nonzero terms of one tableau row: stage indices and coefficients, in row order. */
export interface StageTerms {
  readonly idx: Int32Array;
  readonly coef: Float64Array;
}

/**
 * The nonzero terms of `row` (zeros are skipped, as a written-out sum would skip them).
 * Example: `stageTerms([0.5, 0, 2]).idx` is Int32Array [0, 2].
 */
export function stageTerms(row: readonly number[]): StageTerms {
  const idx: number[] = [];
  const coef: number[] = [];
  row.forEach((v, j) => {
    if (v !== 0) {
      idx.push(j);
      coef.push(v);
    }
  });
  return Object.freeze({ idx: Int32Array.from(idx), coef: Float64Array.from(coef) });
}

/**
 * out = base + h·Σ_m coef_m·K[idx_m] over n components (see the module doc; `terms` must hold at
 * least one term).
 * Example: base = [1], h = 2, terms of [0.5] with K[0] = [3] → out = [4].
 */
export function stageSum(out: Float64Array, base: Float64Array, h: number, terms: StageTerms, K: readonly Float64Array[], n: number): void {
  const m = terms.idx.length;
  for (let from = 0; from < m; from += 4) pass(out, base, h, terms, from, Math.min(4, m - from), from === 0, from + 4 >= m, K, n);
}

/** One pass over terms [from, from + count): first starts the sum, last finishes with base + h·(…). */
function pass(out: Float64Array, base: Float64Array, h: number, terms: StageTerms, from: number, count: number, first: boolean, last: boolean, K: readonly Float64Array[], n: number): void {
  const { idx, coef } = terms;
  // Unused slots point at the first term's vector (never read).
  const k0 = K[idx[from]!]!;
  const k1 = count > 1 ? K[idx[from + 1]!]! : k0;
  const k2 = count > 2 ? K[idx[from + 2]!]! : k0;
  const k3 = count > 3 ? K[idx[from + 3]!]! : k0;
  const c0 = coef[from]!;
  const c1 = count > 1 ? coef[from + 1]! : 0;
  const c2 = count > 2 ? coef[from + 2]! : 0;
  const c3 = count > 3 ? coef[from + 3]! : 0;
  const mode = (first ? 0 : 2) + (last ? 1 : 0);
  switch (count * 4 + mode) {
    case 4: for (let i = 0; i < n; i++) out[i] = c0 * k0[i]!; return;
    case 5: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]!); return;
    case 6: for (let i = 0; i < n; i++) out[i] = out[i]! + c0 * k0[i]!; return;
    case 7: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]!); return;
    case 8: for (let i = 0; i < n; i++) out[i] = c0 * k0[i]! + c1 * k1[i]!; return;
    case 9: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]!); return;
    case 10: for (let i = 0; i < n; i++) out[i] = out[i]! + c0 * k0[i]! + c1 * k1[i]!; return;
    case 11: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]!); return;
    case 12: for (let i = 0; i < n; i++) out[i] = c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]!; return;
    case 13: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]!); return;
    case 14: for (let i = 0; i < n; i++) out[i] = out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]!; return;
    case 15: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]!); return;
    case 16: for (let i = 0; i < n; i++) out[i] = c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]!; return;
    case 17: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]!); return;
    case 18: for (let i = 0; i < n; i++) out[i] = out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]!; return;
    default: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]!);
  }
}
