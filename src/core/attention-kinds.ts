/**
 * Attention kinds in float64 (theory: E-1, E-2, E-3, N-1, N-2; theory/entropy-and-bounds.md).
 * One row of attention compares a query q ∈ R^d with n keys k_j ∈ R^d (keys row-major n×d):
 *
 * - logit kinds first form z_j = q·k_j (E-1, no 1/√d: the caller scales q or sets τ) and then
 *   map the logit row z ∈ Rⁿ to weights;
 * - kernel kinds (E-2, E-3) apply φ elementwise to q and to each k_j and use
 *   sim_j = φ(q)·φ(k_j) ≥ 0, P_j = sim_j / Σ_l sim_l (the paper forms P explicitly to measure it).
 *
 * The kind ids are shared with the training module (tfjs, float32) and must not change.
 * Zero-mass convention: when a normalised kind's row mass Σ sim_l is 0 (ReLU with no positive
 * similarity) the row is written uniform, 1/n, and the kernels return 0 so callers can count it.
 * Kernels are allocation-free and trust their inputs; `attention` is the validated entry point.
 */
import { DimensionError, OptionError } from './errors.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { checkChoice, checkMatrix, checkNumber, resolveOptions } from './validate.js';

/** Ids of the attention kinds (shared with the training module). */
export type AttentionKind =
  | 'softmax'
  | 'normsoftmax-std'
  | 'normsoftmax-var'
  | 'normsoftmax-unit'
  | 'relu-kernel'
  | 'elu1-kernel'
  | 'relu-logit'
  | 'elu1-logit'
  | 'sigmoid'
  | 'sigmoid-normalized'
  | 'linear';

/**
 * All attention kinds, in documentation order.
 *
 * @example
 * ATTENTION_KINDS.length; // 11
 */
export const ATTENTION_KINDS: readonly AttentionKind[] = Object.freeze([
  'softmax',
  'normsoftmax-std',
  'normsoftmax-var',
  'normsoftmax-unit',
  'relu-kernel',
  'elu1-kernel',
  'relu-logit',
  'elu1-logit',
  'sigmoid',
  'sigmoid-normalized',
  'linear',
] as const);

/**
 * The kinds whose rows are probability vectors (non-negative, sum 1): all but `sigmoid`
 * (unnormalised) and `linear` (raw logits, may be negative). Entropy (E-4) is defined for these.
 *
 * @example
 * ROW_STOCHASTIC_KINDS.includes('sigmoid'); // false
 */
export const ROW_STOCHASTIC_KINDS: readonly AttentionKind[] = Object.freeze(ATTENTION_KINDS.filter((k) => k !== 'sigmoid' && k !== 'linear'));

/**
 * True for the kernel kinds (φ on the query and key vectors, E-2/E-3), false for logit kinds.
 *
 * @example
 * isKernelKind('elu1-kernel'); // true
 * isKernelKind('elu1-logit');  // false
 */
export function isKernelKind(kind: AttentionKind): boolean {
  return kind === 'relu-kernel' || kind === 'elu1-kernel';
}

/** Options of the attention kinds. */
export interface AttentionKindOptions {
  /**
   * Temperature τ > 0. `softmax`: P = softmax(z/τ) (N-1; the transformer default is τ = √d_k,
   * the paper's eq. 2 uses τ = 1). NormSoftmax capped forms: the cap in min(s(z), τ) (N-2).
   * Ignored by the other kinds.
   */
  tau: number;
}

/**
 * Defaults: τ = 1 (the paper's unscaled eq. 2; pass τ = √d_k for the transformer convention).
 *
 * @example
 * ATTENTION_KIND_DEFAULTS.tau; // 1
 */
export const ATTENTION_KIND_DEFAULTS: Readonly<AttentionKindOptions> = Object.freeze({ tau: 1 });

/**
 * ELU(x) + 1 = x + 1 for x > 0, eˣ for x ≤ 0: positive, 1-Lipschitz (E-3, Katharopoulos et al.).
 *
 * @example
 * elu1(2);  // 3
 * elu1(-1); // 0.36787944117144233
 */
export function elu1(x: number): number {
  return x > 0 ? x + 1 : Math.exp(x);
}

/** Population mean and variance of z[off .. off+n) (two-pass; no cancellation). */
function rowMeanVar(z: ArrayLike<number>, off: number, n: number): number {
  let m = 0;
  for (let j = 0; j < n; j++) m += z[off + j]!;
  m /= n;
  let v = 0;
  for (let j = 0; j < n; j++) {
    const e = z[off + j]! - m;
    v += e * e;
  }
  return v / n;
}

/** out_j = w_j / Σ w, or uniform when Σ w = 0; returns Σ w. `out` already holds w. */
function normalizeInPlace(out: Float64Array, outOff: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += out[outOff + j]!;
  if (s > 0) {
    const inv = 1 / s;
    for (let j = 0; j < n; j++) out[outOff + j] *= inv;
  } else {
    for (let j = 0; j < n; j++) out[outOff + j] = 1 / n;
  }
  return s;
}

/**
 * Maps one logit row z[zOff .. zOff+n) to attention weights out[outOff .. outOff+n) for a logit
 * kind (every kind except the two kernel kinds, which need q and k; see `attentionRow`).
 * Returns the row mass before normalisation (Σ of the unnormalised weights; 0 flags the uniform
 * zero-mass fallback; for `sigmoid` and `linear` the sum of the written row). `out` may alias `z`
 * when the offsets match.
 *
 * Formulas, with s_std = (1/n Σ (z_j − z̄)²)^{1/2} (population std) and s_var = s_std²:
 * - `softmax`: softmax(z/τ) (E-1, N-1)
 * - `normsoftmax-std`: softmax(z / min(s_std, τ)) (N-2, the paper's form)
 * - `normsoftmax-var`: softmax(z / min(s_var, τ)) (N-2, the Eureka code's default option)
 * - `normsoftmax-unit`: softmax(z / s_std) (N-2, unit-variance form, no cap)
 *   (a zero spread s = 0 means equal logits: the row is uniform)
 * - `relu-logit`: max(z_j, 0) / Σ max(z_l, 0) (ReLU on the logit)
 * - `elu1-logit`: (ELU(z_j)+1) / Σ (ELU(z_l)+1)
 * - `sigmoid`: s(z_j/τ) (unnormalised); `sigmoid-normalized`: s(z_j/τ) / Σ s(z_l/τ) (τ = √d_k
 *   is the scaling of the polarization paper's code; τ = 1 is the plain logistic of the logit)
 * - `linear`: z_j (raw dot product, no normalisation)
 *
 * @example
 * const p = new Float64Array(3);
 * attentionFromLogits('relu-logit', new Float64Array([-1, 1, 3]), 0, 3, p, 0, 1); // p = [0, 0.25, 0.75], returns 4
 */
export function attentionFromLogits(
  kind: AttentionKind,
  z: ArrayLike<number>,
  zOff: number,
  n: number,
  out: Float64Array,
  outOff: number,
  tau: number,
): number {
  switch (kind) {
    case 'softmax':
    case 'normsoftmax-std':
    case 'normsoftmax-var':
    case 'normsoftmax-unit': {
      let scale = tau;
      if (kind !== 'softmax') {
        const v = rowMeanVar(z, zOff, n);
        const s = kind === 'normsoftmax-var' ? v : Math.sqrt(v);
        scale = kind === 'normsoftmax-unit' ? s : Math.min(s, tau);
        if (!(scale > 0)) {
          // Zero spread: all logits equal, softmax of any finite multiple is uniform.
          for (let j = 0; j < n; j++) out[outOff + j] = 1 / n;
          return n;
        }
      }
      const inv = 1 / scale;
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const x = z[zOff + j]! * inv;
        out[outOff + j] = x;
        if (x > m) m = x;
      }
      // Mass of the max-shifted exponentials, Σ e^{x_j − max x} ∈ [1, n].
      return Math.exp(softmax(out, out, outOff, outOff, n) - m);
    }
    case 'relu-logit':
      for (let j = 0; j < n; j++) {
        const v = z[zOff + j]!;
        out[outOff + j] = v > 0 ? v : 0;
      }
      return normalizeInPlace(out, outOff, n);
    case 'elu1-logit':
      for (let j = 0; j < n; j++) out[outOff + j] = elu1(z[zOff + j]!);
      return normalizeInPlace(out, outOff, n);
    case 'sigmoid':
    case 'sigmoid-normalized': {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const v = sigmoid(z[zOff + j]! / tau);
        out[outOff + j] = v;
        s += v;
      }
      if (kind === 'sigmoid-normalized') {
        const inv = 1 / s;
        for (let j = 0; j < n; j++) out[outOff + j] *= inv;
      }
      return s;
    }
    case 'linear': {
      let s = 0;
      for (let j = 0; j < n; j++) {
        out[outOff + j] = z[zOff + j]!;
        s += z[zOff + j]!;
      }
      return s;
    }
    default:
      throw new RangeError(`attentionFromLogits: ${kind} is a kernel kind; use attentionRow`);
  }
}

/**
 * One attention row for any kind: query q[qOff .. qOff+d), keys k[kOff ..] row-major n×d
 * (key j at kOff + j·d), weights into out[outOff .. outOff+n). Logit kinds use z_j = q·k_j
 * (E-1) and `attentionFromLogits`; kernel kinds use sim_j = Σ_l φ(q_l) φ(k_jl) with
 * φ = ReLU (`relu-kernel`, E-2) or ELU+1 (`elu1-kernel`, E-3), P_j = sim_j / Σ sim. Returns the
 * row mass (0 flags the uniform zero-mass fallback). Allocation-free.
 *
 * @example
 * const p = new Float64Array(2);
 * // q = (1, 0), keys (1, 5) and (−1, 5): ReLU kernel sims 1 and 0.
 * attentionRow('relu-kernel', new Float64Array([1, 0]), 0, new Float64Array([1, 5, -1, 5]), 0, 2, 2, p, 0, 1); // p = [1, 0], returns 1
 */
export function attentionRow(
  kind: AttentionKind,
  q: ArrayLike<number>,
  qOff: number,
  k: ArrayLike<number>,
  kOff: number,
  n: number,
  d: number,
  out: Float64Array,
  outOff: number,
  tau: number,
): number {
  if (kind === 'relu-kernel' || kind === 'elu1-kernel') {
    // Feature-major loop: φ(q_l) once per coordinate, zero query features skip their column.
    const relu = kind === 'relu-kernel';
    for (let j = 0; j < n; j++) out[outOff + j] = 0;
    for (let l = 0; l < d; l++) {
      const ql = q[qOff + l]!;
      const a = relu ? (ql > 0 ? ql : 0) : elu1(ql);
      if (a === 0) continue;
      if (relu) {
        for (let j = 0; j < n; j++) {
          const b = k[kOff + j * d + l]!;
          if (b > 0) out[outOff + j] += a * b;
        }
      } else {
        for (let j = 0; j < n; j++) out[outOff + j] += a * elu1(k[kOff + j * d + l]!);
      }
    }
    return normalizeInPlace(out, outOff, n);
  }
  for (let j = 0; j < n; j++) {
    let s = 0;
    const base = kOff + j * d;
    for (let l = 0; l < d; l++) s += q[qOff + l]! * k[base + l]!;
    out[outOff + j] = s;
  }
  return attentionFromLogits(kind, out, outOff, n, out, outOff, tau);
}

/**
 * Attention matrix P (m×n, row-major into `out`) for queries Q (m×d) and keys K (n×d), both
 * row-major: row i is `attentionRow(kind, Q_i, K)`. Returns the number of zero-mass rows
 * (written uniform). Allocation-free.
 *
 * @example
 * const P = new Float64Array(4);
 * attentionMatrix('softmax', new Float64Array([0, 0]), new Float64Array([1, 2]), 2, 2, 1, P, 1); // P = [0.5, 0.5, 0.5, 0.5], returns 0
 */
export function attentionMatrix(
  kind: AttentionKind,
  Q: ArrayLike<number>,
  K: ArrayLike<number>,
  m: number,
  n: number,
  d: number,
  out: Float64Array,
  tau: number,
): number {
  let zeroRows = 0;
  for (let i = 0; i < m; i++) {
    if (attentionRow(kind, Q, i * d, K, 0, n, d, out, i * n, tau) === 0 && kind !== 'linear' && kind !== 'sigmoid') zeroRows++;
  }
  return zeroRows;
}

/** Result of `attention`. */
export interface AttentionResult {
  readonly kind: AttentionKind;
  /** Row-major m×n weights. */
  readonly P: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Rows whose mass was 0 (written uniform, see the module doc). */
  readonly zeroMassRows: number;
}

/**
 * Validated entry point: attention weights of `kind` for queries `q` (m×d, array of rows) and
 * keys `k` (n×d). Errors name the argument (`kind`, `q`, `k`, `options.tau`).
 *
 * @example
 * attention('softmax', [[1, 0]], [[0, 0], [Math.log(3), 0]]).P; // Float64Array [0.25, 0.75]
 */
export function attention(kind: AttentionKind, q: unknown, k: unknown, options?: Partial<AttentionKindOptions>): AttentionResult {
  const kd = checkChoice('kind', kind, ATTENTION_KINDS);
  const o = resolveOptions('options', ATTENTION_KIND_DEFAULTS, options);
  const tau = checkNumber('options.tau', o.tau, { gt: 0 });
  const Q = checkMatrix('q', q);
  const K = checkMatrix('k', k);
  if (K.cols !== Q.cols) throw new DimensionError('k', `(n×${Q.cols})`, `(${K.rows}×${K.cols})`, 'queries and keys need the same dimension d');
  const P = new Float64Array(Q.rows * K.rows);
  const zeroMassRows = attentionMatrix(kd, Q.data, K.data, Q.rows, K.rows, Q.cols, P, tau);
  // Finite inputs can still overflow the logits q·k/τ (entries ~1e200): weights would be NaN.
  for (let i = 0; i < P.length; i++) {
    if (!Number.isFinite(P[i]!)) throw new OptionError('q', 'queries and keys whose logits q·k/τ are finite', `weights ${P[i]} in row ${Math.floor(i / K.rows)}`, 'scale q and k down (|q·k| must stay below ~1e308)');
  }
  return Object.freeze({ kind: kd, P, rows: Q.rows, cols: K.rows, zeroMassRows });
}
