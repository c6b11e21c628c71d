// AssemblyScript kernels of the low-rank stage evaluator (src/integrators/low-rank-stages.ts);
// their TypeScript twins are in src/wasm/low-rank.ts, same operations in the same order (tested
// bit for bit in test/wasm/low-rank.test.ts). Re-exported by kernels.ts.
//
// Layout: V row-major d×n; N (K·n) and g, f (K·d) sample-major; C the fused pass's coefficients
// [row i][term r][update, E1] and Ch the subtracted terms' [row i][m]; Nt the terms' N rows (R·n);
// pointers are byte offsets of f64 arrays, 16-aligned. f64x2 lanes are two columns q, q+1
// (element-wise work) except in the forward sweep, whose lanes are the even and odd halves of
// one dot product (as matVec).
import { expScaled } from './kernels';

@inline function z(): v128 {
  return f64x2.splat(0.0);
}
@inline function ld(p: usize): v128 {
  return v128.load(p);
}
@inline function sp(p: usize): v128 {
  return v128.load64_splat(p);
}
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f64x2.add(acc, f64x2.mul(a, b));
}

/** Lane 0 (+ the odd last term) + lane 1: the matVec order of one dot product. */
@inline function dotEnd(acc: v128, r: usize, m: usize, tail: usize, odd: bool): f64 {
  let a0 = f64x2.extract_lane(acc, 0);
  if (odd) a0 += load<f64>(r + tail) * load<f64>(m + tail);
  return a0 + f64x2.extract_lane(acc, 1);
}

/**
 * Forward sweep f[k·d + i] = Σ_q V[i·n + q]·N[k·n + q] (k < K, i < d): per dot product two
 * accumulators over even and odd q, an odd last term added to the even one, then even + odd.
 * Four rows per pass over N_k (four independent sums), and over N_k, N_k+1 together while two
 * samples are left (eight sums, each with the one-sample pass's operations and order; the kernel
 * alone 1.2–1.25× at K = 2 and 4, 1.1–1.2× at K = 3, measured 2026-12-02).
 */
export function lrForward(V: usize, N: usize, K: i32, d: i32, n: i32, f: usize): void {
  const rb = <usize>n << 3;
  const n2 = n & ~1;
  const odd = (n & 1) != 0;
  const tail = <usize>n2 << 3;
  const fb = <usize>d << 3;
  let i = 0;
  for (; i + 4 <= d; i += 4) {
    const r0 = V + <usize>i * rb;
    const r1 = r0 + rb;
    const r2 = r1 + rb;
    const r3 = r2 + rb;
    let k = 0;
    // Two samples per pass (K > 1): the four rows' loads serve eight sums, each sum's operations
    // and order those of the one-sample pass below.
    for (; k + 2 <= K; k += 2) {
      const m = N + <usize>k * rb;
      const m1 = m + rb;
      let a0 = z();
      let a1 = z();
      let a2 = z();
      let a3 = z();
      let b0 = z();
      let b1 = z();
      let b2 = z();
      let b3 = z();
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        const x = ld(m + o);
        const y = ld(m1 + o);
        const v0 = ld(r0 + o);
        const v1 = ld(r1 + o);
        const v2 = ld(r2 + o);
        const v3 = ld(r3 + o);
        a0 = madd(a0, v0, x);
        b0 = madd(b0, v0, y);
        a1 = madd(a1, v1, x);
        b1 = madd(b1, v1, y);
        a2 = madd(a2, v2, x);
        b2 = madd(b2, v2, y);
        a3 = madd(a3, v3, x);
        b3 = madd(b3, v3, y);
      }
      const out = f + <usize>k * fb + (<usize>i << 3);
      store<f64>(out, dotEnd(a0, r0, m, tail, odd));
      store<f64>(out + 8, dotEnd(a1, r1, m, tail, odd));
      store<f64>(out + 16, dotEnd(a2, r2, m, tail, odd));
      store<f64>(out + 24, dotEnd(a3, r3, m, tail, odd));
      const out1 = out + fb;
      store<f64>(out1, dotEnd(b0, r0, m1, tail, odd));
      store<f64>(out1 + 8, dotEnd(b1, r1, m1, tail, odd));
      store<f64>(out1 + 16, dotEnd(b2, r2, m1, tail, odd));
      store<f64>(out1 + 24, dotEnd(b3, r3, m1, tail, odd));
    }
    for (; k < K; k++) {
      const m = N + <usize>k * rb;
      let a0 = z();
      let a1 = z();
      let a2 = z();
      let a3 = z();
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        const x = ld(m + o);
        a0 = madd(a0, ld(r0 + o), x);
        a1 = madd(a1, ld(r1 + o), x);
        a2 = madd(a2, ld(r2 + o), x);
        a3 = madd(a3, ld(r3 + o), x);
      }
      const out = f + <usize>k * fb + (<usize>i << 3);
      store<f64>(out, dotEnd(a0, r0, m, tail, odd));
      store<f64>(out + 8, dotEnd(a1, r1, m, tail, odd));
      store<f64>(out + 16, dotEnd(a2, r2, m, tail, odd));
      store<f64>(out + 24, dotEnd(a3, r3, m, tail, odd));
    }
  }
  for (; i < d; i++) {
    const r0 = V + <usize>i * rb;
    for (let k = 0; k < K; k++) {
      const m = N + <usize>k * rb;
      let a0 = z();
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        a0 = madd(a0, ld(r0 + o), ld(m + o));
      }
      store<f64>(f + <usize>k * fb + (<usize>i << 3), dotEnd(a0, r0, m, tail, odd));
    }
  }
}

/**
 * Backward sweep w[k·n + q] = Σ_i V[i·n + q]·g[k·d + i] (k < K, q < n), each sum from 0 in
 * increasing i: w is zeroed, then blocks of eight (then four, then single) rows are added to
 * it, the block's rows one after another in registers (eight row streams per pass over w;
 * measured 2× the speed of column blocks walking down V at 64×512); two samples at a time in
 * blocks of four rows while two are left.
 */
export function lrBackward(V: usize, g: usize, K: i32, d: i32, n: i32, w: usize): void {
  const rb = <usize>n << 3;
  const n2 = n & ~1;
  const odd = (n & 1) != 0;
  const tail = <usize>n2 << 3;
  let k = 0;
  // Two samples per pass (K > 1): blocks of four rows, each row's loads serving both sums (each
  // sum still from 0 in increasing i: the blocking never changes a sum's order). The kernel
  // alone 1.3–1.45× at K = 2, 1.2–1.3× at K = 3–4 (measured 2026-12-02).
  for (; k + 2 <= K; k += 2) {
    const gk = g + ((<usize>k * <usize>d) << 3);
    const gk1 = gk + (<usize>d << 3);
    const wk = w + <usize>k * rb;
    const wk1 = wk + rb;
    for (let q = 0; q < 2 * n; q++) store<f64>(wk + (<usize>q << 3), 0.0);
    let i = 0;
    for (; i + 4 <= d; i += 4) {
      const r0 = V + <usize>i * rb;
      const gi = gk + (<usize>i << 3);
      const hi = gk1 + (<usize>i << 3);
      const c0 = sp(gi);
      const c1 = sp(gi + 8);
      const c2 = sp(gi + 16);
      const c3 = sp(gi + 24);
      const e0 = sp(hi);
      const e1 = sp(hi + 8);
      const e2 = sp(hi + 16);
      const e3 = sp(hi + 24);
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        const p = r0 + o;
        const v0 = ld(p);
        const v1 = ld(p + rb);
        const v2 = ld(p + 2 * rb);
        const v3 = ld(p + 3 * rb);
        let a = ld(wk + o);
        a = madd(a, v0, c0);
        a = madd(a, v1, c1);
        a = madd(a, v2, c2);
        a = madd(a, v3, c3);
        v128.store(wk + o, a);
        let b = ld(wk1 + o);
        b = madd(b, v0, e0);
        b = madd(b, v1, e1);
        b = madd(b, v2, e2);
        b = madd(b, v3, e3);
        v128.store(wk1 + o, b);
      }
      if (odd) {
        let a = load<f64>(wk + tail);
        let b = load<f64>(wk1 + tail);
        for (let j = 0; j < 4; j++) {
          const v = load<f64>(r0 + <usize>j * rb + tail);
          a += v * load<f64>(gi + (<usize>j << 3));
          b += v * load<f64>(hi + (<usize>j << 3));
        }
        store<f64>(wk + tail, a);
        store<f64>(wk1 + tail, b);
      }
    }
    for (; i < d; i++) {
      const r0 = V + <usize>i * rb;
      const c0 = sp(gk + (<usize>i << 3));
      const e0 = sp(gk1 + (<usize>i << 3));
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        const v = ld(r0 + o);
        v128.store(wk + o, madd(ld(wk + o), v, c0));
        v128.store(wk1 + o, madd(ld(wk1 + o), v, e0));
      }
      if (odd) {
        const v = load<f64>(r0 + tail);
        store<f64>(wk + tail, load<f64>(wk + tail) + v * load<f64>(gk + (<usize>i << 3)));
        store<f64>(wk1 + tail, load<f64>(wk1 + tail) + v * load<f64>(gk1 + (<usize>i << 3)));
      }
    }
  }
  for (; k < K; k++) {
    const gk = g + ((<usize>k * <usize>d) << 3);
    const wk = w + <usize>k * rb;
    for (let q = 0; q < n; q++) store<f64>(wk + (<usize>q << 3), 0.0);
    let i = 0;
    for (; i + 8 <= d; i += 8) {
      const r0 = V + <usize>i * rb;
      const gi = gk + (<usize>i << 3);
      const c0 = sp(gi);
      const c1 = sp(gi + 8);
      const c2 = sp(gi + 16);
      const c3 = sp(gi + 24);
      const c4 = sp(gi + 32);
      const c5 = sp(gi + 40);
      const c6 = sp(gi + 48);
      const c7 = sp(gi + 56);
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        const p = r0 + o;
        let a = ld(wk + o);
        a = madd(a, ld(p), c0);
        a = madd(a, ld(p + rb), c1);
        a = madd(a, ld(p + 2 * rb), c2);
        a = madd(a, ld(p + 3 * rb), c3);
        a = madd(a, ld(p + 4 * rb), c4);
        a = madd(a, ld(p + 5 * rb), c5);
        a = madd(a, ld(p + 6 * rb), c6);
        a = madd(a, ld(p + 7 * rb), c7);
        v128.store(wk + o, a);
      }
      if (odd) {
        let a = load<f64>(wk + tail);
        for (let j = 0; j < 8; j++) a += load<f64>(r0 + <usize>j * rb + tail) * load<f64>(gi + (<usize>j << 3));
        store<f64>(wk + tail, a);
      }
    }
    for (; i + 4 <= d; i += 4) {
      const r0 = V + <usize>i * rb;
      const gi = gk + (<usize>i << 3);
      const c0 = sp(gi);
      const c1 = sp(gi + 8);
      const c2 = sp(gi + 16);
      const c3 = sp(gi + 24);
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        const p = r0 + o;
        let a = ld(wk + o);
        a = madd(a, ld(p), c0);
        a = madd(a, ld(p + rb), c1);
        a = madd(a, ld(p + 2 * rb), c2);
        a = madd(a, ld(p + 3 * rb), c3);
        v128.store(wk + o, a);
      }
      if (odd) {
        let a = load<f64>(wk + tail);
        for (let j = 0; j < 4; j++) a += load<f64>(r0 + <usize>j * rb + tail) * load<f64>(gi + (<usize>j << 3));
        store<f64>(wk + tail, a);
      }
    }
    for (; i < d; i++) {
      const r0 = V + <usize>i * rb;
      const gi = gk + (<usize>i << 3);
      const c0 = sp(gi);
      for (let q = 0; q < n2; q += 2) {
        const o = <usize>q << 3;
        v128.store(wk + o, madd(ld(wk + o), ld(r0 + o), c0));
      }
      if (odd) store<f64>(wk + tail, load<f64>(wk + tail) + load<f64>(r0 + tail) * load<f64>(gi));
    }
  }
}

/**
 * Fused step update and error sums over V (the twin's doc states the formulas). Per element
 * (i, q) the update B and E1 as lrFused2 computes them (the same operations), then the M
 * subtracted terms T = ((c_0y_0 + c_1y_1) + …) over the terms Ti[m] (f64 term indices) with the
 * coefficients Ch (row i: Ch[i·M + m]; 0 when M = 0), and E2 = B − T. The terms' row offsets
 * are resolved once per call into `res` (scratch, u32[M]): converting Ti per element cost as
 * much as the multiply-adds saved (measured). One row and eight columns (four f64x2 pairs; then
 * four, then one pair) per pass over the terms' N values: the squares go into four sums by
 * q mod 4 (the lanes of two f64x2 sums; a last column pair of a row with n mod 4 ≥ 2 into the first)
 * and one for the odd last column, combined at the end as the twin does. max(|v|, |v_new|) as
 * pmax(|v_new|, |v|): equal for numbers, NaN when v_new is (so a non-finite update gives
 * non-finite sums). `atStep` = 1: atol per element (at is d·n), 0: one atol for all (at holds it
 * twice). out = [s1, s2].
 */
export function lrFused(V: usize, Vn: usize, C: usize, Nt: usize, R: i32, Ch: usize, Ti: usize, M: i32, res: usize, d: i32, n: i32, at: usize, atStep: i32, rt: f64, out: usize): void {
  const rb = <usize>n << 3;
  for (let m = 0; m < M; m++) store<u32>(res + (<usize>m << 2), <u32>(<usize><i32>load<f64>(Ti + (<usize>m << 3)) * rb));
  const cb = <usize>(R * 2) << 3;
  const hb = <usize>M << 3;
  const ab = atStep != 0 ? rb : 0;
  const amask: usize = atStep != 0 ? <usize>-1 : 0;
  const n4 = n & ~3;
  const n2 = n & ~1;
  const R4 = R & ~3;
  const rtv = f64x2.splat(rt);
  const one = f64x2.splat(1.0);
  let s1a = z();
  let s2a = z();
  let s1b = z();
  let s2b = z();
  let t1 = 0.0;
  let t2 = 0.0;
  for (let i = 0; i < d; i++) {
    const c0 = C + <usize>i * cb;
    const h0 = Ch + <usize>i * hb;
    const v0 = V + <usize>i * rb;
    const u0 = Vn + <usize>i * rb;
    const a0 = at + <usize>i * ab;
    let q = 0;
    // Eight columns (four f64x2 pairs) per pass over the terms: each coefficient splat serves
    // four pairs (measured 0.8× the time of four columns per pass at 64×512; twelve and sixteen
    // columns were slower again, register spills).
    for (; q + 8 <= n4; q += 8) {
      const o = <usize>q << 3;
      const nq = Nt + o;
      let B0 = z();
      let P0 = z();
      let B1 = z();
      let P1 = z();
      let B2 = z();
      let P2 = z();
      let B3 = z();
      let P3 = z();
      let r = 0;
      for (; r < R4; r += 4) {
        const k0 = c0 + ((<usize>r * 2) << 3);
        const p0 = nq + <usize>r * rb;
        const p1 = p0 + rb;
        const p2 = p1 + rb;
        const p3 = p2 + rb;
        const c = sp(k0);
        const c1 = sp(k0 + 16);
        const c2 = sp(k0 + 32);
        const c3 = sp(k0 + 48);
        const e = sp(k0 + 8);
        const e1 = sp(k0 + 24);
        const e2 = sp(k0 + 40);
        const e3 = sp(k0 + 56);
        {
          const y0 = ld(p0);
          const y1 = ld(p1);
          const y2 = ld(p2);
          const y3 = ld(p3);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B0 = r == 0 ? b : f64x2.add(B0, b);
          P0 = r == 0 ? g : f64x2.add(P0, g);
        }
        {
          const y0 = ld(p0 + 16);
          const y1 = ld(p1 + 16);
          const y2 = ld(p2 + 16);
          const y3 = ld(p3 + 16);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B1 = r == 0 ? b : f64x2.add(B1, b);
          P1 = r == 0 ? g : f64x2.add(P1, g);
        }
        {
          const y0 = ld(p0 + 32);
          const y1 = ld(p1 + 32);
          const y2 = ld(p2 + 32);
          const y3 = ld(p3 + 32);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B2 = r == 0 ? b : f64x2.add(B2, b);
          P2 = r == 0 ? g : f64x2.add(P2, g);
        }
        {
          const y0 = ld(p0 + 48);
          const y1 = ld(p1 + 48);
          const y2 = ld(p2 + 48);
          const y3 = ld(p3 + 48);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B3 = r == 0 ? b : f64x2.add(B3, b);
          P3 = r == 0 ? g : f64x2.add(P3, g);
        }
      }
      for (; r < R; r++) {
        const p0 = nq + <usize>r * rb;
        const k0 = c0 + ((<usize>r * 2) << 3);
        const c = sp(k0);
        const e = sp(k0 + 8);
        let y = ld(p0);
        B0 = madd(B0, c, y);
        P0 = madd(P0, e, y);
        y = ld(p0 + 16);
        B1 = madd(B1, c, y);
        P1 = madd(P1, e, y);
        y = ld(p0 + 32);
        B2 = madd(B2, c, y);
        P2 = madd(P2, e, y);
        y = ld(p0 + 48);
        B3 = madd(B3, c, y);
        P3 = madd(P3, e, y);
      }
      let T0 = z();
      let T1 = z();
      let T2 = z();
      let T3 = z();
      if (M > 0) {
        const p0 = nq + <usize>load<u32>(res);
        const c = sp(h0);
        T0 = f64x2.mul(c, ld(p0));
        T1 = f64x2.mul(c, ld(p0 + 16));
        T2 = f64x2.mul(c, ld(p0 + 32));
        T3 = f64x2.mul(c, ld(p0 + 48));
        for (let m = 1; m < M; m++) {
          const p = nq + <usize>load<u32>(res + (<usize>m << 2));
          const cm = sp(h0 + (<usize>m << 3));
          T0 = madd(T0, cm, ld(p));
          T1 = madd(T1, cm, ld(p + 16));
          T2 = madd(T2, cm, ld(p + 32));
          T3 = madd(T3, cm, ld(p + 48));
        }
      }
      // Columns q, q+1 and q+4, q+5 into the first sums, q+2, q+3 and q+6, q+7 into the second.
      const e = v0 + o;
      const u = u0 + o;
      const ao = a0 + (o & amask);
      let x = ld(e);
      let w = f64x2.add(x, B0);
      v128.store(u, w);
      let iv = f64x2.div(one, f64x2.add(ld(ao), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      let g = f64x2.mul(P0, iv);
      let j = f64x2.mul(f64x2.sub(B0, T0), iv);
      s1a = madd(s1a, g, g);
      s2a = madd(s2a, j, j);
      x = ld(e + 16);
      w = f64x2.add(x, B1);
      v128.store(u + 16, w);
      iv = f64x2.div(one, f64x2.add(ld(ao + (16 & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      g = f64x2.mul(P1, iv);
      j = f64x2.mul(f64x2.sub(B1, T1), iv);
      s1b = madd(s1b, g, g);
      s2b = madd(s2b, j, j);
      x = ld(e + 32);
      w = f64x2.add(x, B2);
      v128.store(u + 32, w);
      iv = f64x2.div(one, f64x2.add(ld(ao + (32 & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      g = f64x2.mul(P2, iv);
      j = f64x2.mul(f64x2.sub(B2, T2), iv);
      s1a = madd(s1a, g, g);
      s2a = madd(s2a, j, j);
      x = ld(e + 48);
      w = f64x2.add(x, B3);
      v128.store(u + 48, w);
      iv = f64x2.div(one, f64x2.add(ld(ao + (48 & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      g = f64x2.mul(P3, iv);
      j = f64x2.mul(f64x2.sub(B3, T3), iv);
      s1b = madd(s1b, g, g);
      s2b = madd(s2b, j, j);
    }
    // At most one pass of four columns (n mod 8 ≥ 4).
    for (; q < n4; q += 4) {
      const o = <usize>q << 3;
      const nq = Nt + o;
      let B0 = z();
      let P0 = z();
      let B1 = z();
      let P1 = z();
      let r = 0;
      for (; r < R4; r += 4) {
        const k0 = c0 + ((<usize>r * 2) << 3);
        const p0 = nq + <usize>r * rb;
        const y0 = ld(p0);
        const y1 = ld(p0 + rb);
        const y2 = ld(p0 + 2 * rb);
        const y3 = ld(p0 + 3 * rb);
        const x0 = ld(p0 + 16);
        const x1 = ld(p0 + rb + 16);
        const x2 = ld(p0 + 2 * rb + 16);
        const x3 = ld(p0 + 3 * rb + 16);
        let c = sp(k0);
        let c1 = sp(k0 + 16);
        let c2 = sp(k0 + 32);
        let c3 = sp(k0 + 48);
        const b0 = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
        const b1 = madd(madd(madd(f64x2.mul(c, x0), c1, x1), c2, x2), c3, x3);
        c = sp(k0 + 8);
        c1 = sp(k0 + 24);
        c2 = sp(k0 + 40);
        c3 = sp(k0 + 56);
        const e0 = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
        const e1 = madd(madd(madd(f64x2.mul(c, x0), c1, x1), c2, x2), c3, x3);
        if (r == 0) {
          B0 = b0;
          P0 = e0;
          B1 = b1;
          P1 = e1;
        } else {
          B0 = f64x2.add(B0, b0);
          P0 = f64x2.add(P0, e0);
          B1 = f64x2.add(B1, b1);
          P1 = f64x2.add(P1, e1);
        }
      }
      for (; r < R; r++) {
        const p0 = nq + <usize>r * rb;
        const y0 = ld(p0);
        const x0 = ld(p0 + 16);
        const k0 = c0 + ((<usize>r * 2) << 3);
        const c = sp(k0);
        const c1 = sp(k0 + 8);
        B0 = madd(B0, c, y0);
        P0 = madd(P0, c1, y0);
        B1 = madd(B1, c, x0);
        P1 = madd(P1, c1, x0);
      }
      let T0 = z();
      let T1 = z();
      if (M > 0) {
        const p0 = nq + <usize>load<u32>(res);
        const c = sp(h0);
        T0 = f64x2.mul(c, ld(p0));
        T1 = f64x2.mul(c, ld(p0 + 16));
        for (let m = 1; m < M; m++) {
          const p = nq + <usize>load<u32>(res + (<usize>m << 2));
          const cm = sp(h0 + (<usize>m << 3));
          T0 = madd(T0, cm, ld(p));
          T1 = madd(T1, cm, ld(p + 16));
        }
      }
      const e = v0 + o;
      const x0 = ld(e);
      const w0 = f64x2.add(x0, B0);
      v128.store(u0 + o, w0);
      const i0 = f64x2.div(one, f64x2.add(ld(a0 + (o & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w0), f64x2.abs(x0)))));
      const g0 = f64x2.mul(P0, i0);
      const j0 = f64x2.mul(f64x2.sub(B0, T0), i0);
      s1a = madd(s1a, g0, g0);
      s2a = madd(s2a, j0, j0);
      const x1 = ld(e + 16);
      const w1 = f64x2.add(x1, B1);
      v128.store(u0 + o + 16, w1);
      const i1 = f64x2.div(one, f64x2.add(ld(a0 + ((o + 16) & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w1), f64x2.abs(x1)))));
      const g1 = f64x2.mul(P1, i1);
      const j1 = f64x2.mul(f64x2.sub(B1, T1), i1);
      s1b = madd(s1b, g1, g1);
      s2b = madd(s2b, j1, j1);
    }
    if (n4 < n2) {
      // The last column pair: one f64x2 column pair, into the first sums.
      const o = <usize>n4 << 3;
      const nq = Nt + o;
      let B0 = z();
      let P0 = z();
      let r = 0;
      for (; r < R4; r += 4) {
        const y0 = ld(nq + <usize>r * rb);
        const y1 = ld(nq + <usize>(r + 1) * rb);
        const y2 = ld(nq + <usize>(r + 2) * rb);
        const y3 = ld(nq + <usize>(r + 3) * rb);
        const k0 = c0 + ((<usize>r * 2) << 3);
        const b0 = madd(madd(madd(f64x2.mul(sp(k0), y0), sp(k0 + 16), y1), sp(k0 + 32), y2), sp(k0 + 48), y3);
        const p0 = madd(madd(madd(f64x2.mul(sp(k0 + 8), y0), sp(k0 + 24), y1), sp(k0 + 40), y2), sp(k0 + 56), y3);
        if (r == 0) {
          B0 = b0;
          P0 = p0;
        } else {
          B0 = f64x2.add(B0, b0);
          P0 = f64x2.add(P0, p0);
        }
      }
      for (; r < R; r++) {
        const y0 = ld(nq + <usize>r * rb);
        const k0 = c0 + ((<usize>r * 2) << 3);
        B0 = madd(B0, sp(k0), y0);
        P0 = madd(P0, sp(k0 + 8), y0);
      }
      let T0 = z();
      if (M > 0) {
        T0 = f64x2.mul(sp(h0), ld(nq + <usize>load<u32>(res)));
        for (let m = 1; m < M; m++) T0 = madd(T0, sp(h0 + (<usize>m << 3)), ld(nq + <usize>load<u32>(res + (<usize>m << 2))));
      }
      const x0 = ld(v0 + o);
      const w0 = f64x2.add(x0, B0);
      v128.store(u0 + o, w0);
      const i0 = f64x2.div(one, f64x2.add(ld(a0 + (o & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w0), f64x2.abs(x0)))));
      const g0 = f64x2.mul(P0, i0);
      const j0 = f64x2.mul(f64x2.sub(B0, T0), i0);
      s1a = madd(s1a, g0, g0);
      s2a = madd(s2a, j0, j0);
    }
    if (n2 < n) {
      const e = fusedScalar(V, Vn, C, Nt, R, Ch, res, M, n, at, atStep, rt, i, n2);
      t1 += f64x2.extract_lane(e, 0);
      t2 += f64x2.extract_lane(e, 1);
    }
  }
  // ((q ≡ 0 + q ≡ 1) + (q ≡ 2 + q ≡ 3)) + odd last column.
  const s1 = f64x2.extract_lane(s1a, 0) + f64x2.extract_lane(s1a, 1) + (f64x2.extract_lane(s1b, 0) + f64x2.extract_lane(s1b, 1)) + t1;
  const s2 = f64x2.extract_lane(s2a, 0) + f64x2.extract_lane(s2a, 1) + (f64x2.extract_lane(s2b, 0) + f64x2.extract_lane(s2b, 1)) + t2;
  store<f64>(out, s1);
  store<f64>(out + 8, s2);
}

/** One element (i, q) of lrFused (the odd last column): writes Vn, returns [E1², E2²]. */
function fusedScalar(V: usize, Vn: usize, C: usize, Nt: usize, R: i32, Ch: usize, res: usize, M: i32, n: i32, at: usize, atStep: i32, rt: f64, i: i32, q: i32): v128 {
  const rb = <usize>n << 3;
  const c0 = C + ((<usize>(i * R * 2)) << 3);
  const h0 = Ch + ((<usize>(i * M)) << 3);
  const nq = Nt + (<usize>q << 3);
  const R4 = R & ~3;
  let B = 0.0;
  let P = 0.0;
  let r = 0;
  for (; r < R4; r += 4) {
    const y0 = load<f64>(nq + <usize>r * rb);
    const y1 = load<f64>(nq + <usize>(r + 1) * rb);
    const y2 = load<f64>(nq + <usize>(r + 2) * rb);
    const y3 = load<f64>(nq + <usize>(r + 3) * rb);
    const k = c0 + ((<usize>r * 2) << 3);
    const b = load<f64>(k) * y0 + load<f64>(k + 16) * y1 + load<f64>(k + 32) * y2 + load<f64>(k + 48) * y3;
    const p = load<f64>(k + 8) * y0 + load<f64>(k + 24) * y1 + load<f64>(k + 40) * y2 + load<f64>(k + 56) * y3;
    if (r == 0) {
      B = b;
      P = p;
    } else {
      B += b;
      P += p;
    }
  }
  for (; r < R; r++) {
    const y0 = load<f64>(nq + <usize>r * rb);
    const k = c0 + ((<usize>r * 2) << 3);
    B += load<f64>(k) * y0;
    P += load<f64>(k + 8) * y0;
  }
  let T = 0.0;
  if (M > 0) {
    T = load<f64>(h0) * load<f64>(nq + <usize>load<u32>(res));
    for (let m = 1; m < M; m++) T += load<f64>(h0 + (<usize>m << 3)) * load<f64>(nq + <usize>load<u32>(res + (<usize>m << 2)));
  }
  const o = <usize>(i * n + q) << 3;
  const v = load<f64>(V + o);
  const vn = v + B;
  store<f64>(Vn + o, vn);
  const inv = 1.0 / (load<f64>(at + (atStep != 0 ? o : 0)) + rt * Math.max(Math.abs(v), Math.abs(vn)));
  const x1 = P * inv;
  const x2 = (B - T) * inv;
  return f64x2.replace_lane(f64x2.splat(x1 * x1), 1, x2 * x2);
}

/**
 * lrFused with the update and one error estimator (dopri5: its E2 weights are all zero and s2
 * is not used): the same operations as lrFused for Vn and s1, without the third output. C holds
 * per row and term the update and E1 coefficients; out = [s1].
 */
export function lrFused2(V: usize, Vn: usize, C: usize, Nt: usize, R: i32, d: i32, n: i32, at: usize, atStep: i32, rt: f64, out: usize): void {
  const rb = <usize>n << 3;
  const cb = <usize>(R * 2) << 3;
  const ab = atStep != 0 ? rb : 0;
  const amask: usize = atStep != 0 ? <usize>-1 : 0;
  const n4 = n & ~3;
  const n2 = n & ~1;
  const R4 = R & ~3;
  const rtv = f64x2.splat(rt);
  const one = f64x2.splat(1.0);
  let s1a = z();
  let s1b = z();
  let t1 = 0.0;
  for (let i = 0; i < d; i++) {
    const c0 = C + <usize>i * cb;
    const v0 = V + <usize>i * rb;
    const u0 = Vn + <usize>i * rb;
    const a0 = at + <usize>i * ab;
    let q = 0;
    // Eight columns per pass, as lrFused.
    for (; q + 8 <= n4; q += 8) {
      const o = <usize>q << 3;
      const nq = Nt + o;
      let B0 = z();
      let P0 = z();
      let B1 = z();
      let P1 = z();
      let B2 = z();
      let P2 = z();
      let B3 = z();
      let P3 = z();
      let r = 0;
      for (; r < R4; r += 4) {
        const k0 = c0 + ((<usize>r * 2) << 3);
        const p0 = nq + <usize>r * rb;
        const p1 = p0 + rb;
        const p2 = p1 + rb;
        const p3 = p2 + rb;
        const c = sp(k0);
        const c1 = sp(k0 + 16);
        const c2 = sp(k0 + 32);
        const c3 = sp(k0 + 48);
        const e = sp(k0 + 8);
        const e1 = sp(k0 + 24);
        const e2 = sp(k0 + 40);
        const e3 = sp(k0 + 56);
        {
          const y0 = ld(p0);
          const y1 = ld(p1);
          const y2 = ld(p2);
          const y3 = ld(p3);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B0 = r == 0 ? b : f64x2.add(B0, b);
          P0 = r == 0 ? g : f64x2.add(P0, g);
        }
        {
          const y0 = ld(p0 + 16);
          const y1 = ld(p1 + 16);
          const y2 = ld(p2 + 16);
          const y3 = ld(p3 + 16);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B1 = r == 0 ? b : f64x2.add(B1, b);
          P1 = r == 0 ? g : f64x2.add(P1, g);
        }
        {
          const y0 = ld(p0 + 32);
          const y1 = ld(p1 + 32);
          const y2 = ld(p2 + 32);
          const y3 = ld(p3 + 32);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B2 = r == 0 ? b : f64x2.add(B2, b);
          P2 = r == 0 ? g : f64x2.add(P2, g);
        }
        {
          const y0 = ld(p0 + 48);
          const y1 = ld(p1 + 48);
          const y2 = ld(p2 + 48);
          const y3 = ld(p3 + 48);
          const b = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
          const g = madd(madd(madd(f64x2.mul(e, y0), e1, y1), e2, y2), e3, y3);
          B3 = r == 0 ? b : f64x2.add(B3, b);
          P3 = r == 0 ? g : f64x2.add(P3, g);
        }
      }
      for (; r < R; r++) {
        const p0 = nq + <usize>r * rb;
        const k0 = c0 + ((<usize>r * 2) << 3);
        const c = sp(k0);
        const e = sp(k0 + 8);
        let y = ld(p0);
        B0 = madd(B0, c, y);
        P0 = madd(P0, e, y);
        y = ld(p0 + 16);
        B1 = madd(B1, c, y);
        P1 = madd(P1, e, y);
        y = ld(p0 + 32);
        B2 = madd(B2, c, y);
        P2 = madd(P2, e, y);
        y = ld(p0 + 48);
        B3 = madd(B3, c, y);
        P3 = madd(P3, e, y);
      }
      // Columns q, q+1 and q+4, q+5 into the first sums, q+2, q+3 and q+6, q+7 into the second.
      const e = v0 + o;
      const u = u0 + o;
      const ao = a0 + (o & amask);
      let x = ld(e);
      let w = f64x2.add(x, B0);
      v128.store(u, w);
      let iv = f64x2.div(one, f64x2.add(ld(ao), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      let g = f64x2.mul(P0, iv);
      s1a = madd(s1a, g, g);
      x = ld(e + 16);
      w = f64x2.add(x, B1);
      v128.store(u + 16, w);
      iv = f64x2.div(one, f64x2.add(ld(ao + (16 & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      g = f64x2.mul(P1, iv);
      s1b = madd(s1b, g, g);
      x = ld(e + 32);
      w = f64x2.add(x, B2);
      v128.store(u + 32, w);
      iv = f64x2.div(one, f64x2.add(ld(ao + (32 & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      g = f64x2.mul(P2, iv);
      s1a = madd(s1a, g, g);
      x = ld(e + 48);
      w = f64x2.add(x, B3);
      v128.store(u + 48, w);
      iv = f64x2.div(one, f64x2.add(ld(ao + (48 & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w), f64x2.abs(x)))));
      g = f64x2.mul(P3, iv);
      s1b = madd(s1b, g, g);
    }
    for (; q < n4; q += 4) {
      const o = <usize>q << 3;
      const nq = Nt + o;
      let B0 = z();
      let P0 = z();
      let B1 = z();
      let P1 = z();
      let r = 0;
      for (; r < R4; r += 4) {
        const k0 = c0 + ((<usize>r * 2) << 3);
        const p0 = nq + <usize>r * rb;
        const y0 = ld(p0);
        const y1 = ld(p0 + rb);
        const y2 = ld(p0 + 2 * rb);
        const y3 = ld(p0 + 3 * rb);
        const x0 = ld(p0 + 16);
        const x1 = ld(p0 + rb + 16);
        const x2 = ld(p0 + 2 * rb + 16);
        const x3 = ld(p0 + 3 * rb + 16);
        let c = sp(k0);
        let c1 = sp(k0 + 16);
        let c2 = sp(k0 + 32);
        let c3 = sp(k0 + 48);
        const b0 = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
        const b1 = madd(madd(madd(f64x2.mul(c, x0), c1, x1), c2, x2), c3, x3);
        c = sp(k0 + 8);
        c1 = sp(k0 + 24);
        c2 = sp(k0 + 40);
        c3 = sp(k0 + 56);
        const e0 = madd(madd(madd(f64x2.mul(c, y0), c1, y1), c2, y2), c3, y3);
        const e1 = madd(madd(madd(f64x2.mul(c, x0), c1, x1), c2, x2), c3, x3);
        if (r == 0) {
          B0 = b0;
          P0 = e0;
          B1 = b1;
          P1 = e1;
        } else {
          B0 = f64x2.add(B0, b0);
          P0 = f64x2.add(P0, e0);
          B1 = f64x2.add(B1, b1);
          P1 = f64x2.add(P1, e1);
        }
      }
      for (; r < R; r++) {
        const p0 = nq + <usize>r * rb;
        const y0 = ld(p0);
        const x0 = ld(p0 + 16);
        const k0 = c0 + ((<usize>r * 2) << 3);
        const c = sp(k0);
        const c1 = sp(k0 + 8);
        B0 = madd(B0, c, y0);
        P0 = madd(P0, c1, y0);
        B1 = madd(B1, c, x0);
        P1 = madd(P1, c1, x0);
      }
      const e = v0 + o;
      const x0 = ld(e);
      const w0 = f64x2.add(x0, B0);
      v128.store(u0 + o, w0);
      const i0 = f64x2.div(one, f64x2.add(ld(a0 + (o & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w0), f64x2.abs(x0)))));
      const h0 = f64x2.mul(P0, i0);
      s1a = madd(s1a, h0, h0);
      const x1 = ld(e + 16);
      const w1 = f64x2.add(x1, B1);
      v128.store(u0 + o + 16, w1);
      const i1 = f64x2.div(one, f64x2.add(ld(a0 + ((o + 16) & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w1), f64x2.abs(x1)))));
      const h1 = f64x2.mul(P1, i1);
      s1b = madd(s1b, h1, h1);
    }
    if (n4 < n2) {
      const o = <usize>n4 << 3;
      const nq = Nt + o;
      let B0 = z();
      let P0 = z();
      let r = 0;
      for (; r < R4; r += 4) {
        const y0 = ld(nq + <usize>r * rb);
        const y1 = ld(nq + <usize>(r + 1) * rb);
        const y2 = ld(nq + <usize>(r + 2) * rb);
        const y3 = ld(nq + <usize>(r + 3) * rb);
        const k0 = c0 + ((<usize>r * 2) << 3);
        const b0 = madd(madd(madd(f64x2.mul(sp(k0), y0), sp(k0 + 16), y1), sp(k0 + 32), y2), sp(k0 + 48), y3);
        const p0 = madd(madd(madd(f64x2.mul(sp(k0 + 8), y0), sp(k0 + 24), y1), sp(k0 + 40), y2), sp(k0 + 56), y3);
        if (r == 0) {
          B0 = b0;
          P0 = p0;
        } else {
          B0 = f64x2.add(B0, b0);
          P0 = f64x2.add(P0, p0);
        }
      }
      for (; r < R; r++) {
        const y0 = ld(nq + <usize>r * rb);
        const k0 = c0 + ((<usize>r * 2) << 3);
        B0 = madd(B0, sp(k0), y0);
        P0 = madd(P0, sp(k0 + 8), y0);
      }
      const x0 = ld(v0 + o);
      const w0 = f64x2.add(x0, B0);
      v128.store(u0 + o, w0);
      const i0 = f64x2.div(one, f64x2.add(ld(a0 + (o & amask)), f64x2.mul(rtv, f64x2.pmax(f64x2.abs(w0), f64x2.abs(x0)))));
      const h0 = f64x2.mul(P0, i0);
      s1a = madd(s1a, h0, h0);
    }
    if (n2 < n) t1 += fusedScalar2(V, Vn, C, Nt, R, n, at, atStep, rt, i, n2);
  }
  store<f64>(out, f64x2.extract_lane(s1a, 0) + f64x2.extract_lane(s1a, 1) + (f64x2.extract_lane(s1b, 0) + f64x2.extract_lane(s1b, 1)) + t1);
}

/** One element (i, q) of lrFused2 (the odd last column): writes Vn, returns E1². */
function fusedScalar2(V: usize, Vn: usize, C: usize, Nt: usize, R: i32, n: i32, at: usize, atStep: i32, rt: f64, i: i32, q: i32): f64 {
  const rb = <usize>n << 3;
  const c0 = C + ((<usize>(i * R * 2)) << 3);
  const nq = Nt + (<usize>q << 3);
  const R4 = R & ~3;
  let B = 0.0;
  let P = 0.0;
  let r = 0;
  for (; r < R4; r += 4) {
    const y0 = load<f64>(nq + <usize>r * rb);
    const y1 = load<f64>(nq + <usize>(r + 1) * rb);
    const y2 = load<f64>(nq + <usize>(r + 2) * rb);
    const y3 = load<f64>(nq + <usize>(r + 3) * rb);
    const k = c0 + ((<usize>r * 2) << 3);
    const b = load<f64>(k) * y0 + load<f64>(k + 16) * y1 + load<f64>(k + 32) * y2 + load<f64>(k + 48) * y3;
    const p = load<f64>(k + 8) * y0 + load<f64>(k + 24) * y1 + load<f64>(k + 40) * y2 + load<f64>(k + 56) * y3;
    if (r == 0) {
      B = b;
      P = p;
    } else {
      B += b;
      P += p;
    }
  }
  for (; r < R; r++) {
    const y0 = load<f64>(nq + <usize>r * rb);
    const k = c0 + ((<usize>r * 2) << 3);
    B += load<f64>(k) * y0;
    P += load<f64>(k + 8) * y0;
  }
  const o = <usize>(i * n + q) << 3;
  const v = load<f64>(V + o);
  const vn = v + B;
  store<f64>(Vn + o, vn);
  const inv = 1.0 / (load<f64>(at + (atStep != 0 ? o : 0)) + rt * Math.max(Math.abs(v), Math.abs(vn)));
  const x1 = P * inv;
  return x1 * x1;
}

/**
 * Rank-R sum out[i·n + q] = Σ_r C[i·R + r]·Nt[r·n + q], each sum from 0 in increasing r (the
 * dense output's V rows). Eight columns (four f64x2 sums) per pass over the terms.
 */
export function lrCombine(C: usize, Nt: usize, R: i32, d: i32, n: i32, out: usize): void {
  const rb = <usize>n << 3;
  const cb = <usize>R << 3;
  for (let i = 0; i < d; i++) {
    const ci = C + <usize>i * cb;
    const oi = out + <usize>i * rb;
    let q = 0;
    for (; q + 8 <= n; q += 8) {
      let p = Nt + (<usize>q << 3);
      let a0 = z();
      let a1 = z();
      let a2 = z();
      let a3 = z();
      for (let r = 0; r < R; r++) {
        const c = sp(ci + (<usize>r << 3));
        a0 = madd(a0, c, ld(p));
        a1 = madd(a1, c, ld(p + 16));
        a2 = madd(a2, c, ld(p + 32));
        a3 = madd(a3, c, ld(p + 48));
        p += rb;
      }
      const o = oi + (<usize>q << 3);
      v128.store(o, a0);
      v128.store(o + 16, a1);
      v128.store(o + 32, a2);
      v128.store(o + 48, a3);
    }
    for (; q + 2 <= n; q += 2) {
      let p = Nt + (<usize>q << 3);
      let a0 = z();
      for (let r = 0; r < R; r++) {
        a0 = madd(a0, sp(ci + (<usize>r << 3)), ld(p));
        p += rb;
      }
      v128.store(oi + (<usize>q << 3), a0);
    }
    if (q < n) {
      let p = Nt + (<usize>q << 3);
      let a0 = 0.0;
      for (let r = 0; r < R; r++) {
        a0 += load<f64>(ci + (<usize>r << 3)) * load<f64>(p);
        p += rb;
      }
      store<f64>(oi + (<usize>q << 3), a0);
    }
  }
}

/**
 * out[k·len + q] += Σ_r c[k·R + r]·rows[r·len + q] (k < K, q < len), each sum continuing out in
 * increasing r: the stages' low-rank corrections. Eight columns per pass over the rows.
 */
export function lrAddRows(out: usize, rows: usize, c: usize, R: i32, K: i32, len: i32): void {
  const rb = <usize>len << 3;
  let k = 0;
  // Two outputs per pass over the rows while two are left (the stages' corrections with K > 1):
  // each sum's operations and order those of the one-output pass below.
  for (; k + 2 <= K; k += 2) {
    const ok = out + <usize>k * rb;
    const ok1 = ok + rb;
    const ck = c + ((<usize>k * <usize>R) << 3);
    const ck1 = ck + (<usize>R << 3);
    let q = 0;
    for (; q + 8 <= len; q += 8) {
      const o = ok + (<usize>q << 3);
      const o1 = ok1 + (<usize>q << 3);
      let a0 = ld(o);
      let a1 = ld(o + 16);
      let a2 = ld(o + 32);
      let a3 = ld(o + 48);
      let b0 = ld(o1);
      let b1 = ld(o1 + 16);
      let b2 = ld(o1 + 32);
      let b3 = ld(o1 + 48);
      let p = rows + (<usize>q << 3);
      for (let r = 0; r < R; r++) {
        const cc = sp(ck + (<usize>r << 3));
        const ee = sp(ck1 + (<usize>r << 3));
        const x0 = ld(p);
        const x1 = ld(p + 16);
        const x2 = ld(p + 32);
        const x3 = ld(p + 48);
        a0 = madd(a0, cc, x0);
        b0 = madd(b0, ee, x0);
        a1 = madd(a1, cc, x1);
        b1 = madd(b1, ee, x1);
        a2 = madd(a2, cc, x2);
        b2 = madd(b2, ee, x2);
        a3 = madd(a3, cc, x3);
        b3 = madd(b3, ee, x3);
        p += rb;
      }
      v128.store(o, a0);
      v128.store(o + 16, a1);
      v128.store(o + 32, a2);
      v128.store(o + 48, a3);
      v128.store(o1, b0);
      v128.store(o1 + 16, b1);
      v128.store(o1 + 32, b2);
      v128.store(o1 + 48, b3);
    }
    for (; q + 2 <= len; q += 2) {
      const o = ok + (<usize>q << 3);
      const o1 = ok1 + (<usize>q << 3);
      let a0 = ld(o);
      let b0 = ld(o1);
      let p = rows + (<usize>q << 3);
      for (let r = 0; r < R; r++) {
        const x = ld(p);
        a0 = madd(a0, sp(ck + (<usize>r << 3)), x);
        b0 = madd(b0, sp(ck1 + (<usize>r << 3)), x);
        p += rb;
      }
      v128.store(o, a0);
      v128.store(o1, b0);
    }
    if (q < len) {
      const o = ok + (<usize>q << 3);
      const o1 = ok1 + (<usize>q << 3);
      let a0 = load<f64>(o);
      let b0 = load<f64>(o1);
      let p = rows + (<usize>q << 3);
      for (let r = 0; r < R; r++) {
        const x = load<f64>(p);
        a0 += load<f64>(ck + (<usize>r << 3)) * x;
        b0 += load<f64>(ck1 + (<usize>r << 3)) * x;
        p += rb;
      }
      store<f64>(o, a0);
      store<f64>(o1, b0);
    }
  }
  for (; k < K; k++) {
    const ok = out + <usize>k * rb;
    const ck = c + ((<usize>k * <usize>R) << 3);
    let q = 0;
    for (; q + 8 <= len; q += 8) {
      const o = ok + (<usize>q << 3);
      let a0 = ld(o);
      let a1 = ld(o + 16);
      let a2 = ld(o + 32);
      let a3 = ld(o + 48);
      let p = rows + (<usize>q << 3);
      for (let r = 0; r < R; r++) {
        const cc = sp(ck + (<usize>r << 3));
        a0 = madd(a0, cc, ld(p));
        a1 = madd(a1, cc, ld(p + 16));
        a2 = madd(a2, cc, ld(p + 32));
        a3 = madd(a3, cc, ld(p + 48));
        p += rb;
      }
      v128.store(o, a0);
      v128.store(o + 16, a1);
      v128.store(o + 32, a2);
      v128.store(o + 48, a3);
    }
    for (; q + 2 <= len; q += 2) {
      const o = ok + (<usize>q << 3);
      let a0 = ld(o);
      let p = rows + (<usize>q << 3);
      for (let r = 0; r < R; r++) {
        a0 = madd(a0, sp(ck + (<usize>r << 3)), ld(p));
        p += rb;
      }
      v128.store(o, a0);
    }
    if (q < len) {
      const o = ok + (<usize>q << 3);
      let a0 = load<f64>(o);
      let p = rows + (<usize>q << 3);
      for (let r = 0; r < R; r++) {
        a0 += load<f64>(ck + (<usize>r << 3)) * load<f64>(p);
        p += rb;
      }
      store<f64>(o, a0);
    }
  }
}

// ---- the stages' softmax (exp by the `expScaled` kernel in between) ----------------------------

/**
 * e[k·n + q] = a[k·n + q] − max_q a[k·n + q] per sample k. The maximum as `x > m ? x : m`
 * from −∞ over even and odd q in the two lanes (pmax), then odd over even the same way, then
 * the odd last term (NaN entries never win, as in core/softmax.ts).
 */
export function lrShiftMax(a: usize, K: i32, n: i32, e: usize): void {
  const rb = <usize>n << 3;
  const n2 = n & ~1;
  for (let k = 0; k < K; k++) {
    const ak = a + <usize>k * rb;
    const ek = e + <usize>k * rb;
    let mv = f64x2.splat(-Infinity);
    for (let q = 0; q < n2; q += 2) mv = f64x2.pmax(mv, ld(ak + (<usize>q << 3)));
    const m0 = f64x2.extract_lane(mv, 0);
    const m1 = f64x2.extract_lane(mv, 1);
    let mx = m1 > m0 ? m1 : m0;
    if (n2 < n) {
      const x = load<f64>(ak + (<usize>n2 << 3));
      mx = x > mx ? x : mx;
    }
    const mm = f64x2.splat(mx);
    for (let q = 0; q < n2; q += 2) {
      const o = <usize>q << 3;
      v128.store(ek + o, f64x2.sub(ld(ak + o), mm));
    }
    if (n2 < n) store<f64>(ek + (<usize>n2 << 3), load<f64>(ak + (<usize>n2 << 3)) - mx);
  }
}

/** N[k·n + q] = e[k·n + q]·(1/z_k), z_k = Σ_q e[k·n + q] (two sums over even and odd q, the odd last term to the even one, then even + odd). */
export function lrScaleBySum(e: usize, K: i32, n: i32, N: usize): void {
  const rb = <usize>n << 3;
  const n2 = n & ~1;
  for (let k = 0; k < K; k++) {
    const ek = e + <usize>k * rb;
    const Nk = N + <usize>k * rb;
    let zv = z();
    for (let q = 0; q < n2; q += 2) zv = f64x2.add(zv, ld(ek + (<usize>q << 3)));
    let z0 = f64x2.extract_lane(zv, 0);
    if (n2 < n) z0 += load<f64>(ek + (<usize>n2 << 3));
    const inv = 1.0 / (z0 + f64x2.extract_lane(zv, 1));
    const iv = f64x2.splat(inv);
    for (let q = 0; q < n2; q += 2) {
      const o = <usize>q << 3;
      v128.store(Nk + o, f64x2.mul(ld(ek + o), iv));
    }
    if (n2 < n) store<f64>(Nk + (<usize>n2 << 3), load<f64>(ek + (<usize>n2 << 3)) * inv);
  }
}

/**
 * The softmax VJP out[k·n + q] = (s·N)·(w − N·w) per sample (normalizations.ts), N·w in the
 * forward sweep's two-sum order.
 */
export function lrSoftmaxVjp(N: usize, w: usize, K: i32, n: i32, s: f64, out: usize): void {
  const rb = <usize>n << 3;
  const n2 = n & ~1;
  const odd = n2 < n;
  const tail = <usize>n2 << 3;
  const sv = f64x2.splat(s);
  for (let k = 0; k < K; k++) {
    const Nk = N + <usize>k * rb;
    const wk = w + <usize>k * rb;
    const ok = out + <usize>k * rb;
    let acc = z();
    for (let q = 0; q < n2; q += 2) {
      const o = <usize>q << 3;
      acc = madd(acc, ld(Nk + o), ld(wk + o));
    }
    const nw = dotEnd(acc, Nk, wk, tail, odd);
    const nv = f64x2.splat(nw);
    for (let q = 0; q < n2; q += 2) {
      const o = <usize>q << 3;
      v128.store(ok + o, f64x2.mul(f64x2.mul(sv, ld(Nk + o)), f64x2.sub(ld(wk + o), nv)));
    }
    if (odd) store<f64>(ok + tail, s * load<f64>(Nk + tail) * (load<f64>(wk + tail) - nw));
  }
}

// ---- the other normalisations (models/normalizations.ts; theory VS-5) -------------------------
// Normalisation codes of lrNormalize / lrNormVjp: 0 softmax, 1 l1, 2 l2sq, 3 sigmoid, 4 relu,
// 5 sum. Kinds 1, 2, 4, 5 are normalizations.ts's `normalize` / `normalizationVjp` operation for
// operation (sums from 0 in increasing q, scalar loops), so they give its bits; sigmoid is its
// branch form with vsflow's exp (expScaled) in place of Math.exp (the twin's `sigmoidTwin`).

/** sgn(x) as Math.sign: 1, −1, or x itself (±0, NaN). */
@inline function sgn(x: f64): f64 {
  return x > 0 ? 1.0 : x < 0 ? -1.0 : x;
}

/**
 * N[k·n + q] = N(a_k)_q per sample k < K and S[k] = the normaliser Σ_q φ(a_kq) (normalizations.ts
 * `normalize`; for sigmoid Σ_q s(a_kq)), kind as above. Softmax (0): lrShiftMax into E,
 * expScaled, lrScaleBySum (the stages' softmax; S not written). Sigmoid (3): E = e^{−|a|} by
 * expScaled, then s = 1/(1 + E) where a ≥ 0, E/(1 + E) elsewhere (core/sigmoid.ts's branches:
 * both exponents are −|a|). E: K·n scratch.
 */
export function lrNormalize(a: usize, K: i32, n: i32, kind: i32, E: usize, N: usize, S: usize): void {
  const KN = K * n;
  if (kind == 0) {
    lrShiftMax(a, K, n, E);
    expScaled(E, KN, 1.0, E);
    lrScaleBySum(E, K, n, N);
    return;
  }
  if (kind == 3) {
    for (let q = 0; q < KN; q++) {
      const o = <usize>q << 3;
      store<f64>(E + o, -Math.abs(load<f64>(a + o)));
    }
    expScaled(E, KN, 1.0, E);
  }
  const rb = <usize>n << 3;
  for (let k = 0; k < K; k++) {
    const ak = a + <usize>k * rb;
    const Nk = N + <usize>k * rb;
    let s = 0.0;
    if (kind == 3) {
      const Ek = E + <usize>k * rb;
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        const e = load<f64>(Ek + o);
        const v = load<f64>(ak + o) >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        store<f64>(Nk + o, v);
        s += v;
      }
    } else if (kind == 1) {
      for (let q = 0; q < n; q++) s += Math.abs(load<f64>(ak + (<usize>q << 3)));
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        store<f64>(Nk + o, Math.abs(load<f64>(ak + o)) / s);
      }
    } else if (kind == 2) {
      for (let q = 0; q < n; q++) {
        const x = load<f64>(ak + (<usize>q << 3));
        s += x * x;
      }
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        const x = load<f64>(ak + o);
        store<f64>(Nk + o, (x * x) / s);
      }
    } else if (kind == 4) {
      for (let q = 0; q < n; q++) {
        const x = load<f64>(ak + (<usize>q << 3));
        s += x > 0 ? x : 0.0;
      }
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        const x = load<f64>(ak + o);
        store<f64>(Nk + o, x > 0 ? x / s : 0.0);
      }
    } else {
      for (let q = 0; q < n; q++) s += load<f64>(ak + (<usize>q << 3));
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        store<f64>(Nk + o, load<f64>(ak + o) / s);
      }
    }
    store<f64>(S + (<usize>k << 3), s);
  }
}

/**
 * out[k·n + q] = scale·(J_N(a_k)ᵀ w_k)_q per sample (normalizations.ts `normalizationVjp`), given
 * N and S from lrNormalize, kind as above. Softmax (0): lrSoftmaxVjp (S unused); sigmoid:
 * ((scale·s)·(1 − s))·w; the others c·(…)·(w − nw) with nw = Σ_q N_q w_q from 0 in increasing q
 * and c = scale/S (l2sq: (2·scale)/S).
 */
export function lrNormVjp(a: usize, N: usize, S: usize, w: usize, K: i32, n: i32, kind: i32, scale: f64, out: usize): void {
  if (kind == 0) {
    lrSoftmaxVjp(N, w, K, n, scale, out);
    return;
  }
  const rb = <usize>n << 3;
  for (let k = 0; k < K; k++) {
    const ak = a + <usize>k * rb;
    const Nk = N + <usize>k * rb;
    const wk = w + <usize>k * rb;
    const ok = out + <usize>k * rb;
    if (kind == 3) {
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        const s = load<f64>(Nk + o);
        store<f64>(ok + o, scale * s * (1.0 - s) * load<f64>(wk + o));
      }
      continue;
    }
    let nw = 0.0;
    for (let q = 0; q < n; q++) {
      const o = <usize>q << 3;
      nw += load<f64>(Nk + o) * load<f64>(wk + o);
    }
    const Sk = load<f64>(S + (<usize>k << 3));
    if (kind == 1) {
      const c = scale / Sk;
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        store<f64>(ok + o, c * sgn(load<f64>(ak + o)) * (load<f64>(wk + o) - nw));
      }
    } else if (kind == 2) {
      const c = (2.0 * scale) / Sk;
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        store<f64>(ok + o, c * load<f64>(ak + o) * (load<f64>(wk + o) - nw));
      }
    } else if (kind == 4) {
      const c = scale / Sk;
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        store<f64>(ok + o, load<f64>(ak + o) > 0 ? c * (load<f64>(wk + o) - nw) : 0.0);
      }
    } else {
      const c = scale / Sk;
      for (let q = 0; q < n; q++) {
        const o = <usize>q << 3;
        store<f64>(ok + o, c * (load<f64>(wk + o) - nw));
      }
    }
  }
}
