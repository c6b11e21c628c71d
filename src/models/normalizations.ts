/**
 * The attention normalisations N(a) of the paper's appendix and their vector–Jacobian products
 * (theory: VS-5). Softmax is the default; the others enter the flow through their own Jacobian:
 *   ȧ = −J_N(a)ᵀ Vᵀ g.
 * All normalised kinds share one shape: N(a) = φ(a) / S, S = Σ_j φ(a_j), so
 *   (J_Nᵀ w)_j = φ′(a_j)/S · (w_j − ⟨N, w⟩),
 * with φ = exp (softmax, computed max-shifted), |·| (l1), identity (sum), (·)² (l2sq), ReLU
 * (relu). `sigmoid` is elementwise and unnormalised: N_j = s(a_j), (J_Nᵀ w)_j = s(a_j)(1 − s(a_j)) w_j.
 * Kernels act on slices (offset + length) of flat Float64Arrays and allocate nothing.
 */
import { softmax } from '../core/softmax.js';
import { sigmoid } from '../core/sigmoid.js';

/** Names of the normalisations N(a) (softmax default). */
export type NormalizationName = 'softmax' | 'l1' | 'sum' | 'l2sq' | 'relu' | 'sigmoid';

/** All normalisation names, in documentation order. */
export const NORMALIZATIONS: readonly NormalizationName[] = Object.freeze(['softmax', 'l1', 'sum', 'l2sq', 'relu', 'sigmoid'] as const);

/**
 * Writes N(a[off .. off+n)) into out[outOff ..] and returns the normaliser S = Σ φ(a_j)
 * (for softmax: Σ e^{a_j − max a}; for sigmoid: Σ s(a_j), i.e. the mass used to turn N into a
 * probability vector for the observables). S = 0 (all-zero l1/l2sq, Σa = 0, no positive entry for
 * relu) gives non-finite N: the flow is undefined there (resolveProblem rejects such a start).
 *
 * @example
 * const out = new Float64Array(2);
 * normalize('l2sq', new Float64Array([1, 2]), 0, 2, out, 0); // out = [0.2, 0.8], returns 5
 */
export function normalize(kind: NormalizationName, a: ArrayLike<number>, off: number, n: number, out: Float64Array, outOff: number): number {
  let s = 0;
  switch (kind) {
    case 'softmax': {
      const lse = softmax(a, out, off, outOff, n);
      let m = -Infinity;
      for (let j = 0; j < n; j++) if (a[off + j]! > m) m = a[off + j]!;
      return Math.exp(lse - m);
    }
    case 'sigmoid':
      for (let j = 0; j < n; j++) {
        const v = sigmoid(a[off + j]!);
        out[outOff + j] = v;
        s += v;
      }
      return s;
    case 'l1':
      for (let j = 0; j < n; j++) s += Math.abs(a[off + j]!);
      for (let j = 0; j < n; j++) out[outOff + j] = Math.abs(a[off + j]!) / s;
      return s;
    case 'sum':
      for (let j = 0; j < n; j++) s += a[off + j]!;
      for (let j = 0; j < n; j++) out[outOff + j] = a[off + j]! / s;
      return s;
    case 'l2sq':
      for (let j = 0; j < n; j++) s += a[off + j]! * a[off + j]!;
      for (let j = 0; j < n; j++) out[outOff + j] = (a[off + j]! * a[off + j]!) / s;
      return s;
    case 'relu':
      for (let j = 0; j < n; j++) s += a[off + j]! > 0 ? a[off + j]! : 0;
      for (let j = 0; j < n; j++) out[outOff + j] = a[off + j]! > 0 ? a[off + j]! / s : 0;
      return s;
  }
}

/**
 * Vector–Jacobian product out[outOff + j] = scale · (J_N(a)ᵀ w)_j for the slice a[off .. off+n),
 * given N = N(a) at N[nOff ..] and S from `normalize`. `scale = −1` gives the flow ȧ (VS-4/5).
 * l1 uses sgn(0) = 0 (a subgradient) at a_j = 0.
 *
 * @example
 * // softmax at a = 0, n = 2, w = (1, 0): J = ¼[[1, −1], [−1, 1]] → Jᵀw = (0.25, −0.25)
 * const N = new Float64Array([0.5, 0.5]); const out = new Float64Array(2);
 * normalizationVjp('softmax', new Float64Array(2), 0, 2, N, 0, 2, new Float64Array([1, 0]), 0, out, 0, 1);
 */
export function normalizationVjp(
  kind: NormalizationName,
  a: ArrayLike<number>,
  off: number,
  n: number,
  N: Float64Array,
  nOff: number,
  S: number,
  w: Float64Array,
  wOff: number,
  out: Float64Array,
  outOff: number,
  scale: number,
): void {
  if (kind === 'sigmoid') {
    for (let j = 0; j < n; j++) {
      const s = N[nOff + j]!;
      out[outOff + j] = scale * s * (1 - s) * w[wOff + j]!;
    }
    return;
  }
  let nw = 0;
  for (let j = 0; j < n; j++) nw += N[nOff + j]! * w[wOff + j]!;
  switch (kind) {
    case 'softmax':
      for (let j = 0; j < n; j++) out[outOff + j] = scale * N[nOff + j]! * (w[wOff + j]! - nw);
      return;
    case 'l1': {
      const c = scale / S;
      for (let j = 0; j < n; j++) out[outOff + j] = c * Math.sign(a[off + j]!) * (w[wOff + j]! - nw);
      return;
    }
    case 'sum': {
      const c = scale / S;
      for (let j = 0; j < n; j++) out[outOff + j] = c * (w[wOff + j]! - nw);
      return;
    }
    case 'l2sq': {
      const c = (2 * scale) / S;
      for (let j = 0; j < n; j++) out[outOff + j] = c * a[off + j]! * (w[wOff + j]! - nw);
      return;
    }
    case 'relu': {
      const c = scale / S;
      for (let j = 0; j < n; j++) out[outOff + j] = a[off + j]! > 0 ? c * (w[wOff + j]! - nw) : 0;
      return;
    }
  }
}
