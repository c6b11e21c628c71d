/**
 * The Jacobian of one softmax self-attention layer and the quantities of eq. 9 (theory: E-7,
 * E-8, E-10 in theory/entropy-and-bounds.md).
 *
 * Layer: X ∈ R^{N×D} (rows = tokens), M = W_Q W_Kᵀ, Z = c·X M Xᵀ with c = 1 (the paper's eq. 2)
 * or 1/√D, P = row-softmax(Z), A = P X W_V. Differentials, for a perturbation E of X:
 *   dZ = c (E M Xᵀ + X M Eᵀ),
 *   dP_i = J(P_i) dZ_i,  J(p) = diag p − p pᵀ,
 *   dA = dP X W_V + P E W_V.
 * With vec(X) row-major (index k·D + l), DA_X is the (N·D)×(N·D) matrix and DZ_X the
 * (N·N)×(N·D) matrix of these linear maps; ‖·‖_{F,F} is their spectral norm (power iteration on
 * JᵀJ: `operatorNorm`, Jacobi eigenvalues of the Gram matrix). Layout: row-major Float64Array.
 */
import { frobeniusNorm, operatorNorm } from '../core/attention-metrics.js';
import { softmax } from '../core/softmax.js';
import { DimensionError, OptionError } from '../core/errors.js';
import { checkBoolean, checkMatrix } from '../core/validate.js';
import type { Rng } from '../core/rng.js';

/** Buffers of one layer evaluation (create once with `createJacobianWorkspace`, reuse). */
export interface JacobianWorkspace {
  readonly N: number;
  readonly D: number;
  /** X M (N×D). */
  readonly XM: Float64Array;
  /** X Mᵀ (N×D). */
  readonly XMt: Float64Array;
  /** M = W_Q W_Kᵀ (D×D). */
  readonly M: Float64Array;
  /** Z (N×N). */
  readonly Z: Float64Array;
  /** P (N×N). */
  readonly P: Float64Array;
  /** V = X W_V (N×D). */
  readonly V: Float64Array;
  /** A = P V (N×D). */
  readonly A: Float64Array;
  /** DA_X ((N·D)×(N·D)). */
  readonly JA: Float64Array;
  /** DZ_X ((N·N)×(N·D)). */
  readonly JZ: Float64Array;
  /** dZ and dP of one input direction (N×N each). */
  readonly dZ: Float64Array;
  readonly dP: Float64Array;
  /** Power-iteration / block-ascent scratch. */
  readonly work: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Gram matrix AᵀA of the largest operand (n×n, n = max(N·D, N, D)). */
  readonly gram: Float64Array;
}

/**
 * Allocates the buffers for layers with N tokens of width D.
 *
 * @example
 * createJacobianWorkspace(3, 2).JA.length; // 36
 */
export function createJacobianWorkspace(N: number, D: number): JacobianWorkspace {
  const ND = N * D;
  return {
    N,
    D,
    XM: new Float64Array(ND),
    XMt: new Float64Array(ND),
    M: new Float64Array(D * D),
    Z: new Float64Array(N * N),
    P: new Float64Array(N * N),
    V: new Float64Array(ND),
    A: new Float64Array(ND),
    JA: new Float64Array(ND * ND),
    JZ: new Float64Array(N * N * ND),
    dZ: new Float64Array(N * N),
    dP: new Float64Array(N * N),
    work: new Float64Array(N * N + ND + 2 * Math.max(ND, N, D) + 8),
    x: new Float64Array(ND),
    y: new Float64Array(N * N),
    gram: new Float64Array(Math.max(ND, N, D) ** 2),
  };
}

/**
 * Forward pass into the workspace: M, XM, XMt, Z = c X M Xᵀ, P = softmax rows, V = X W_V,
 * A = P V (all row-major; W_Q, W_K, W_V are D×D). Allocation-free.
 *
 * @example
 * const ws = createJacobianWorkspace(2, 1);
 * attentionForward(new Float64Array([1, -1]), new Float64Array([0]), new Float64Array([0]), new Float64Array([2]), 1, ws);
 * ws.A; // Float64Array [0, 0] (Z = 0, P uniform, A = mean of 2x = 0)
 */
export function attentionForward(X: ArrayLike<number>, WQ: ArrayLike<number>, WK: ArrayLike<number>, WV: ArrayLike<number>, c: number, ws: JacobianWorkspace): void {
  const { N, D, M, XM, XMt, Z, P, V, A } = ws;
  for (let a = 0; a < D; a++) {
    for (let b = 0; b < D; b++) {
      let s = 0;
      for (let r = 0; r < D; r++) s += WQ[a * D + r]! * WK[b * D + r]!;
      M[a * D + b] = s;
    }
  }
  for (let i = 0; i < N; i++) {
    for (let l = 0; l < D; l++) {
      let s = 0;
      let t = 0;
      let v = 0;
      for (let a = 0; a < D; a++) {
        const xa = X[i * D + a]!;
        s += xa * M[a * D + l]!;
        t += xa * M[l * D + a]!;
        v += xa * WV[a * D + l]!;
      }
      XM[i * D + l] = s;
      XMt[i * D + l] = t;
      V[i * D + l] = v;
    }
  }
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let l = 0; l < D; l++) s += XM[i * D + l]! * X[j * D + l]!;
      Z[i * N + j] = c * s;
    }
    softmax(Z, P, i * N, i * N, N);
  }
  for (let i = 0; i < N; i++) {
    for (let m = 0; m < D; m++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += P[i * N + j]! * V[j * D + m]!;
      A[i * D + m] = s;
    }
  }
}

/**
 * Analytic Jacobians DA_X (ws.JA) and DZ_X (ws.JZ) at the state of the last `attentionForward`
 * (same X, W_V, c), from the differentials in the module doc. Column k·D + l is the response to
 * E = e_k e_lᵀ:
 *   dZ_ij = c (δ_ik (X Mᵀ)_jl + (X M)_il δ_jk),
 *   dP_ij = P_ij (dZ_ij − Σ_t P_it dZ_it),
 *   dA_im = Σ_j dP_ij V_jm + P_ik (W_V)_lm.
 *
 * @example
 * // N = 1: P = [1] is constant, so DA_X = W_V and DZ_X = 2c x M-symmetrised.
 * const ws = createJacobianWorkspace(1, 1);
 * const X = new Float64Array([2]), W = new Float64Array([3]);
 * attentionForward(X, W, W, W, 1, ws); attentionJacobian(X, W, 1, ws);
 * ws.JA; // Float64Array [3];  ws.JZ; // Float64Array [36] (Z = 9x², dZ/dx = 18x)
 */
export function attentionJacobian(X: ArrayLike<number>, WV: ArrayLike<number>, c: number, ws: JacobianWorkspace): void {
  const { N, D, XM, XMt, P, V, JA, JZ, dZ, dP } = ws;
  const ND = N * D;
  for (let k = 0; k < N; k++) {
    for (let l = 0; l < D; l++) {
      const col = k * D + l;
      // dZ: row k gets c (X Mᵀ)_jl for every j; column k gets c (X M)_il for every i.
      dZ.fill(0);
      for (let j = 0; j < N; j++) dZ[k * N + j] += c * XMt[j * D + l]!;
      for (let i = 0; i < N; i++) dZ[i * N + k] += c * XM[i * D + l]!;
      for (let i = 0; i < N; i++) {
        let mean = 0;
        for (let t = 0; t < N; t++) mean += P[i * N + t]! * dZ[i * N + t]!;
        for (let j = 0; j < N; j++) {
          dP[i * N + j] = P[i * N + j]! * (dZ[i * N + j]! - mean);
          JZ[(i * N + j) * ND + col] = dZ[i * N + j]!;
        }
      }
      for (let i = 0; i < N; i++) {
        const pik = P[i * N + k]!;
        for (let m = 0; m < D; m++) {
          let s = pik * WV[l * D + m]!;
          for (let j = 0; j < N; j++) s += dP[i * N + j]! * V[j * D + m]!;
          JA[(i * D + m) * ND + col] = s;
        }
      }
    }
  }
}

/** Which norm ‖X‖_(2,∞) means (E-8): max column norm (literal) or max row (token) norm. */
export type TwoInfReading = 'column' | 'row';

/**
 * ‖X‖_(2,∞) of a row-major N×D matrix: `column` = max_l (Σ_i X_il²)^{1/2} (the formula as
 * printed under eq. 9), `row` = max_i ‖x_i‖ (max token norm, Dasoulas et al.'s meaning).
 *
 * @example
 * twoInfNorm(new Float64Array([3, 4, 0, 0]), 2, 2, 'row');    // 5
 * twoInfNorm(new Float64Array([3, 4, 0, 0]), 2, 2, 'column'); // 4
 */
export function twoInfNorm(X: ArrayLike<number>, N: number, D: number, reading: TwoInfReading): number {
  let best = 0;
  if (reading === 'row') {
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let l = 0; l < D; l++) s += X[i * D + l]! * X[i * D + l]!;
      if (s > best) best = s;
    }
  } else {
    for (let l = 0; l < D; l++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += X[i * D + l]! * X[i * D + l]!;
      if (s > best) best = s;
    }
  }
  return Math.sqrt(best);
}

/** Scales each block of x (rows or columns of the N×D input) to unit norm; zero blocks get e_1. */
function normalizeBlocks(x: Float64Array, N: number, D: number, reading: TwoInfReading): void {
  const blocks = reading === 'row' ? N : D;
  const len = reading === 'row' ? D : N;
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let t = 0; t < len; t++) {
      const idx = reading === 'row' ? b * D + t : t * D + b;
      s += x[idx]! * x[idx]!;
    }
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let t = 0; t < len; t++) x[reading === 'row' ? b * D + t : t * D + b] *= inv;
    } else {
      x[reading === 'row' ? b * D : b] = 1;
    }
  }
}

/** y = J x (J is m×n row-major); returns ‖y‖. */
function applyNorm(J: ArrayLike<number>, m: number, n: number, x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += J[i * n + j]! * x[j]!;
    y[i] = v;
    s += v * v;
  }
  return Math.sqrt(s);
}

/**
 * Bracket [lower, upper] of the mixed operator norm ‖J‖_{F,(2,∞)} = max{‖J x‖ : ‖x‖_(2,∞) ≤ 1}
 * (E-8) for J = DZ_X ((N·N)×(N·D), in ws.JZ), x read as an N×D matrix with blocks = rows or
 * columns. Exact evaluation maximises a convex function over a product of balls (hard in
 * general); `lower` comes from block ascent x ← blocknormalise(JᵀJ x), which never decreases
 * ‖J x‖ (linearisation of a convex function), from `starts` starts (the first the top singular
 * vector, the rest random from `rng`); `upper` = √B·‖J‖_{F,F} (B blocks), since the
 * (2,∞)-ball lies inside the Frobenius ball of radius √B. `spectral` = ‖J‖_{F,F}.
 *
 * @example
 * // see test/analysis/attention-jacobian.test.ts: lower ≤ brute-force maximum ≤ upper
 */
export function mixedNormBracket(
  ws: JacobianWorkspace,
  reading: TwoInfReading,
  spectral: number,
  rng: Rng,
  starts = 3,
  iterations = 100,
): { lower: number; upper: number } {
  const { N, D, JZ, x, y } = ws;
  const ND = N * D;
  const m = N * N;
  const blocks = reading === 'row' ? N : D;
  let best = 0;
  for (let s = 0; s < starts; s++) {
    if (s === 0) {
      // Top right singular vector direction: a few power steps from a fixed start.
      for (let j = 0; j < ND; j++) x[j] = 1 + ((0.618034 * j) % 1);
      for (let it = 0; it < 50; it++) jtjStep(JZ, m, ND, x, y);
    } else {
      rng.fillNormal(x);
    }
    normalizeBlocks(x, N, D, reading);
    let val = applyNorm(JZ, m, ND, x, y);
    for (let it = 0; it < iterations; it++) {
      jtjStep(JZ, m, ND, x, y);
      normalizeBlocks(x, N, D, reading);
      const next = applyNorm(JZ, m, ND, x, y);
      const done = next <= val * (1 + 1e-10);
      val = Math.max(val, next);
      if (done) break;
    }
    if (val > best) best = val;
  }
  return { lower: best, upper: Math.sqrt(blocks) * spectral };
}

/** x ← JᵀJ x / ‖JᵀJ x‖ (y is scratch of length m). */
function jtjStep(J: ArrayLike<number>, m: number, n: number, x: Float64Array, y: Float64Array): void {
  applyNorm(J, m, n, x, y);
  let s = 0;
  for (let j = 0; j < n; j++) {
    let v = 0;
    for (let i = 0; i < m; i++) v += J[i * n + j]! * y[i]!;
    x[j] = v;
    s += v * v;
  }
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < n; j++) x[j] *= inv;
  }
}

/** The norms of one layer that enter eq. 9 and the sharper bound. */
export interface LayerNorms {
  /** ‖DA_X‖_{F,F} (spectral norm of the Jacobian). */
  readonly jacobianNorm: number;
  /** ‖DZ_X‖_{F,F}. */
  readonly dzNorm: number;
  readonly frobeniusP: number;
  /** ‖P‖₂. */
  readonly spectralP: number;
  /** ‖W_V‖₂. */
  readonly spectralWV: number;
  /** max_i ‖x_i‖ (row reading of ‖X‖_(2,∞)). */
  readonly maxRowNorm: number;
  /** max_l ‖X_{:,l}‖ (column reading). */
  readonly maxColumnNorm: number;
}

/**
 * Forward pass, Jacobians and the spectral norms of one layer (allocation-free given `ws`).
 *
 * @example
 * // N = 1, D = 1, X = 2, W_Q = W_K = W_V = 3: ‖DA‖ = 3, ‖DZ‖ = 36, ‖P‖_F = ‖P‖₂ = 1.
 */
export function layerNorms(X: ArrayLike<number>, WQ: ArrayLike<number>, WK: ArrayLike<number>, WV: ArrayLike<number>, c: number, ws: JacobianWorkspace): LayerNorms {
  const { N, D } = ws;
  attentionForward(X, WQ, WK, WV, c, ws);
  attentionJacobian(X, WV, c, ws);
  const ND = N * D;
  return {
    jacobianNorm: operatorNorm(ws.JA, ND, ND, ws.gram),
    dzNorm: operatorNorm(ws.JZ, N * N, ND, ws.gram),
    frobeniusP: frobeniusNorm(ws.P, N, N),
    spectralP: operatorNorm(ws.P, N, N, ws.gram),
    spectralWV: operatorNorm(WV, D, D, ws.gram),
    maxRowNorm: twoInfNorm(X, N, D, 'row'),
    maxColumnNorm: twoInfNorm(X, N, D, 'column'),
  };
}

/** Result of `attentionLayerJacobian`. */
export interface AttentionLayerJacobian {
  readonly N: number;
  readonly D: number;
  readonly P: number[][];
  readonly A: number[][];
  /** DA_X, (N·D)×(N·D), vec row-major. */
  readonly JA: number[][];
  /** DZ_X, (N·N)×(N·D). */
  readonly JZ: number[][];
  readonly norms: LayerNorms;
}

function toRows(a: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(a.subarray(i * cols, (i + 1) * cols)));
  return out;
}

/**
 * Validated entry point: A, P, DA_X, DZ_X and their norms for X (N×D) and W_Q, W_K, W_V (D×D),
 * with Z = X W_Q W_Kᵀ Xᵀ (`scaled`: divided by √D).
 *
 * @example
 * attentionLayerJacobian([[2]], [[3]], [[3]], [[3]]).JA; // [[3]]
 */
export function attentionLayerJacobian(X: unknown, WQ: unknown, WK: unknown, WV: unknown, scaled: unknown = false): AttentionLayerJacobian {
  const x = checkMatrix('X', X);
  const D = x.cols;
  const q = checkMatrix('WQ', WQ, D, D);
  const k = checkMatrix('WK', WK, D, D);
  const v = checkMatrix('WV', WV, D, D);
  const sc = checkBoolean('scaled', scaled);
  if (x.rows < 1) throw new DimensionError('X', '(N×D), N ≥ 1', `(${x.rows}×${D})`);
  const ws = createJacobianWorkspace(x.rows, D);
  const norms = layerNorms(x.data, q.data, k.data, v.data, sc ? 1 / Math.sqrt(D) : 1, ws);
  const N = x.rows;
  // Finite inputs can overflow Z = X W_Q W_Kᵀ Xᵀ (entries ~1e200): the Jacobian would be NaN.
  for (const [name, arr] of [['P', ws.P], ['A', ws.A], ['JA', ws.JA], ['JZ', ws.JZ]] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i]!)) throw new OptionError('X', 'inputs whose logits Z = X W_Q W_Kᵀ Xᵀ and Jacobian are finite', `a non-finite entry of ${name}`, 'scale X and the weights down');
    }
  }
  return {
    N,
    D,
    P: toRows(ws.P, N, N),
    A: toRows(ws.A, N, D),
    JA: toRows(ws.JA, N * D, N * D),
    JZ: toRows(ws.JZ, N * N, N * D),
    norms,
  };
}
