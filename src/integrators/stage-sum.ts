/**
 * The one linear-combination kernel of the Runge–Kutta engine: out = base + h·Σ_m c_m K[idx_m],
 * the sum taken left to right over the nonzero terms of a tableau row (stage states, the step
 * update, error vectors, dense rows). A row of up to eight terms is one pass over memory, the
 * loop written out for its term count; a longer row is split into passes that continue the same
 * left-to-right sum (eight terms, then one term per pass, then the last ≤ 8 with base + h·(…)),
 * so the result is bitwise that of the single expression base + h·(c_0k_0 + c_1k_1 + …) written
 * out term by term. Every row of the shipped tableaus has ≤ 8 terms except three of dop853's
 * (9 to 12 terms: two passes). Measured against a written-out loop (dop853's 9-term row, n = 24 …
 * 33 280): passes of ≤ 4 terms already ran at its speed; a loop over the terms inside the element
 * loop was 2–3× slower.
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
  if (m <= 8) {
    finish(out, base, h, terms, 0, m, true, K, n);
    return;
  }
  start8(out, terms, K, n);
  let from = 8;
  for (; m - from > 8; from++) {
    const k = K[terms.idx[from]!]!;
    const c = terms.coef[from]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! + c * k[i]!;
  }
  finish(out, base, h, terms, from, m - from, false, K, n);
}

/** out = the sum of the first eight terms. */
function start8(out: Float64Array, terms: StageTerms, K: readonly Float64Array[], n: number): void {
  const { idx, coef } = terms;
  const k0 = K[idx[0]!]!, k1 = K[idx[1]!]!, k2 = K[idx[2]!]!, k3 = K[idx[3]!]!, k4 = K[idx[4]!]!, k5 = K[idx[5]!]!, k6 = K[idx[6]!]!, k7 = K[idx[7]!]!;
  const c0 = coef[0]!, c1 = coef[1]!, c2 = coef[2]!, c3 = coef[3]!, c4 = coef[4]!, c5 = coef[5]!, c6 = coef[6]!, c7 = coef[7]!;
  for (let i = 0; i < n; i++) out[i] = c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]! + c6 * k6[i]! + c7 * k7[i]!;
}

/**
 * The last pass, terms [from, from + count), count ≤ 8: out = base + h·(sum), the sum started
 * here (`fresh`) or continuing the one in out. Unused slots point at the first term (never read).
 */
function finish(out: Float64Array, base: Float64Array, h: number, terms: StageTerms, from: number, count: number, fresh: boolean, K: readonly Float64Array[], n: number): void {
  const { idx, coef } = terms;
  const k0 = K[idx[from]!]!;
  const k1 = count > 1 ? K[idx[from + 1]!]! : k0;
  const k2 = count > 2 ? K[idx[from + 2]!]! : k0;
  const k3 = count > 3 ? K[idx[from + 3]!]! : k0;
  const k4 = count > 4 ? K[idx[from + 4]!]! : k0;
  const k5 = count > 5 ? K[idx[from + 5]!]! : k0;
  const k6 = count > 6 ? K[idx[from + 6]!]! : k0;
  const k7 = count > 7 ? K[idx[from + 7]!]! : k0;
  const c0 = coef[from]!;
  const c1 = count > 1 ? coef[from + 1]! : 0;
  const c2 = count > 2 ? coef[from + 2]! : 0;
  const c3 = count > 3 ? coef[from + 3]! : 0;
  const c4 = count > 4 ? coef[from + 4]! : 0;
  const c5 = count > 5 ? coef[from + 5]! : 0;
  const c6 = count > 6 ? coef[from + 6]! : 0;
  const c7 = count > 7 ? coef[from + 7]! : 0;
  if (fresh) {
    switch (count) {
      case 1: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]!); return;
      case 2: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]!); return;
      case 3: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]!); return;
      case 4: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]!); return;
      case 5: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]!); return;
      case 6: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]!); return;
      case 7: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]! + c6 * k6[i]!); return;
      default: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]! + c6 * k6[i]! + c7 * k7[i]!); return;
    }
  }
  switch (count) {
    case 1: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]!); return;
    case 2: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]!); return;
    case 3: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]!); return;
    case 4: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]!); return;
    case 5: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]!); return;
    case 6: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]!); return;
    case 7: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]! + c6 * k6[i]!); return;
    default: for (let i = 0; i < n; i++) out[i] = base[i]! + h * (out[i]! + c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]! + c6 * k6[i]! + c7 * k7[i]!);
  }
}

/**
 * The built-in error norm fused with the last error sum, one pass like a written-out loop:
 * out[0] = Σ_i (eh·Σ_m coef_m K[idx_m][i] / sc_i)², out[1] = Σ_i (E2_i/sc_i)² (0 without E2),
 * sc_i = atol_i + rtol·max(|y_i|, |y_new,i|). Rows of ≤ 8 terms only (false otherwise: the
 * caller forms the vector with `stageSum`). Rows are padded to 6 or 8 terms with coefficient 0
 * on a zero vector: that can turn an exact −0 sum into +0, which squaring cannot tell apart.
 */
export function fusedErrorSquares(
  y: Float64Array,
  yNew: Float64Array,
  atol: Float64Array,
  rtol: number,
  eh: number,
  terms: StageTerms,
  K: readonly Float64Array[],
  zero: Float64Array,
  E2: Float64Array | undefined,
  n: number,
  out: Float64Array,
): boolean {
  const { idx, coef } = terms;
  const m = idx.length;
  if (m > 8) return false;
  const k0 = K[idx[0]!]!;
  const k1 = m > 1 ? K[idx[1]!]! : zero;
  const k2 = m > 2 ? K[idx[2]!]! : zero;
  const k3 = m > 3 ? K[idx[3]!]! : zero;
  const k4 = m > 4 ? K[idx[4]!]! : zero;
  const k5 = m > 5 ? K[idx[5]!]! : zero;
  const k6 = m > 6 ? K[idx[6]!]! : zero;
  const k7 = m > 7 ? K[idx[7]!]! : zero;
  const c0 = coef[0]!;
  const c1 = m > 1 ? coef[1]! : 0;
  const c2 = m > 2 ? coef[2]! : 0;
  const c3 = m > 3 ? coef[3]! : 0;
  const c4 = m > 4 ? coef[4]! : 0;
  const c5 = m > 5 ? coef[5]! : 0;
  const c6 = m > 6 ? coef[6]! : 0;
  const c7 = m > 7 ? coef[7]! : 0;
  let s1 = 0;
  let s2 = 0;
  if (E2 === undefined && m <= 6) {
    for (let i = 0; i < n; i++) {
      const r = (eh * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]!)) / (atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!)));
      s1 += r * r;
    }
  } else if (E2 === undefined) {
    for (let i = 0; i < n; i++) {
      const r = (eh * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]! + c6 * k6[i]! + c7 * k7[i]!)) / (atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!)));
      s1 += r * r;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const sc = atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
      const r1 = (eh * (c0 * k0[i]! + c1 * k1[i]! + c2 * k2[i]! + c3 * k3[i]! + c4 * k4[i]! + c5 * k5[i]! + c6 * k6[i]! + c7 * k7[i]!)) / sc;
      const r2 = E2[i]! / sc;
      s1 += r1 * r1;
      s2 += r2 * r2;
    }
  }
  out[0] = s1;
  out[1] = s2;
  return true;
}
