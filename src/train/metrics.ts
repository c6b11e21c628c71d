/**
 * Attention metrics of training runs, computed in float64 with the core kernels
 * (`src/core/attention-metrics.ts`: E-4 entropy, E-5 logit variance, E-6 skewness, E-7 ‖P‖_F)
 * from float32 attention matrices read back from the backend, plus run-level detectors.
 */
import { frobeniusNorm, logitVariance, rowEntropy, rowMax, rowSkewness } from '../core/attention-metrics.js';

/** Mean attention statistics of one layer over samples, heads and query rows. */
export interface LayerStats {
  /** Mean row entropy H(P) (E-4), nats; at most log N. */
  readonly entropy: number;
  /** Mean row logit variance (E-5) of the visible logits q·k. */
  readonly logitVariance: number;
  /** Mean ‖P‖_F over samples and heads (E-7). */
  readonly frobenius: number;
  /** Mean row skewness (E-6) over rows with at least 3 visible keys. */
  readonly skewness: number;
  /** Mean largest weight of a row. */
  readonly maxWeight: number;
}

/**
 * Layer statistics from P and Z of shape [B, H, N, N] (row-major float32). With `causal`, row i
 * has i + 1 visible entries; the row metrics only use those. Any non-finite entry of P gives NaN
 * for every statistic (a diverged step).
 *
 * @example
 * // B = H = 1, N = 2, P = [[0.5, 0.5], [1, 0]], Z = [[0, 0], [2, 0]], not causal:
 * // entropy (ln 2 + 0)/2 = 0.3466, logitVariance (0 + 1)/2 = 0.5, frobenius √1.5 = 1.2247
 */
export function layerStats(P: ArrayLike<number>, Z: ArrayLike<number>, B: number, H: number, N: number, causal: boolean): LayerStats {
  const NN = N * N;
  const mat = new Float64Array(NN);
  const zrow = new Float64Array(N);
  let ent = 0;
  let lv = 0;
  let fro = 0;
  let sk = 0;
  let skCount = 0;
  let mx = 0;
  for (let bh = 0; bh < B * H; bh++) {
    const base = bh * NN;
    for (let e = 0; e < NN; e++) mat[e] = P[base + e]!;
    fro += frobeniusNorm(mat, N, N);
    for (let i = 0; i < N; i++) {
      const n = causal ? i + 1 : N;
      for (let j = 0; j < n; j++) zrow[j] = Z[base + i * N + j]!;
      ent += rowEntropy(mat, i * N, n);
      lv += logitVariance(zrow, 0, n);
      mx += rowMax(mat, i * N, n);
      if (n >= 3) {
        sk += rowSkewness(mat, i * N, n);
        skCount++;
      }
    }
  }
  const rows = B * H * N;
  // Non-finite weights (a diverged step) must not read as entropy 0 (rowEntropy skips NaN).
  for (let e = 0; e < B * H * NN; e++) {
    if (!Number.isFinite(P[e]!)) return { entropy: NaN, logitVariance: NaN, frobenius: NaN, skewness: NaN, maxWeight: NaN };
  }
  return { entropy: ent / rows, logitVariance: lv / rows, frobenius: fro / (B * H), skewness: skCount > 0 ? sk / skCount : 0, maxWeight: mx / rows };
}

/**
 * Sink score per head (A.6): for query rows 1..9, Σ_q A[q, 0] / Σ_q Σ_k A[q, k], averaged over
 * the B sequences. P is [B, H, N, N]. A head with score > 0.9 is a sink head. Weights enter by
 * absolute value, so that the signed unnormalised kind `raw-dot` has a score in [0, 1] too
 * (the same number for the non-negative kinds) [reconstructed: the paper does not say how it
 * scores signed attention].
 *
 * @example
 * // every row of every head puts all weight on position 0 → [1, 1, …]
 */
export function sinkScores(P: ArrayLike<number>, B: number, H: number, N: number): number[] {
  const out = new Array<number>(H).fill(0);
  const last = Math.min(9, N - 1);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const base = (b * H + h) * N * N;
      let first = 0;
      let all = 0;
      for (let q = 1; q <= last; q++) {
        first += Math.abs(P[base + q * N]!);
        for (let k = 0; k < N; k++) all += Math.abs(P[base + q * N + k]!);
      }
      out[h]! += all > 0 ? first / all : 0;
    }
  }
  return out.map((s) => s / B);
}

/**
 * Indices i ≥ window where series[i] > factor × median(series[i−window .. i−1]) (loss and
 * gradient-norm spikes). Non-finite values count as spikes.
 *
 * @example
 * detectSpikes([1, 1, 1, 1, 50, 1], 3, 10); // [4]
 */
export function detectSpikes(series: readonly number[], window: number, factor: number): number[] {
  const out: number[] = [];
  const buf: number[] = [];
  for (let i = window; i < series.length; i++) {
    buf.length = 0;
    for (let j = i - window; j < i; j++) buf.push(series[j]!);
    buf.sort((a, b) => a - b);
    const med = buf[Math.floor(window / 2)]!;
    const v = series[i]!;
    if (!Number.isFinite(v) || v > factor * med) out.push(i);
  }
  return out;
}
