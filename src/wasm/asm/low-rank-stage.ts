// One whole stage evaluation of the low-rank stage evaluator (src/integrators/low-rank-stages.ts,
// `evalStage`) for the square, regression or cross-entropy loss with any normalisation (softmax,
// l1, l2sq, sigmoid, relu, sum: lrNormalize / lrNormVjp, code `norm`), in one call: the same
// kernels (low-rank.ts, expScaled) in the same order with the same arguments
// as the evaluator's multi-call sequence, and the loss gradient with the same IEEE operations in
// the same order as that sequence (square: g = f − y as models/losses.ts; regression: the
// evaluator's `regressionGradient`; cross-entropy: its `crossEntropyGradient`), so the bits are
// the multi-call path's by construction (tested in test/integrators/low-rank-one-call.test.ts).
// The multi-call path stays the twin and the fallback (other losses, kernels off).
import { expScaled } from './kernels';
import { lrAddRows, lrBackward, lrCombine, lrForward, lrFused, lrFused2, lrNormalize, lrNormVjp, lrScaleBySum, lrShiftMax } from './low-rank';

/**
 * Stage s at the base state at vb (V d×n, then the logits K·n); pointers are byte offsets:
 * aS the stage logits (K·n), KAS / NS / GS every stage's ȧ, N (K·n each) and G (K·d), ac the
 * coefficients h·A_sj (j < s, filled by the caller), E a K·n scratch row, f, g (K·d), w (K·n),
 * X, Xc (K·s·K), yt the targets (square K·d, regression K·rows, cross-entropy p (K·d) then
 * Σ_j p_kj (K)), Xr the regression's X (rows·d), rq its residual row (rows), Sn the
 * normalisers (K); loss 0: square, 1: regression, 2: cross-entropy; norm the normalisation
 * code of lrNormalize (0 softmax, 1 l1, 2 l2sq, 3 sigmoid, 4 relu, 5 sum); invK = 1/K.
 * Writes stage s's N, G, ȧ (and aS, f, g, w, X, Xc as the multi-call path does).
 */
export function lrStageOne(vb: usize, aS: usize, KAS: usize, ac: usize, E: usize, NS: usize, GS: usize, f: usize, g: usize, w: usize, X: usize, Xc: usize, yt: usize, Xr: usize, rq: usize, Sn: usize, s: i32, K: i32, d: i32, n: i32, rows: i32, loss: i32, norm: i32, invK: f64): void {
  const KN = K * n;
  const Nso = NS + ((<usize>s * <usize>KN) << 3);
  const Gso = GS + ((<usize>s * <usize>(K * d)) << 3);
  const kao = KAS + ((<usize>s * <usize>KN) << 3);
  // Stage logits a + Σ_{j<s} (h A_sj) ȧ_j, then N = N(a) (normalisers into Sn).
  memory.copy(aS, vb + ((<usize>(d * n)) << 3), <usize>KN << 3);
  if (s > 0) lrAddRows(aS, KAS, ac, s, 1, KN);
  lrNormalize(aS, K, n, norm, E, Nso, Sn);
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
  } else if (loss == 2) {
    // Cross-entropy: g_k = (Σ_j p_kj)·softmax(f_k) − p_k (models/losses.ts), the softmax by the
    // stages' kernels (f − max f, vsflow's exp, e·(1/Σe)); yt holds p (K·d), then Σp (K).
    const Kd = K * d;
    lrShiftMax(f, K, d, g);
    expScaled(g, Kd, 1.0, g);
    lrScaleBySum(g, K, d, g);
    const ps = yt + (<usize>Kd << 3);
    for (let k = 0; k < K; k++) {
      const c = load<f64>(ps + (<usize>k << 3));
      for (let i = 0; i < d; i++) {
        const o = <usize>(k * d + i) << 3;
        store<f64>(g + o, c * load<f64>(g + o) - load<f64>(yt + o));
      }
    }
  } else {
    // Element-wise, so f64x2 lanes give the scalar loop's bits.
    const Kd = K * d;
    let q = 0;
    for (; q + 2 <= Kd; q += 2) {
      const o = <usize>q << 3;
      v128.store(g + o, f64x2.sub(v128.load(f + o), v128.load(yt + o)));
    }
    if (q < Kd) {
      const o = <usize>q << 3;
      store<f64>(g + o, load<f64>(f + o) - load<f64>(yt + o));
    }
  }
  // G = −g·(1/K), element-wise (f64x2 lanes; the negation is exact).
  const Kd = K * d;
  const iv = f64x2.splat(invK);
  let q = 0;
  for (; q + 2 <= Kd; q += 2) {
    const o = <usize>q << 3;
    v128.store(Gso + o, f64x2.mul(f64x2.neg(v128.load(g + o)), iv));
  }
  if (q < Kd) {
    const o = <usize>q << 3;
    store<f64>(Gso + o, -load<f64>(g + o) * invK);
  }
  // Backward sweep, its corrections, the normalisation's VJP.
  lrBackward(vb, g, K, d, n, w);
  if (s > 0) {
    lrForward(GS, g, K, sK, d, X);
    scaleDots(ac, X, Xc, K, sK);
    lrAddRows(w, NS, Xc, sK, K, n);
  }
  lrNormVjp(aS, Nso, Sn, w, K, n, norm, -invK, kao);
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

/**
 * A whole step attempt of the evaluator (`LowRankStages.attempt`) for the cases of
 * lrStageOne, in one call: stages 1..fsal (ac[j] = h·A_sj, then lrStageOne), the rank
 * terms (stage j, sample k) with a nonzero update or error weight and their gathered N rows and
 * coefficients (C: update, E1 per term; with two estimators then Ch, the M terms with
 * h·(b_j − e2_j) ≠ 0, their indices Ti and the kernel's u32 scratch after them), the fused
 * pass (lrFused with two estimators, s2 divided by h², else lrFused2), the FSAL logits into
 * the update block Vn, the logit error vectors by lrAddRows and their scaled squares added
 * to the fused sums: the evaluator's operations in its order. tab: the tableau, A (S×S, row s
 * the coefficients A_sj, j < s), then b, e1, e2 (S each, zero-padded; e2 zero for one
 * estimator); atA the logits' atol (K·n); out = [s1, s2]. The other pointers as lrStageOne
 * and lrFused.
 */
export function lrAttemptOne(vb: usize, vn: usize, aS: usize, KAS: usize, ac: usize, E: usize, NS: usize, GS: usize, f: usize, g: usize, w: usize, X: usize, Xc: usize, yt: usize, Xr: usize, rq: usize, Sn: usize, C: usize, Nt: usize, at: usize, atStep: i32, atA: usize, tab: usize, out: usize, fsal: i32, S: i32, two: i32, K: i32, d: i32, n: i32, rows: i32, loss: i32, norm: i32, invK: f64, h: f64, rtol: f64): void {
  const SS = <usize>(S * S) << 3;
  const Bt = tab + SS;
  const E1t = Bt + (<usize>S << 3);
  const E2t = E1t + (<usize>S << 3);
  for (let s = 1; s <= fsal; s++) {
    const row = tab + ((<usize>(s * S)) << 3);
    for (let j = 0; j < s; j++) store<f64>(ac + (<usize>j << 3), h * load<f64>(row + (<usize>j << 3)));
    lrStageOne(vb, aS, KAS, ac, E, NS, GS, f, g, w, X, Xc, yt, Xr, rq, Sn, s, K, d, n, rows, loss, norm, invK);
  }
  const KN = K * n;
  const stages = fsal + 1;
  const eScale = two != 0 ? 1.0 : h;
  // The rank terms' count and the subtracted terms' count, then their N rows and coefficients.
  let R = 0;
  let M = 0;
  for (let j = 0; j < stages; j++) {
    const bj = j < fsal ? h * load<f64>(Bt + (<usize>j << 3)) : 0.0;
    const e1 = eScale * load<f64>(E1t + (<usize>j << 3));
    const e2 = two != 0 ? load<f64>(E2t + (<usize>j << 3)) : 0.0;
    if (bj == 0 && e1 == 0 && e2 == 0) continue;
    R += K;
    if (two != 0 && h * ((j < fsal ? load<f64>(Bt + (<usize>j << 3)) : 0.0) - e2) != 0) M += K;
  }
  const Ch = C + ((<usize>(d * R * 2)) << 3);
  const Ti = Ch + ((<usize>(d * M)) << 3);
  let r = 0;
  let t = 0;
  for (let j = 0; j < stages; j++) {
    const bj = j < fsal ? h * load<f64>(Bt + (<usize>j << 3)) : 0.0;
    const e1 = eScale * load<f64>(E1t + (<usize>j << 3));
    const e2 = two != 0 ? load<f64>(E2t + (<usize>j << 3)) : 0.0;
    if (bj == 0 && e1 == 0 && e2 == 0) continue;
    const th = h * ((j < fsal ? load<f64>(Bt + (<usize>j << 3)) : 0.0) - e2);
    for (let k = 0; k < K; k++) {
      memory.copy(Nt + ((<usize>(r * n)) << 3), NS + ((<usize>((j * K + k) * n)) << 3), <usize>n << 3);
      const go = GS + ((<usize>((j * K + k) * d)) << 3);
      // (bj·gi, e1·gi) as one f64x2 product per row (each lane the scalar product).
      const be = f64x2.replace_lane(f64x2.splat(bj), 1, e1);
      for (let i = 0; i < d; i++) {
        const o = C + ((<usize>((i * R + r) * 2)) << 3);
        v128.store(o, f64x2.mul(v128.load64_splat(go + (<usize>i << 3)), be));
      }
      if (two != 0 && th != 0) {
        for (let i = 0; i < d; i++) store<f64>(Ch + ((<usize>(i * M + t)) << 3), th * load<f64>(go + (<usize>i << 3)));
        store<f64>(Ti + (<usize>t << 3), <f64>r);
        t++;
      }
      r++;
    }
  }
  if (two != 0) lrFused(vb, vn, C, Nt, R, Ch, Ti, M, Ti + (<usize>M << 3), d, n, at, atStep, rtol, out);
  else lrFused2(vb, vn, C, Nt, R, d, n, at, atStep, rtol, out);
  // The FSAL stage's logits are y_new's.
  const aOff = (<usize>(d * n)) << 3;
  memory.copy(vn + aOff, aS, <usize>KN << 3);
  let s1 = load<f64>(out);
  let s2 = two != 0 ? load<f64>(out + 8) / (h * h) : 0.0;
  const e1v = E;
  const e2v = aS;
  memory.fill(e1v, 0, <usize>KN << 3);
  memory.fill(e2v, 0, <usize>KN << 3);
  for (let j = 0; j < stages; j++) store<f64>(ac + (<usize>j << 3), load<f64>(E1t + (<usize>j << 3)));
  lrAddRows(e1v, KAS, ac, stages, 1, KN);
  if (two != 0) {
    for (let j = 0; j < stages; j++) store<f64>(ac + (<usize>j << 3), load<f64>(E2t + (<usize>j << 3)));
    lrAddRows(e2v, KAS, ac, stages, 1, KN);
  }
  // The scaled squares per column pair in f64x2 lanes (each lane the scalar operations; max
  // propagates NaN as Math.max does, and the arguments are ≥ +0), summed in q order.
  const esv = f64x2.splat(eScale);
  const rtv = f64x2.splat(rtol);
  const onev = f64x2.splat(1.0);
  let q = 0;
  for (; q + 2 <= KN; q += 2) {
    const o = <usize>q << 3;
    const e1 = f64x2.mul(v128.load(e1v + o), esv);
    const inv = f64x2.div(onev, f64x2.add(v128.load(atA + o), f64x2.mul(rtv, f64x2.max(f64x2.abs(v128.load(vb + aOff + o)), f64x2.abs(v128.load(vn + aOff + o))))));
    const x1 = f64x2.mul(e1, inv);
    const x2 = f64x2.mul(v128.load(e2v + o), inv);
    const p1 = f64x2.mul(x1, x1);
    const p2 = f64x2.mul(x2, x2);
    s1 += f64x2.extract_lane(p1, 0);
    s2 += f64x2.extract_lane(p2, 0);
    s1 += f64x2.extract_lane(p1, 1);
    s2 += f64x2.extract_lane(p2, 1);
  }
  if (q < KN) {
    const o = <usize>q << 3;
    const e1 = load<f64>(e1v + o) * eScale;
    const inv = 1.0 / (load<f64>(atA + o) + rtol * Math.max(Math.abs(load<f64>(vb + aOff + o)), Math.abs(load<f64>(vn + aOff + o))));
    const x1 = e1 * inv;
    const x2 = load<f64>(e2v + o) * inv;
    s1 += x1 * x1;
    s2 += x2 * x2;
  }
  store<f64>(out, s1);
  store<f64>(out + 8, s2);
}

/**
 * The low-rank evaluator's `denseAt` in one call (twin: its multi-call sequence in
 * low-rank-stages.ts, the same operations in the same order): with c_j = ac[j] (h·w_j(θ), j < S)
 * and ac[S] = 1, the rank terms (stage j ascending over the nonzero c_j, then sample k) are
 * gathered as gatherTerms does (N rows into Nt, C[i·R + r] = c_j·G_jk[i]), D = the combine of
 * them, D += 1·(yOld's V block at vb), then E = 0, E += Σ_j c_j ȧ_j (every stage), E += 1·(yOld's
 * logits at vb + d·n).
 */
export function lrDenseAtOne(NS: usize, GS: usize, KAS: usize, vb: usize, ac: usize, S: i32, K: i32, d: i32, n: i32, Nt: usize, C: usize, D: usize, E: usize): void {
  let R = 0;
  for (let j = 0; j < S; j++) if (load<f64>(ac + (<usize>j << 3)) != 0.0) R += K;
  const nb = <usize>n << 3;
  let r = 0;
  for (let j = 0; j < S; j++) {
    const c = load<f64>(ac + (<usize>j << 3));
    if (c == 0.0) continue;
    for (let k = 0; k < K; k++) {
      const t = <usize>(j * K + k);
      memory.copy(Nt + <usize>r * nb, NS + t * nb, nb);
      const go = GS + ((t * <usize>d) << 3);
      for (let i = 0; i < d; i++) store<f64>(C + (<usize>(i * R + r) << 3), c * load<f64>(go + (<usize>i << 3)));
      r++;
    }
  }
  lrCombine(C, Nt, R, d, n, D);
  const aOff = d * n;
  const one = ac + (<usize>S << 3);
  lrAddRows(D, vb, one, 1, 1, aOff);
  const KN = K * n;
  memory.fill(E, 0, <usize>KN << 3);
  lrAddRows(E, KAS, ac, S, 1, KN);
  lrAddRows(E, vb + (<usize>aOff << 3), one, 1, 1, KN);
}
