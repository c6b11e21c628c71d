/**
 * How the in-context-regression model of the Lipschitz-kernel paper (B.3, T-1) is read: the
 * settings its text does not fix, each as data so that runs can compare readings.
 *
 * The paper builds on the linear-transformer code of Ahn et al. (chengxiang/LinearTransformer,
 * `linear_transformer.py`). Read from that code [code]: tokens Z_i = [x_i; y_i], query
 * [x_{n+1}; 0]; the layer map Z ← Z + Attn(Z) with
 *   Attn(Z)_i = (1/n) Σ_j a(Z_i Q Z_jᵀ) A_jj (P_full Z_j),   A = diag(1, …, 1, 0),
 * i.e. the output is divided by the number n of context tokens and the query token's value is
 * dropped (A zeroes it after the activation a); Q acts on x only ([Q 0; 0 0]) and the value of
 * y is y itself (P_full = [P 0; 0 1]); the prediction is −Z_out[n+1, y] (loss (Z_out + y)²);
 * weights N(0, var²) with var = 1e-4 ('simple demonstration.ipynb', batch 4000, clip 1000,
 * 10 000 steps: the settings of the paper's Table 1) or 0.05 (train.ipynb).
 *
 * - `structure`: `dense` (W_Q, W_K, W_V ∈ R^{D×D} on the whole token, the paper's eq. 1) or
 *   `sparse` (the code's layout: q = x W_Q, k = x W_K, W_Q, W_K, W_V ∈ R^{d×d} on x, value
 *   [x W_V; y]).
 * - `outputScale`: `none` (A = P V) or `context` (A = P V / n, the code).
 * - `queryMask`: `none` or `value` (the query token's value is zeroed for every row, after the
 *   attention weights are formed: rows of P still sum to 1 over all N = n + 1 keys; the code).
 */

/** A reading of the in-context-regression model (see the file comment). */
export interface IclReading {
  readonly structure: 'dense' | 'sparse';
  readonly outputScale: 'none' | 'context';
  readonly queryMask: 'none' | 'value';
}

/** Structures of `IclReading`. */
export const ICL_STRUCTURES = Object.freeze(['dense', 'sparse'] as const);
/** Output scalings of `IclReading`. */
export const ICL_OUTPUT_SCALES = Object.freeze(['none', 'context'] as const);
/** Query masks of `IclReading`. */
export const ICL_QUERY_MASKS = Object.freeze(['none', 'value'] as const);
