// One whole stage evaluation of the low-rank stage evaluator (src/integrators/low-rank-stages.ts,
// `evalStage`) for softmax normalisation with the square or the regression loss, in one call:
// the same kernels (low-rank.ts, expScaled) in the same order with the same arguments as the
// evaluator's multi-call sequence, and the loss gradient with the same IEEE operations in the
// same order as that sequence (square: g = f − y as models/losses.ts; regression: the
// evaluator's `regressionGradient`), so the bits are the multi-call path's by construction
// (tested in test/integrators/low-rank-one-call.test.ts). The multi-call path stays the twin
// and the fallback (other losses and normalisations, kernels off).
import { expScaled } from './kernels';
import { lrAddRows, lrBackward, lrForward, lrScaleBySum, lrShiftMax, lrSoftmaxVjp } from './low-rank';

/**
 * Stage s at the base state at vb (V d×n, then the logits K·n); pointers are byte offsets:
 * aS the stage logits (K·n), KAS / NS / GS every stage's ȧ, N (K·n each) and G (K·d), ac the
 * coefficients h·A_sj (j < s, filled by the caller), E a K·n scratch row, f, g (K·d), w (K·n),
 * X, Xc (K·s·K), yt the targets (square K·d, regression K·rows), Xr the regression's X
 * (rows·d), rq its residual row (rows); loss 0: square, 1: regression; invK = 1/K.
 * Writes stage s's N, G, ȧ (and aS, f, g, w, X, Xc as the multi-call path does).
 */
export function lrStageSoftmax(vb: usize, aS: usize, KAS: usize, ac: usize, E: usize, NS: usize, GS: usize, f: usize, g: usize, w: usize, X: usize, Xc: usize, yt: usize, Xr: usize, rq: usize, s: i32, K: i32, d: i32, n: i32, rows: i32, loss: i32, invK: f64): void {
  const KN = K * n;
  const Nso = NS + ((<usize>s * <usize>KN) << 3);
  const Gso = GS + ((<usize>s * <usize>(K * d)) << 3);
  const kao = KAS + ((<usize>s * <usize>KN) << 3);
  // Stage logits a + Σ_{j<s} (h A_sj) ȧ_j, then N = softmax.
  memory.copy(aS, vb + ((<usize>(d * n)) << 3), <usize>KN << 3);
  if (s > 0) lrAddRows(aS, KAS, ac, s, 1, KN);
  lrShiftMax(aS, K, n, E);
  expScaled(E, KN, 1.0, E);
  lrScaleBySum(E, K, n, Nso);
  // Forward sweep and its corrections.
  lrForward(vb, Nso, K, d, n, f);
  const sK = s * K;
  if (s > 0) {
    lrForward(NS, Nso, K, sK, n, X);
    scaleDots(ac, X, Xc, K, sK);
    lrAddRows(f, GS, Xc, sK, K, d);
  }
  // Loss gradient.
  if (loss == 1) {
    for (let k = 0; k < K; k++) {
      lrForward(Xr, f + ((<usize>(k * d)) << 3), 1, rows, d, rq);
      const yk = yt + ((<usize>(k * rows)) << 3);
      for (let q = 0; q < rows; q++) {
        const o = <usize>q << 3;
        store<f64>(rq + o, -2.0 * (load<f64>(yk + o) - load<f64>(rq + o)));
      }
      lrBackward(Xr, rq, 1, rows, d, g + ((<usize>(k * d)) << 3));
    }
  } else {
    for (let q = 0; q < K * d; q++) {
      const o = <usize>q << 3;
      store<f64>(g + o, load<f64>(f + o) - load<f64>(yt + o));
    }
  }
  for (let q = 0; q < K * d; q++) {
    const o = <usize>q << 3;
    store<f64>(Gso + o, -load<f64>(g + o) * invK);
  }
  // Backward sweep, its corrections, the softmax VJP.
  lrBackward(vb, g, K, d, n, w);
  if (s > 0) {
    lrForward(GS, g, K, sK, d, X);
    scaleDots(ac, X, Xc, K, sK);
    lrAddRows(w, NS, Xc, sK, K, n);
  }
  lrSoftmaxVjp(Nso, w, K, n, -invK, kao);
}

/** Xc[k·sK + j·K + k'] = ac[j]·X[k·sK + j·K + k'] (the evaluator's `scaleDots`, ac[j] = h·A_sj). */
function scaleDots(ac: usize, X: usize, Xc: usize, K: i32, sK: i32): void {
  for (let k = 0; k < K; k++) {
    const o = k * sK;
    for (let j = 0; j * K < sK; j++) {
      const al = load<f64>(ac + (<usize>j << 3));
      for (let kp = 0; kp < K; kp++) {
        const p = <usize>(o + j * K + kp) << 3;
        store<f64>(Xc + p, al * load<f64>(X + p));
      }
    }
  }
}
