// AssemblyScript source of vsflow's WebAssembly SIMD kernels (compiled by scripts/build-wasm.mjs
// with `asc --enable simd -O3 --runtime stub`; not part of the TypeScript program).
//
// Every kernel has a TypeScript twin (src/wasm/exp-log.ts, src/wasm/twins.ts) that performs the
// same IEEE-754 operations in the same order, so both give bit-identical results (tested). Rules
// that keep this true: no fused multiply-add (WebAssembly has none outside relaxed SIMD), no
// reassociation (binaryen does not reassociate floats), sums accumulated in index order as the
// twins do, and f64x2 lanes used only for element-wise work (each lane is one scalar operation).
//
// Memory layout: all pointers are byte offsets of f64 arrays in the exported memory, 8-aligned;
// the JavaScript side (src/wasm/kernels.ts) owns allocation.

// ---- exp -------------------------------------------------------------------------------------
// x = k ln 2 + r, |r| ≤ ln2/2 (k by round-to-nearest-even through 1.5·2^52), e^r by its
// degree-13 Taylor polynomial in Estrin's scheme, times 2^k applied as 2^(k>>1) · 2^(k−(k>>1))
// (two normal factors, so results down to the subnormal range and up to 2^1024·(1−ε) are right).
// x is clamped to [−746, 710] first (e^−746 rounds to 0, e^710 overflows to ∞); NaN stays NaN.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931471803691238; // high 32 bits of ln 2 (fdlibm)
const LN2_LO: f64 = 1.9082149292705877e-10;
const ROUND: f64 = 6755399441055744.0; // 1.5·2^52
const EXP_LO: f64 = -746.0;
const EXP_HI: f64 = 710.0;

@inline function sp(x: f64): v128 {
  return f64x2.splat(x);
}
@inline function add(a: v128, b: v128): v128 {
  return f64x2.add(a, b);
}
@inline function sub(a: v128, b: v128): v128 {
  return f64x2.sub(a, b);
}
@inline function mul(a: v128, b: v128): v128 {
  return f64x2.mul(a, b);
}

@inline function expv(x: v128): v128 {
  // pmax/pmin (one instruction each on x64): NaN stays NaN, as in the twin's compares.
  const xc = f64x2.pmin(f64x2.pmax(x, sp(EXP_LO)), sp(EXP_HI));
  const k = sub(add(mul(xc, sp(LOG2E)), sp(ROUND)), sp(ROUND));
  const r = sub(sub(xc, mul(k, sp(LN2_HI))), mul(k, sp(LN2_LO)));
  const r2 = mul(r, r);
  const r4 = mul(r2, r2);
  const r8 = mul(r4, r4);
  const b0 = add(add(sp(1.0), r), mul(r2, add(sp(0.5), mul(r, sp(0.16666666666666666)))));
  const b1 = add(add(sp(0.041666666666666664), mul(r, sp(0.008333333333333333))), mul(r2, add(sp(0.001388888888888889), mul(r, sp(0.0001984126984126984)))));
  const b2 = add(add(sp(2.48015873015873e-5), mul(r, sp(2.7557319223985893e-6))), mul(r2, add(sp(2.755731922398589e-7), mul(r, sp(2.505210838544172e-8)))));
  const a6 = add(sp(2.08767569878681e-9), mul(r, sp(1.6059043836821613e-10)));
  const p = add(add(b0, mul(r4, b1)), mul(r8, add(b2, mul(r4, a6))));
  // 2^k = 2^kh · 2^(k − kh), kh = k/2 rounded to even, in [−538, 512]: both factors normal.
  // The bits of 1.5·2^52 + m are bits(1.5·2^52) + m, whose low 12 bits are m's (mod 4096):
  // adding 1023 and shifting left by 52 makes the double 2^m, with no integer conversion.
  const kh = sub(add(mul(k, sp(0.5)), sp(ROUND)), sp(ROUND));
  const k2 = sub(k, kh);
  const s1 = i64x2.shl(i64x2.add(add(kh, sp(ROUND)), i64x2.splat(1023)), 52);
  const s2 = i64x2.shl(i64x2.add(add(k2, sp(ROUND)), i64x2.splat(1023)), 52);
  return mul(mul(p, s1), s2);
}

@inline function exps(x: f64): f64 {
  return f64x2.extract_lane(expv(f64x2.splat(x)), 0);
}

// ---- log -------------------------------------------------------------------------------------
// fdlibm's e_log.c method: x = 2^k·m with m in [√2/2, √2) (by adding 0x95f62 to the high word),
// f = m − 1, s = f/(2+f), log m = f − f²/2 + s(f²/2 + R(s²)) with fdlibm's Lg1..Lg7, and
// log x = s(hfsq + R) + k·ln2_lo − hfsq + f + k·ln2_hi. Subnormal x is scaled by 2^54 first.
// Specials by selects: log 0 = −∞, log ∞ = ∞, x < 0 or NaN → NaN.

const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;
const LN2_HI_LOG: f64 = 6.93147180369123816490e-01;
const LN2_LO_LOG: f64 = 1.90821492927058770002e-10;
const TINY: f64 = 2.2250738585072014e-308; // smallest normal
const TWO54: f64 = 18014398509481984.0;

@inline function logv(x: v128): v128 {
  const sub_ = f64x2.lt(x, sp(TINY));
  const xs = v128.bitselect(mul(x, sp(TWO54)), x, sub_);
  const kadj = v128.bitselect(i64x2.splat(-54), i64x2.splat(0), sub_);
  const ix = i64x2.add(xs, i64x2.splat(0x00095f6200000000));
  // Logical shift (one instruction; x64 has no 64-bit arithmetic vector shift before AVX-512):
  // equal to the arithmetic one for x > 0, and other x are replaced by the selects below.
  const k = i64x2.add(i64x2.sub(i64x2.shr_u(ix, 52), i64x2.splat(1023)), kadj);
  const m = i64x2.add(v128.and(ix, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3fe6a09e00000000));
  const f = sub(m, sp(1.0));
  const hfsq = mul(mul(sp(0.5), f), f);
  const s = f64x2.div(f, add(sp(2.0), f));
  const z = mul(s, s);
  const w = mul(z, z);
  const t1 = mul(w, add(sp(LG2), mul(w, add(sp(LG4), mul(w, sp(LG6))))));
  const t2 = mul(z, add(sp(LG1), mul(w, add(sp(LG3), mul(w, add(sp(LG5), mul(w, sp(LG7))))))));
  const R = add(t2, t1);
  // k as f64: the bits of 1.5·2^52 plus k are the double 1.5·2^52 + k (|k| < 2^51).
  const dk = sub(i64x2.add(k, sp(ROUND)), sp(ROUND));
  const y = add(add(sub(add(mul(s, add(hfsq, R)), mul(dk, sp(LN2_LO_LOG))), hfsq), f), mul(dk, sp(LN2_HI_LOG)));
  const r0 = v128.bitselect(sp(-Infinity), y, f64x2.eq(x, sp(0.0)));
  const r1 = v128.bitselect(sp(Infinity), r0, f64x2.eq(x, sp(Infinity)));
  return v128.bitselect(sp(NaN), r1, v128.or(f64x2.lt(x, sp(0.0)), f64x2.ne(x, x)));
}

@inline function logs(x: f64): f64 {
  return f64x2.extract_lane(logv(f64x2.splat(x)), 0);
}

// ---- array kernels ---------------------------------------------------------------------------

/** out[i] = e^{c·x[i]}, i < n (out may equal x). */
export function expScaled(x: usize, n: i32, c: f64, out: usize): void {
  const cv = sp(c);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(out + o, expv(mul(cv, v128.load(x + o))));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(out + o, exps(c * load<f64>(x + o)));
  }
}

/** out[i] = log x[i], i < n (out may equal x). */
export function logArray(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(out + o, logv(v128.load(x + o)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(out + o, logs(load<f64>(x + o)));
  }
}

/** e[i] ← e[i]², i < n. */
export function squareArray(e: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const v = v128.load(e + o);
    v128.store(e + o, mul(v, v));
  }
  if (i < n) {
    const o = <usize>i << 3;
    const v = load<f64>(e + o);
    store<f64>(e + o, v * v);
  }
}

// ---- entropy-experiment rows (twins: src/experiments/entropy-kernels.ts) ----------------------

/** Skewness of a probability row (mean 1/n); the twin of entropy-kernels' skewOf. */
function skewOf(p: usize, n: i32): f64 {
  const mu = 1.0 / <f64>n;
  let m2 = 0.0;
  let m3 = 0.0;
  for (let j = 0; j < n; j++) {
    const e = load<f64>(p + (<usize>j << 3)) - mu;
    const e2 = e * e;
    m2 += e2;
    m3 += e2 * e;
  }
  m2 /= <f64>n;
  m3 /= <f64>n;
  const ok = m2 > 1e-30 * (mu * mu + 1e-300);
  const s = m3 / (m2 * Math.sqrt(m2) + 1e-300);
  return ok ? s : 0.0;
}

/** Softmax row from e = exp(scale·y) (see entropy-kernels.ts softmaxRow); out = [H, max P, skew, 0]. */
export function softmaxRow(e: usize, y: usize, n: i32, scale: f64, p: usize, out: usize): void {
  let s = 0.0;
  for (let j = 0; j < n; j++) s += load<f64>(e + (<usize>j << 3));
  const inv = 1.0 / s;
  let py = 0.0;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    const v = load<f64>(e + o) * inv;
    store<f64>(p + o, v);
    py += v * load<f64>(y + o);
  }
  store<f64>(out, logs(s) - scale * py);
  store<f64>(out + 8, inv);
  store<f64>(out + 16, skewOf(p, n));
  store<f64>(out + 24, 0.0);
}

/**
 * Normalised row of non-negative weights w (see entropy-kernels.ts normalisedRow), using
 * `lg` (n entries) as scratch for log(p + 1e-300); out = [H, max P, skew, zero].
 */
export function normalisedRow(w: usize, n: i32, p: usize, lg: usize, out: usize): void {
  let s = 0.0;
  for (let j = 0; j < n; j++) s += load<f64>(w + (<usize>j << 3));
  const zero: f64 = s > 0 ? 0.0 : 1.0;
  const inv = zero == 0.0 ? 1.0 / s : 0.0;
  const uni = zero / <f64>n;
  const iv = sp(inv);
  const uv = sp(uni);
  const tv = sp(1e-300);
  let mx = sp(0.0);
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const o = <usize>j << 3;
    const v = add(mul(v128.load(w + o), iv), uv);
    v128.store(p + o, v);
    v128.store(lg + o, logv(add(v, tv)));
    mx = f64x2.pmax(mx, v);
  }
  const m0 = f64x2.extract_lane(mx, 0);
  const m1 = f64x2.extract_lane(mx, 1);
  let m = m0 < m1 ? m1 : m0;
  if (j < n) {
    const o = <usize>j << 3;
    const v = load<f64>(w + o) * inv + uni;
    store<f64>(p + o, v);
    store<f64>(lg + o, logs(v + 1e-300));
    m = m < v ? v : m;
  }
  let h = 0.0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    h -= load<f64>(p + o) * load<f64>(lg + o);
  }
  store<f64>(out, h);
  store<f64>(out + 8, m);
  store<f64>(out + 16, skewOf(p, n));
  store<f64>(out + 24, zero);
}

// ---- reduced logistic GD (twin: the TypeScript gdBlock of src/models/reduced-flow.ts) ---------

/** The logistic sigmoid with the twin's branch (core/sigmoid.ts's form, exp by `exps`). */
@inline function sigmoid(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + exps(-x));
  const e = exps(x);
  return e / (1.0 + e);
}

/**
 * f = d/dt (u, a) of the reduced softmax logistic flow at state r (length n(1+K)), nothing frozen:
 * reduced-flow.ts's `rhs` (softmax branch), N (K·n) scratch, `lab` the K labels. Sums over j in
 * two interleaved accumulators (lane 0: even j, lane 1: odd j, an odd tail added to lane 0),
 * z = (Σ u_j e_j)·(1/Σ e_j), f_a = (−c/K)·N ⊙ (u − z).
 */
@inline function reducedSoftmaxDerivative(r: usize, f: usize, N: usize, lab: usize, n: i32, K: i32, b2: f64, invK: f64): void {
  for (let j = 0; j < n; j++) store<f64>(f + (<usize>j << 3), 0.0);
  for (let q = 0; q < K; q++) {
    const ko = <usize>(q * n) << 3;
    const ao = <usize>(n + q * n) << 3;
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = load<f64>(r + ao + (<usize>j << 3));
      m = v > m ? v : m;
    }
    const mv = sp(m);
    let sAcc = sp(0.0);
    let zAcc = sp(0.0);
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      const e = expv(sub(v128.load(r + ao + o), mv));
      v128.store(N + ko + o, e);
      sAcc = add(sAcc, e);
      zAcc = add(zAcc, mul(v128.load(r + o), e));
    }
    let s0 = f64x2.extract_lane(sAcc, 0);
    let z0 = f64x2.extract_lane(zAcc, 0);
    if (j < n) {
      const o = <usize>j << 3;
      const e = exps(load<f64>(r + ao + o) - m);
      store<f64>(N + ko + o, e);
      s0 += e;
      z0 += load<f64>(r + o) * e;
    }
    const inv = 1.0 / (s0 + f64x2.extract_lane(sAcc, 1));
    const z = (z0 + f64x2.extract_lane(zAcc, 1)) * inv;
    const lb = load<f64>(lab + (<usize>q << 3));
    const c = -lb * sigmoid(-lb * z);
    const cu = -b2 * c * invK;
    const sc = -invK * c;
    const iv = sp(inv);
    const cuv = sp(cu);
    const scv = sp(sc);
    const zv = sp(z);
    let jj = 0;
    for (; jj + 2 <= n; jj += 2) {
      const o = <usize>jj << 3;
      const ni = mul(v128.load(N + ko + o), iv);
      const u = v128.load(r + o);
      v128.store(N + ko + o, ni);
      v128.store(f + o, add(v128.load(f + o), mul(cuv, ni)));
      v128.store(f + ao + o, mul(mul(scv, ni), sub(u, zv)));
    }
    if (jj < n) {
      const o = <usize>jj << 3;
      const ni = load<f64>(N + ko + o) * inv;
      store<f64>(N + ko + o, ni);
      store<f64>(f + o, load<f64>(f + o) + cu * ni);
      store<f64>(f + ao + o, sc * ni * (load<f64>(r + o) - z));
    }
  }
}

/** The reduced softmax logistic RHS (see reducedSoftmaxDerivative): f ← f(r); r and f must not overlap. */
export function reducedSoftmaxRhs(r: usize, f: usize, N: usize, lab: usize, n: i32, K: i32, b2: f64, invK: f64): void {
  reducedSoftmaxDerivative(r, f, N, lab, n, K, b2, invK);
}

/**
 * GD steps k0 .. k1−1 of the reduced (u, a_1..a_K) softmax logistic flow, in place on y (state,
 * length n(1+K)) and f (its derivative), with `work` (same length) and N (K·n) as scratch and
 * `lab` (K labels). Returns the first step whose new state sum is non-finite, or k1; the final
 * state is in y. The operations are those of reduced-flow.ts's `rhs` (softmax branch) and its
 * TypeScript `gdBlock`: sums over j in two interleaved accumulators (lane 0: even j, lane 1: odd
 * j, an odd tail added to lane 0), z = (Σ u_j e_j)·(1/Σ e_j), f_a = (−c/K)·N ⊙ (u − z).
 */
export function gdReducedSoftmax(y0: usize, f: usize, work: usize, N: usize, lab: usize, n: i32, K: i32, b2: f64, invK: f64, k0: i32, k1: i32, lr: f64, tEnd: f64): i32 {
  const len = n * (1 + K);
  let y = y0;
  let yNew = work;
  let k = k0;
  for (; k < k1; k++) {
    const t = <f64>k * lr;
    let tNew = <f64>(k + 1) * lr;
    if (tNew >= tEnd - 1e-9 * lr) tNew = tEnd;
    const h = tNew - t;
    const hv = sp(h);
    let s = 0.0;
    let i = 0;
    for (; i + 2 <= len; i += 2) {
      const o = <usize>i << 3;
      const v = add(v128.load(y + o), mul(hv, v128.load(f + o)));
      v128.store(yNew + o, v);
      s += f64x2.extract_lane(v, 0);
      s += f64x2.extract_lane(v, 1);
    }
    if (i < len) {
      const o = <usize>i << 3;
      const v = load<f64>(y + o) + h * load<f64>(f + o);
      store<f64>(yNew + o, v);
      s += v;
    }
    if (!isFinite(s)) break;
    reducedSoftmaxDerivative(yNew, f, N, lab, n, K, b2, invK);
    const tmp = y;
    y = yNew;
    yNew = tmp;
  }
  if (y != y0) memory.copy(y0, y, <usize>len << 3);
  return k;
}

// ---- linear algebra for the RK stage evaluators (twins: src/wasm/linear-algebra.ts) ----------

/**
 * out[i] = Σ_j V[i·n + j]·s[j] for i < d (V row-major d×n): per row two accumulators, lane 0 over
 * even j and lane 1 over odd j (an odd tail added to lane 0), out[i] = lane 0 + lane 1.
 */
export function matVec(V: usize, s: usize, d: i32, n: i32, out: usize): void {
  for (let i = 0; i < d; i++) {
    const row = V + (<usize>(i * n) << 3);
    let acc = sp(0.0);
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      acc = add(acc, mul(v128.load(row + o), v128.load(s + o)));
    }
    let a0 = f64x2.extract_lane(acc, 0);
    if (j < n) {
      const o = <usize>j << 3;
      a0 += load<f64>(row + o) * load<f64>(s + o);
    }
    store<f64>(out + (<usize>i << 3), a0 + f64x2.extract_lane(acc, 1));
  }
}

/** out[j] = Σ_i V[i·n + j]·r[i] for j < n, each sum in increasing i (out starts at 0·… = the i = 0 term). */
export function matTVec(V: usize, r: usize, d: i32, n: i32, out: usize): void {
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const o = <usize>j << 3;
    let acc = sp(0.0);
    for (let i = 0; i < d; i++) acc = add(acc, mul(v128.load(V + (<usize>(i * n) << 3) + o), sp(load<f64>(r + (<usize>i << 3)))));
    v128.store(out + o, acc);
  }
  if (j < n) {
    const o = <usize>j << 3;
    let acc = 0.0;
    for (let i = 0; i < d; i++) acc += load<f64>(V + (<usize>(i * n) << 3) + o) * load<f64>(r + (<usize>i << 3));
    store<f64>(out + o, acc);
  }
}

/**
 * RK stage state out[q] = y[q] + h·Σ_{j<m} c[j]·K[j·len + q] for q < len (K: m stage derivatives
 * stored one after another), the sum accumulated in increasing j from 0 (acc = 0 + c0·k0 + …).
 */
export function stageCombine(y: usize, K: usize, c: usize, m: i32, h: f64, len: i32, out: usize): void {
  const hv = sp(h);
  const stride = <usize>len << 3;
  let q = 0;
  for (; q + 2 <= len; q += 2) {
    const o = <usize>q << 3;
    let acc = sp(0.0);
    for (let j = 0; j < m; j++) acc = add(acc, mul(sp(load<f64>(c + (<usize>j << 3))), v128.load(K + <usize>j * stride + o)));
    v128.store(out + o, add(v128.load(y + o), mul(hv, acc)));
  }
  if (q < len) {
    const o = <usize>q << 3;
    let acc = 0.0;
    for (let j = 0; j < m; j++) acc += load<f64>(c + (<usize>j << 3)) * load<f64>(K + <usize>j * stride + o);
    store<f64>(out + o, load<f64>(y + o) + h * acc);
  }
}

// ---- error norm of the reduced flow's V block (twin: reduced-flow.ts errorNorm `sums`) --------

/**
 * Σ (E_ij / sc_ij)² over the V block for two error estimates, V_ij = V0_ij + β̂_i·du_j: with
 * r = β̂_i / (atol_ij + rtol·max(|V0_ij + β̂_i du_j|, |V0_ij + β̂_i dun_j|)), a = r·e1_j, b = r·e2_j.
 * Lanes: the twin's two accumulator pairs (lane 0: even j, lane 1: odd j, an odd tail into lane
 * 0), carried across rows; out = [lane 0 + lane 1 for e1, the same for e2].
 */
export function reducedErrorSums(V: usize, bh: usize, at: usize, scalarAtol: i32, at0: f64, rt: f64, du: usize, dun: usize, e1: usize, e2: usize, d: i32, n: i32, out: usize): void {
  let acc1 = sp(0.0);
  let acc2 = sp(0.0);
  const rtv = sp(rt);
  const at0v = sp(at0);
  for (let i = 0; i < d; i++) {
    const bi = load<f64>(bh + (<usize>i << 3));
    const biv = sp(bi);
    const row = <usize>(i * n) << 3;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      const v0 = v128.load(V + row + o);
      const atv = scalarAtol ? at0v : v128.load(at + row + o);
      const big = f64x2.max(f64x2.abs(add(v0, mul(biv, v128.load(du + o)))), f64x2.abs(add(v0, mul(biv, v128.load(dun + o)))));
      const r = f64x2.div(biv, add(atv, mul(rtv, big)));
      const a = mul(r, v128.load(e1 + o));
      const b = mul(r, v128.load(e2 + o));
      acc1 = add(acc1, mul(a, a));
      acc2 = add(acc2, mul(b, b));
    }
    if (j < n) {
      const o = <usize>j << 3;
      const v0 = load<f64>(V + row + o);
      const atj = scalarAtol ? at0 : load<f64>(at + row + o);
      const r = bi / (atj + rt * Math.max(Math.abs(v0 + bi * load<f64>(du + o)), Math.abs(v0 + bi * load<f64>(dun + o))));
      const a = r * load<f64>(e1 + o);
      const b = r * load<f64>(e2 + o);
      acc1 = f64x2.replace_lane(acc1, 0, f64x2.extract_lane(acc1, 0) + a * a);
      acc2 = f64x2.replace_lane(acc2, 0, f64x2.extract_lane(acc2, 0) + b * b);
    }
  }
  store<f64>(out, f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1));
  store<f64>(out + 8, f64x2.extract_lane(acc2, 0) + f64x2.extract_lane(acc2, 1));
}

/**
 * The reduced flow's whole full-state error sums (reduced-flow.ts errorNorm `sums`, the same
 * operations in the same order): du_j = y_j − u0_j and dun_j = yNew_j − u0_j (written to du, dun),
 * the V block of reducedErrorSums with e1 and e2 (pass e2 = e1 for one estimator), then the logit
 * blocks q < K·n in increasing q onto out[0] (and out[1] when hasE2):
 * sc = atA[q] + rt·max(|y_{n+q}|, |yNew_{n+q}|), (e_{n+q}/sc)².
 */
export function reducedErrorNorm(y: usize, yNew: usize, e1: usize, e2: usize, hasE2: i32, u0: usize, V: usize, bh: usize, at: usize, scalarAtol: i32, at0: f64, rt: f64, atA: usize, du: usize, dun: usize, d: i32, n: i32, K: i32, out: usize): void {
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    const u = load<f64>(u0 + o);
    store<f64>(du + o, load<f64>(y + o) - u);
    store<f64>(dun + o, load<f64>(yNew + o) - u);
  }
  reducedErrorSums(V, bh, at, scalarAtol, at0, rt, du, dun, e1, e2, d, n, out);
  let s1 = load<f64>(out);
  let s2 = load<f64>(out + 8);
  const m = K * n;
  const lo = <usize>n << 3;
  for (let q = 0; q < m; q++) {
    const o = lo + (<usize>q << 3);
    const sc = load<f64>(atA + (<usize>q << 3)) + rt * Math.max(Math.abs(load<f64>(y + o)), Math.abs(load<f64>(yNew + o)));
    const q1 = load<f64>(e1 + o) / sc;
    s1 += q1 * q1;
    if (hasE2) {
      const q2 = load<f64>(e2 + o) / sc;
      s2 += q2 * q2;
    }
  }
  store<f64>(out, s1);
  store<f64>(out + 8, s2);
}

// ---- whole trials of the entropy experiment (twin: the TypeScript trial loop of
// src/experiments/entropy.ts runEntropyBlock, rows from entropy-kernels.ts) ---------------------

/** Streaming accumulator at `a`: [count, shift, Σ y, Σ y², min, max], y = x − shift (Acc.add). */
@inline function accAdd(a: usize, x: f64): void {
  const c = load<f64>(a);
  if (c == 0.0) store<f64>(a + 8, x);
  const y = x - load<f64>(a + 8);
  store<f64>(a, c + 1.0);
  store<f64>(a + 16, load<f64>(a + 16) + y);
  store<f64>(a + 24, load<f64>(a + 24) + y * y);
  if (x < load<f64>(a + 32)) store<f64>(a + 32, x);
  if (x > load<f64>(a + 40)) store<f64>(a + 40, x);
}

@inline function bump(p: usize, i: i32): void {
  const o = p + (<usize>i << 3);
  store<f64>(o, load<f64>(o) + 1.0);
}

/**
 * T trials of the entropy experiment for the kinds softmax (code 0), ReLU kernel (1) and ELU+1
 * kernel (2): G holds the trials' key blocks (T×n×d), Q, PR, PE the query and its ReLU and ELU+1
 * feature maps (T×d, or one d-vector for every trial when qStride is 0); sig/dbl the σ grid and
 * its doubling flags (f64 0/1), codes the kinds (f64). Per trial: logits z₀ = q·g_j, their mean,
 * max, variance and histogram (gauss, gBins + 2 slots), the rows of every (kind, σ) cell and
 * their accumulators (acc: 4 statistics × cells × 6 slots, see accAdd), entropy histogram
 * (counts, bins per cell) and zero-mass count (zero). The scratch `s` holds 10n + 4nd + 16 f64.
 * Every operation is the twin's, in the twin's order.
 */
export function entropyTrials(G: usize, Q: usize, PR: usize, PE: usize, qStride: i32, T: i32, n: i32, d: i32, sig: usize, dbl: usize, ns: i32, codes: usize, nk: i32, tau: f64, bins: i32, binScale: f64, gBins: i32, gScale: f64, s: usize, acc: usize, counts: usize, zero: usize, gauss: usize): void {
  const nd = n * d;
  const fn = <usize>n << 3;
  const fnd = <usize>nd << 3;
  const z0 = s;
  const y = z0 + fn;
  const w = y + fn;
  const p = w + fn;
  const lg = p + fn;
  const eA = lg + fn;
  const eB = eA + fn;
  const eS = eB + fn;
  const negV = eS + fn;
  const negC = negV + fnd;
  const negE = negC + fnd;
  const negJ = negE + fnd; // i32 entries
  const row = negJ + fnd;
  const reluRow = row + 32;
  const cells = nk * ns;
  const accStride = <usize>cells * 48;
  let hasRelu = false;
  let hasElu = false;
  let hasSoftmax = false;
  for (let ki = 0; ki < nk; ki++) {
    const code = <i32>load<f64>(codes + (<usize>ki << 3));
    if (code == 0) hasSoftmax = true;
    if (code == 1) hasRelu = true;
    if (code == 2) hasElu = true;
  }
  const fn1 = <f64>n;
  for (let t = 0; t < T; t++) {
    const g = G + <usize>t * fnd;
    const qo = <usize>(t * qStride) << 3;
    const q = Q + qo;
    const pr = PR + qo;
    const pe = PE + qo;
    let zs = 0.0;
    let zm = -Infinity;
    for (let j = 0; j < n; j++) {
      const gj = g + (<usize>(j * d) << 3);
      let a = 0.0;
      for (let l = 0; l < d; l++) a += load<f64>(q + (<usize>l << 3)) * load<f64>(gj + (<usize>l << 3));
      store<f64>(z0 + (<usize>j << 3), a);
      zs += a;
      zm = Math.max(zm, a);
      const bf = Math.min(Math.max(Math.floor((a + 6.0) * gScale) + 1.0, 0.0), <f64>(gBins + 1));
      bump(gauss, <i32>bf);
    }
    const zmean = zs / fn1;
    let v0 = 0.0;
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 3;
      const zj = load<f64>(z0 + o);
      const e = zj - zmean;
      v0 += e * e;
      store<f64>(y + o, zj - zm);
    }
    v0 /= fn1;
    if (hasRelu) {
      for (let j = 0; j < n; j++) {
        const gj = g + (<usize>(j * d) << 3);
        let a = 0.0;
        for (let l = 0; l < d; l++) a += load<f64>(pr + (<usize>l << 3)) * Math.max(load<f64>(gj + (<usize>l << 3)), 0.0);
        store<f64>(w + (<usize>j << 3), a);
      }
      normalisedRow(w, n, p, lg, reluRow);
    }
    let cnt = 0;
    if (hasElu) {
      for (let j = 0; j < n; j++) {
        const gj = g + (<usize>(j * d) << 3);
        let a = 0.0;
        let b = 0.0;
        for (let l = 0; l < d; l++) {
          const x = load<f64>(gj + (<usize>l << 3));
          const c = load<f64>(pe + (<usize>l << 3));
          const pos: f64 = x > 0 ? 1.0 : 0.0;
          a += c * Math.max(x, 0.0);
          b += c * pos;
          store<f64>(negV + (<usize>cnt << 3), x);
          store<f64>(negC + (<usize>cnt << 3), c);
          store<i32>(negJ + (<usize>cnt << 2), j);
          cnt += x > 0 ? 0 : 1;
        }
        store<f64>(eA + (<usize>j << 3), a);
        store<f64>(eB + (<usize>j << 3), b);
      }
    }
    for (let si = 0; si < ns; si++) {
      const sigma = load<f64>(sig + (<usize>si << 3));
      const v = sigma * sigma * v0;
      const sq = load<f64>(dbl + (<usize>si << 3)) != 0.0;
      const sc = sigma / tau;
      if (hasSoftmax) {
        if (sq) squareArray(eS, n);
        else expScaled(y, n, sc, eS);
      }
      if (hasElu) {
        if (sq) squareArray(negE, cnt);
        else expScaled(negV, cnt, sigma, negE);
      }
      for (let ki = 0; ki < nk; ki++) {
        const code = <i32>load<f64>(codes + (<usize>ki << 3));
        const c = ki * ns + si;
        let r = row;
        if (code == 0) softmaxRow(eS, y, n, sc, p, row);
        else if (code == 1) r = reluRow;
        else {
          for (let j = 0; j < n; j++) {
            const o = <usize>j << 3;
            store<f64>(w + o, sigma * load<f64>(eA + o) + load<f64>(eB + o));
          }
          for (let e = 0; e < cnt; e++) {
            const o = <usize>load<i32>(negJ + (<usize>e << 2)) << 3;
            store<f64>(w + o, load<f64>(w + o) + load<f64>(negC + (<usize>e << 3)) * load<f64>(negE + (<usize>e << 3)));
          }
          normalisedRow(w, n, p, lg, row);
        }
        const h = load<f64>(r);
        const a = acc + <usize>c * 48;
        accAdd(a, h);
        accAdd(a + accStride, v);
        accAdd(a + 2 * accStride, load<f64>(r + 8));
        accAdd(a + 3 * accStride, load<f64>(r + 16));
        const zo = zero + (<usize>c << 3);
        store<f64>(zo, load<f64>(zo) + load<f64>(r + 24));
        const bf = Math.min(Math.max(Math.floor(h * binScale), 0.0), <f64>(bins - 1));
        bump(counts + (<usize>(c * bins) << 3), <i32>bf);
      }
    }
  }
}

// ---- ziggurat fast path (twin: Ziggurat.fill in src/experiments/ziggurat.ts) ------------------

/**
 * Fast path of the ziggurat normal sampler for n 32-bit draws `bits` (i32): layer iz = u & 127,
 * position hz = u >> 7; out[k] = hz·wn[iz] (kn: i32 ×128, wn: f64 ×128). The indices k whose
 * |hz| ≥ kn[iz] (tail or wedge: the caller computes them with more draws, in index order) go to
 * `slow` (i32); returns their number. Every out[k] is written (a slow entry's value is replaced).
 */
export function zigguratFast(bits: usize, n: i32, kn: usize, wn: usize, out: usize, slow: usize): i32 {
  let cnt = 0;
  for (let k = 0; k < n; k++) {
    const u = load<i32>(bits + (<usize>k << 2));
    const iz = <usize>(u & 127);
    const hz = u >> 7;
    const a = hz < 0 ? -hz : hz;
    store<f64>(out + (<usize>k << 3), <f64>hz * load<f64>(wn + (iz << 3)));
    store<i32>(slow + (<usize>cnt << 2), k);
    cnt += a < load<i32>(kn + (iz << 2)) ? 0 : 1;
  }
  return cnt;
}

export * from './stage-sum';
export * from './low-rank';
export * from './low-rank-stage';

// ---- cold-start kernels of the full-state flow (twins: the TypeScript loops they replace) -----
// Each reproduces one TypeScript loop's operations in its order (value-softmax.ts forward and
// backward, normalizations.ts softmax VJP, step-control.ts initialStep, logistic-initial-step.ts,
// observables.ts ‖V‖_F and Vᵀβ): they run at full speed from a process's first call, where the
// TypeScript loops run interpreted. Sums that the twin accumulates in one scalar are accumulated
// here in one scalar too (the lanes of a product pair added one after the other).

/**
 * f[k·d + i] = Σ_j V[i·n + j]·N[k·n + j] in value-softmax.ts `forward`'s order: four sums s0..s3
 * over j mod 4 (lanes of two f64x2 sums), the n mod 4 last terms added to s0, then
 * (s0 + s1) + (s2 + s3).
 */
export function vsForward(V: usize, N: usize, K: i32, d: i32, n: i32, f: usize): void {
  const n4 = n & ~3;
  for (let k = 0; k < K; k++) {
    const m = N + (<usize>(k * n) << 3);
    for (let i = 0; i < d; i++) {
      const row = V + (<usize>(i * n) << 3);
      let a = sp(0.0);
      let b = sp(0.0);
      let j = 0;
      for (; j < n4; j += 4) {
        const o = <usize>j << 3;
        a = add(a, mul(v128.load(row + o), v128.load(m + o)));
        b = add(b, mul(v128.load(row + o + 16), v128.load(m + o + 16)));
      }
      let s0 = f64x2.extract_lane(a, 0);
      for (; j < n; j++) {
        const o = <usize>j << 3;
        s0 += load<f64>(row + o) * load<f64>(m + o);
      }
      store<f64>(f + (<usize>(k * d + i) << 3), s0 + f64x2.extract_lane(a, 1) + (f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1)));
    }
  }
}

/**
 * value-softmax.ts `backward` over the V rows: unless fzA, w[k·n + j] = Σ_i V[i·n + j]·g[k·d + i]
 * (w zeroed, rows added in increasing i); out's V block: 0 when fzV, else
 * out[i·n + j] = c_0i·N[j] + c_1i·N[n + j] + … with c_ki = (−g[k·d + i])·invK, in increasing k.
 */
export function vsBackward(V: usize, N: usize, g: usize, K: i32, d: i32, n: i32, invK: f64, fzV: i32, fzA: i32, w: usize, out: usize): void {
  const n2 = n & ~1;
  const rb = <usize>n << 3;
  if (fzA == 0) memory.fill(w, 0, <usize>(K * n) << 3);
  for (let i = 0; i < d; i++) {
    const row = V + <usize>i * rb;
    const orow = out + <usize>i * rb;
    if (fzA == 0) {
      for (let k = 0; k < K; k++) {
        const gi = load<f64>(g + (<usize>(k * d + i) << 3));
        const gv = sp(gi);
        const wk = w + <usize>k * rb;
        let j = 0;
        for (; j < n2; j += 2) {
          const o = <usize>j << 3;
          v128.store(wk + o, add(v128.load(wk + o), mul(v128.load(row + o), gv)));
        }
        if (j < n) {
          const o = <usize>j << 3;
          store<f64>(wk + o, load<f64>(wk + o) + load<f64>(row + o) * gi);
        }
      }
    }
    if (fzV != 0) {
      memory.fill(orow, 0, rb);
      continue;
    }
    const c0 = -load<f64>(g + (<usize>i << 3)) * invK;
    const cv = sp(c0);
    let j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      v128.store(orow + o, mul(cv, v128.load(N + o)));
    }
    if (j < n) {
      const o = <usize>j << 3;
      store<f64>(orow + o, c0 * load<f64>(N + o));
    }
    for (let k = 1; k < K; k++) {
      const c = -load<f64>(g + (<usize>(k * d + i) << 3)) * invK;
      addScaledInto(orow, orow, c, N + <usize>k * rb, n);
    }
  }
}

/**
 * The softmax VJP of normalizations.ts per sample: nw = Σ_j N_j·w_j (one sum, increasing j), then
 * out[k·n + j] = (scale·N_j)·(w_j − nw).
 */
export function vsSoftmaxVjp(N: usize, w: usize, K: i32, n: i32, scale: f64, out: usize): void {
  const n2 = n & ~1;
  const sv = sp(scale);
  for (let k = 0; k < K; k++) {
    const base = <usize>(k * n) << 3;
    const Nk = N + base;
    const wk = w + base;
    const ok = out + base;
    let nw = 0.0;
    let j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      const p = mul(v128.load(Nk + o), v128.load(wk + o));
      nw += f64x2.extract_lane(p, 0);
      nw += f64x2.extract_lane(p, 1);
    }
    if (j < n) nw += load<f64>(Nk + (<usize>j << 3)) * load<f64>(wk + (<usize>j << 3));
    const nv = sp(nw);
    j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      v128.store(ok + o, mul(mul(sv, v128.load(Nk + o)), f64x2.sub(v128.load(wk + o), nv)));
    }
    if (j < n) {
      const o = <usize>j << 3;
      store<f64>(ok + o, scale * load<f64>(Nk + o) * (load<f64>(wk + o) - nw));
    }
  }
}

/** sc = atol + rtol·|y0| as step-control.ts initialStep forms it (lanes: two components). */
@inline function initScale(at: v128, rt: v128, y: v128): v128 {
  return add(at, mul(rt, f64x2.abs(y)));
}

/**
 * step-control.ts initialStep's first sums: out = [Σ (y0_i/sc_i)², Σ (f0_i/sc_i)²], each one sum
 * in increasing i, sc_i = atol_i + rtol·|y0_i|.
 */
export function initStepSums(y0: usize, f0: usize, atol: usize, rtol: f64, n: i32, out: usize): void {
  const n2 = n & ~1;
  const rt = sp(rtol);
  let s0 = 0.0;
  let s1 = 0.0;
  let i = 0;
  for (; i < n2; i += 2) {
    const o = <usize>i << 3;
    const y = v128.load(y0 + o);
    const sc = initScale(v128.load(atol + o), rt, y);
    const a = f64x2.div(y, sc);
    const b = f64x2.div(v128.load(f0 + o), sc);
    const a2 = mul(a, a);
    const b2 = mul(b, b);
    s0 += f64x2.extract_lane(a2, 0);
    s1 += f64x2.extract_lane(b2, 0);
    s0 += f64x2.extract_lane(a2, 1);
    s1 += f64x2.extract_lane(b2, 1);
  }
  if (i < n) {
    const o = <usize>i << 3;
    const y = load<f64>(y0 + o);
    const sc = load<f64>(atol + o) + rtol * Math.abs(y);
    const a = y / sc;
    const b = load<f64>(f0 + o) / sc;
    s0 += a * a;
    s1 += b * b;
  }
  store<f64>(out, s0);
  store<f64>(out + 8, s1);
}

/** work_i = y0_i + h·f0_i (initialStep's Euler trial state). */
export function eulerTrial(y0: usize, f0: usize, h: f64, n: i32, work: usize): void {
  addScaledInto(work, y0, h, f0, n);
}

/** dst_i = src_i + c·x_i, i < n (pairs, then the odd last entry; dst may equal src). */
@inline function addScaledInto(dst: usize, src: usize, c: f64, x: usize, n: i32): void {
  const n2 = n & ~1;
  const cv = sp(c);
  let i = 0;
  for (; i < n2; i += 2) {
    const o = <usize>i << 3;
    v128.store(dst + o, add(v128.load(src + o), mul(cv, v128.load(x + o))));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(dst + o, load<f64>(src + o) + c * load<f64>(x + o));
  }
}

/** initialStep's Σ ((f1_i − f0_i)/sc_i)², one sum in increasing i. */
export function initStepDiff(y0: usize, f0: usize, f1: usize, atol: usize, rtol: f64, n: i32): f64 {
  const n2 = n & ~1;
  const rt = sp(rtol);
  let s2 = 0.0;
  let i = 0;
  for (; i < n2; i += 2) {
    const o = <usize>i << 3;
    const sc = initScale(v128.load(atol + o), rt, v128.load(y0 + o));
    const c = f64x2.div(f64x2.sub(v128.load(f1 + o), v128.load(f0 + o)), sc);
    const c2 = mul(c, c);
    s2 += f64x2.extract_lane(c2, 0);
    s2 += f64x2.extract_lane(c2, 1);
  }
  if (i < n) {
    const o = <usize>i << 3;
    const sc = load<f64>(atol + o) + rtol * Math.abs(load<f64>(y0 + o));
    const c = (load<f64>(f1 + o) - load<f64>(f0 + o)) / sc;
    s2 += c * c;
  }
  return s2;
}

/**
 * logistic-initial-step.ts's V-block sums of y0 and f0 = (c_i·σ0_j), c_i = (−c0)·β_i:
 * out = [Σ (y0/sc)², Σ ((c_i·σ0_j)/sc)²] over the rows in order, one sum each.
 */
export function logisticStepSums(y0: usize, atol: usize, rtol: f64, sig: usize, b: usize, c0: f64, d: i32, n: i32, out: usize): void {
  const n2 = n & ~1;
  const rt = sp(rtol);
  let s0 = 0.0;
  let s1 = 0.0;
  for (let i = 0; i < d; i++) {
    const ci = -c0 * load<f64>(b + (<usize>i << 3));
    const cv = sp(ci);
    const row = <usize>(i * n) << 3;
    let j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      const y = v128.load(y0 + row + o);
      const sc = initScale(v128.load(atol + row + o), rt, y);
      const a = f64x2.div(y, sc);
      const f = f64x2.div(mul(cv, v128.load(sig + o)), sc);
      const a2 = mul(a, a);
      const f2 = mul(f, f);
      s0 += f64x2.extract_lane(a2, 0);
      s1 += f64x2.extract_lane(f2, 0);
      s0 += f64x2.extract_lane(a2, 1);
      s1 += f64x2.extract_lane(f2, 1);
    }
    if (j < n) {
      const o = <usize>j << 3;
      const y = load<f64>(y0 + row + o);
      const sc = load<f64>(atol + row + o) + rtol * Math.abs(y);
      const a = y / sc;
      const f = (ci * load<f64>(sig + o)) / sc;
      s0 += a * a;
      s1 += f * f;
    }
  }
  store<f64>(out, s0);
  store<f64>(out + 8, s1);
}

/** logistic-initial-step.ts's u1_j = Σ_i β_i·(y0_ij + h0·(c_i·σ0_j)), c_i = (−c0)·β_i, from 0 in increasing i. */
export function logisticTrialU(y0: usize, b: usize, sig: usize, c0: f64, h0: f64, d: i32, n: i32, u: usize): void {
  const n2 = n & ~1;
  const hv = sp(h0);
  memory.fill(u, 0, <usize>n << 3);
  for (let i = 0; i < d; i++) {
    const bi = load<f64>(b + (<usize>i << 3));
    const ci = -c0 * bi;
    const bv = sp(bi);
    const cv = sp(ci);
    const row = y0 + (<usize>(i * n) << 3);
    let j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      v128.store(u + o, add(v128.load(u + o), mul(bv, add(v128.load(row + o), mul(hv, mul(cv, v128.load(sig + o)))))));
    }
    if (j < n) {
      const o = <usize>j << 3;
      store<f64>(u + o, load<f64>(u + o) + bi * (load<f64>(row + o) + h0 * (ci * load<f64>(sig + o))));
    }
  }
}

/**
 * logistic-initial-step.ts's V-block Σ ((c1_i·σ1_j − c0_i·σ0_j)/sc)², c_ki = (−c_k)·β_i, one sum
 * over the rows in order.
 */
export function logisticStepDiff(y0: usize, atol: usize, rtol: f64, sig0: usize, sig1: usize, b: usize, c0: f64, c1: f64, d: i32, n: i32): f64 {
  const n2 = n & ~1;
  const rt = sp(rtol);
  let s2 = 0.0;
  for (let i = 0; i < d; i++) {
    const bi = load<f64>(b + (<usize>i << 3));
    const ci0 = -c0 * bi;
    const ci1 = -c1 * bi;
    const v0 = sp(ci0);
    const v1 = sp(ci1);
    const row = <usize>(i * n) << 3;
    let j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      const sc = initScale(v128.load(atol + row + o), rt, v128.load(y0 + row + o));
      const c = f64x2.div(f64x2.sub(mul(v1, v128.load(sig1 + o)), mul(v0, v128.load(sig0 + o))), sc);
      const c2 = mul(c, c);
      s2 += f64x2.extract_lane(c2, 0);
      s2 += f64x2.extract_lane(c2, 1);
    }
    if (j < n) {
      const o = <usize>j << 3;
      const sc = load<f64>(atol + row + o) + rtol * Math.abs(load<f64>(y0 + row + o));
      const c = (ci1 * load<f64>(sig1 + o) - ci0 * load<f64>(sig0 + o)) / sc;
      s2 += c * c;
    }
  }
  return s2;
}

/**
 * observables.ts's sweep over V: returns ‖V‖_F² = Σ V_q² in storage order (one sum) and, when
 * hasB ≠ 0, writes u_j = Σ_i V_ij·β_i (from 0, increasing i).
 */
export function normAndVtBeta(V: usize, b: usize, hasB: i32, d: i32, n: i32, u: usize): f64 {
  let nv = 0.0;
  if (hasB == 0) {
    const len = d * n;
    const l2 = len & ~1;
    let q = 0;
    for (; q < l2; q += 2) {
      const v = v128.load(V + (<usize>q << 3));
      const v2 = mul(v, v);
      nv += f64x2.extract_lane(v2, 0);
      nv += f64x2.extract_lane(v2, 1);
    }
    if (q < len) {
      const v = load<f64>(V + (<usize>q << 3));
      nv += v * v;
    }
    return nv;
  }
  const n2 = n & ~1;
  memory.fill(u, 0, <usize>n << 3);
  for (let i = 0; i < d; i++) {
    const bi = load<f64>(b + (<usize>i << 3));
    const bv = sp(bi);
    const row = V + (<usize>(i * n) << 3);
    let j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      const v = v128.load(row + o);
      const v2 = mul(v, v);
      nv += f64x2.extract_lane(v2, 0);
      nv += f64x2.extract_lane(v2, 1);
      v128.store(u + o, add(v128.load(u + o), mul(v, bv)));
    }
    if (j < n) {
      const o = <usize>j << 3;
      const v = load<f64>(row + o);
      nv += v * v;
      store<f64>(u + o, load<f64>(u + o) + v * bi);
    }
  }
  return nv;
}

/**
 * 1 when x and y (n entries each) hold the same numbers as Object.is compares them (equal bits,
 * or both NaN), else 0.
 */
export function sameF64(x: usize, y: usize, n: i32): i32 {
  for (let q = 0; q < n; q++) {
    const o = <usize>q << 3;
    if (load<i64>(x + o) != load<i64>(y + o)) {
      const a = load<f64>(x + o);
      const b = load<f64>(y + o);
      if (!(a != a && b != b)) return 0;
    }
  }
  return 1;
}

/**
 * value-softmax.ts `logisticOne`'s V block: out[i·n + j] = (c·β_i)·σ_j (the caller passes c = −c'
 * for V̇_i· = −c' β_i σᵀ, an exact negation).
 */
export function vsScaledOuter(b: usize, s: usize, c: f64, d: i32, n: i32, out: usize): void {
  const n2 = n & ~1;
  for (let i = 0; i < d; i++) {
    const ci = c * load<f64>(b + (<usize>i << 3));
    const cv = sp(ci);
    const row = out + (<usize>(i * n) << 3);
    let j = 0;
    for (; j < n2; j += 2) {
      const o = <usize>j << 3;
      v128.store(row + o, mul(cv, v128.load(s + o)));
    }
    if (j < n) store<f64>(row + (<usize>j << 3), ci * load<f64>(s + (<usize>j << 3)));
  }
}
