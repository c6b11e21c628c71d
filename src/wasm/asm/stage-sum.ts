// AssemblyScript: the Runge–Kutta stage combinations of the plain stage evaluator
// (src/integrators/full-state-stages.ts), exported from kernels.ts. Twins: `stageSum` and
// `fusedErrorSquares` of src/integrators/stage-sum.ts (same IEEE-754 operations in the same
// order; tested bit for bit in test/wasm/stage-sum.test.ts).
//
// A row of a tableau is m nonzero terms: `idx` (i32[m], stage numbers) and `coef` (f64[m]). The
// stage vectors are found through `kTab` (u32[stages], the byte offset of each stage vector), so
// the evaluator's FSAL hand-over (stage s becomes stage 0) swaps two table entries instead of
// moving data. `res` is scratch for m u32 (the row's vectors, resolved once per call).
// Every sum over terms runs left to right, one chain per element (lanes are elements), so each
// element is the scalar expression base + h·(((c_0k_0 + c_1k_1) + c_2k_2) + …).

@inline function splat2(x: f64): v128 {
  return f64x2.splat(x);
}

/** res[q] = kTab[idx[q]], q < m. */
@inline function resolveRow(idx: usize, m: i32, kTab: usize, res: usize): void {
  for (let q = 0; q < m; q++) store<u32>(res + (<usize>q << 2), load<u32>(kTab + (<usize>load<i32>(idx + (<usize>q << 2)) << 2)));
}

/**
 * out[i] = base[i] + h·Σ_{q<m} coef[q]·K_{idx[q]}[i] for i < n, the sum left to right (m ≥ 1);
 * out must not alias base or a stage vector of the row.
 */
export function rkStageSum(out: usize, base: usize, h: f64, idx: usize, coef: usize, m: i32, kTab: usize, res: usize, n: i32): void {
  resolveRow(idx, m, kTab, res);
  const hv = splat2(h);
  const p0 = <usize>load<u32>(res);
  const c0 = splat2(load<f64>(coef));
  let i = 0;
  // Eight elements per pass over the terms: four independent add chains.
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 3;
    let a0 = f64x2.mul(c0, v128.load(p0 + o));
    let a1 = f64x2.mul(c0, v128.load(p0 + o + 16));
    let a2 = f64x2.mul(c0, v128.load(p0 + o + 32));
    let a3 = f64x2.mul(c0, v128.load(p0 + o + 48));
    for (let q = 1; q < m; q++) {
      const p = <usize>load<u32>(res + (<usize>q << 2)) + o;
      const c = splat2(load<f64>(coef + (<usize>q << 3)));
      a0 = f64x2.add(a0, f64x2.mul(c, v128.load(p)));
      a1 = f64x2.add(a1, f64x2.mul(c, v128.load(p + 16)));
      a2 = f64x2.add(a2, f64x2.mul(c, v128.load(p + 32)));
      a3 = f64x2.add(a3, f64x2.mul(c, v128.load(p + 48)));
    }
    v128.store(out + o, f64x2.add(v128.load(base + o), f64x2.mul(hv, a0)));
    v128.store(out + o + 16, f64x2.add(v128.load(base + o + 16), f64x2.mul(hv, a1)));
    v128.store(out + o + 32, f64x2.add(v128.load(base + o + 32), f64x2.mul(hv, a2)));
    v128.store(out + o + 48, f64x2.add(v128.load(base + o + 48), f64x2.mul(hv, a3)));
  }
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    let a = f64x2.mul(c0, v128.load(p0 + o));
    for (let q = 1; q < m; q++) a = f64x2.add(a, f64x2.mul(splat2(load<f64>(coef + (<usize>q << 3))), v128.load(<usize>load<u32>(res + (<usize>q << 2)) + o)));
    v128.store(out + o, f64x2.add(v128.load(base + o), f64x2.mul(hv, a)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    let a = load<f64>(coef) * load<f64>(p0 + o);
    for (let q = 1; q < m; q++) a += load<f64>(coef + (<usize>q << 3)) * load<f64>(<usize>load<u32>(res + (<usize>q << 2)) + o);
    store<f64>(out + o, load<f64>(base + o) + h * a);
  }
}

/**
 * The built-in error norm's sums fused with the last error sum: with
 * sc_i = atol[i] + rtol·max(|y_i|, |yNew_i|) and r_i = (eh·Σ_q coef[q]·K_{idx[q]}[i]) / sc_i,
 * out[0] = Σ_i r_i², out[1] = Σ_i (e2[i]/sc_i)² (0 when hasE2 is 0), each accumulated in
 * increasing i in one scalar chain (the twin's order; lanes only compute the terms).
 */
export function rkErrorSquares(y: usize, yNew: usize, atol: usize, rtol: f64, eh: f64, idx: usize, coef: usize, m: i32, kTab: usize, res: usize, e2: usize, hasE2: i32, n: i32, out: usize): void {
  resolveRow(idx, m, kTab, res);
  const ehv = splat2(eh);
  const rtv = splat2(rtol);
  const p0 = <usize>load<u32>(res);
  const c0 = splat2(load<f64>(coef));
  let s1 = 0.0;
  let s2 = 0.0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    let a = f64x2.mul(c0, v128.load(p0 + o));
    for (let q = 1; q < m; q++) a = f64x2.add(a, f64x2.mul(splat2(load<f64>(coef + (<usize>q << 3))), v128.load(<usize>load<u32>(res + (<usize>q << 2)) + o)));
    const sc = f64x2.add(v128.load(atol + o), f64x2.mul(rtv, f64x2.max(f64x2.abs(v128.load(y + o)), f64x2.abs(v128.load(yNew + o)))));
    const r = f64x2.div(f64x2.mul(ehv, a), sc);
    const rr = f64x2.mul(r, r);
    s1 += f64x2.extract_lane(rr, 0);
    s1 += f64x2.extract_lane(rr, 1);
    if (hasE2) {
      const r2 = f64x2.div(v128.load(e2 + o), sc);
      const qq = f64x2.mul(r2, r2);
      s2 += f64x2.extract_lane(qq, 0);
      s2 += f64x2.extract_lane(qq, 1);
    }
  }
  if (i < n) {
    const o = <usize>i << 3;
    let a = load<f64>(coef) * load<f64>(p0 + o);
    for (let q = 1; q < m; q++) a += load<f64>(coef + (<usize>q << 3)) * load<f64>(<usize>load<u32>(res + (<usize>q << 2)) + o);
    const sc = load<f64>(atol + o) + rtol * Math.max(Math.abs(load<f64>(y + o)), Math.abs(load<f64>(yNew + o)));
    const r = (eh * a) / sc;
    s1 += r * r;
    if (hasE2) {
      const r2 = load<f64>(e2 + o) / sc;
      s2 += r2 * r2;
    }
  }
  store<f64>(out, s1);
  store<f64>(out + 8, s2);
}

/** Σ_{i<n} x[i] in increasing i from 0 (the fixed-step tableaus' finiteness test). */
export function sumInOrder(x: usize, n: i32): f64 {
  let s = 0.0;
  for (let i = 0; i < n; i++) s += load<f64>(x + (<usize>i << 3));
  return s;
}
