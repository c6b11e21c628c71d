/**
 * The low-rank stage kernels (src/wasm/low-rank.ts: forward, backward, fused, fused2, combine, addRows, the
 * softmax's shiftMax/exp/scaleBySum and its VJP): WebAssembly SIMD and the TypeScript twins
 * give the same bits on every blocking edge (d, n, K, R odd and even, below and above the block
 * sizes, per-element and scalar atol, 0 to 9 subtracted terms), both agree with naive sums to
 * 1e-13 relative (the fused pass's E2 = B − T included), a non-finite update gives non-finite
 * error sums, the two-output fused pass (dopri5) gives the three-output pass's update and first
 * sum bit for bit, and the doc examples give their stated results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';
import { wasmKernels } from '../../src/wasm/kernels.js';
import { twinLowRankKernels, wasmLowRankKernels, type LowRankKernels } from '../../src/wasm/low-rank.js';

interface Case {
  d: number;
  n: number;
  K: number;
  R: number;
  /** Subtracted terms of the fused pass's E2 (M ≤ R). */
  M: number;
  atStep: 0 | 1;
}

const CASES: Case[] = [
  { d: 1, n: 1, K: 1, R: 1, M: 1, atStep: 1 },
  { d: 2, n: 3, K: 2, R: 3, M: 0, atStep: 0 },
  { d: 3, n: 2, K: 1, R: 4, M: 2, atStep: 1 },
  { d: 5, n: 9, K: 3, R: 7, M: 3, atStep: 1 },
  { d: 4, n: 8, K: 1, R: 8, M: 3, atStep: 0 },
  { d: 7, n: 17, K: 2, R: 13, M: 5, atStep: 1 },
  { d: 16, n: 64, K: 1, R: 12, M: 1, atStep: 0 },
  { d: 9, n: 31, K: 4, R: 16, M: 9, atStep: 1 },
  { d: 6, n: 14, K: 3, R: 24, M: 9, atStep: 0 },
  { d: 3, n: 27, K: 1, R: 8, M: 3, atStep: 1 },
  { d: 2, n: 44, K: 1, R: 8, M: 3, atStep: 0 },
  // Two-sample passes of the sweeps (K > 1): several four-row blocks, rows left over, an odd K.
  { d: 11, n: 33, K: 5, R: 10, M: 3, atStep: 1 },
  { d: 8, n: 40, K: 2, R: 6, M: 2, atStep: 0 },
];

/** The subtracted terms' indices: spread over the R terms, the last one last. */
const termIndices = ({ R, M }: Case): number[] => Array.from({ length: M }, (_, m) => (m === M - 1 ? R - 1 : Math.floor((m * R) / M)));

/** Workspace layout of one case (offsets in f64 slots, all even). */
function layout({ d, n, K, R, M }: Case): Record<'V' | 'Vn' | 'N' | 'g' | 'f' | 'w' | 'C' | 'Ch' | 'Ti' | 'Cd' | 'Nt' | 'at' | 'out' | 'D' | 'A' | 'Ac' | 'E' | 'P' | 'J' | 'Vn2' | 'out2' | 'end', number> {
  const even = (x: number): number => x + (x % 2);
  let o = 0;
  const at = (len: number): number => {
    const p = o;
    o += even(len);
    return p;
  };
  const L = { V: at(d * n), Vn: at(d * n), N: at(K * n), g: at(K * d), f: at(K * d), w: at(K * n), C: at(d * R * 2), Ch: at(d * M), Ti: at(2 * M), Cd: at(d * R), Nt: at(R * n), at: at(d * n), out: at(2), D: at(d * n), A: at(K * n), Ac: at(K * R), E: at(K * n), P: at(K * n), J: at(K * n), Vn2: at(d * n), out2: at(2), end: 0 };
  L.end = o;
  return L;
}

/** Runs all four kernels on seeded inputs; returns every output. */
function run(c: Case, make: (len: number) => { m: Float64Array; k: LowRankKernels }, seed: number): { f: number[]; w: number[]; Vn: number[]; sums: number[]; Vn2: number[]; sum2: number; D: number[]; A: number[]; P: number[]; J: number[]; m: Float64Array } {
  const L = layout(c);
  const { m, k } = make(L.end);
  const rng = new Rng(seed);
  const { d, n, K, R, M } = c;
  fill(m, c, L, rng);
  k.forward(L.V, L.N, K, d, n, L.f);
  k.backward(L.V, L.g, K, d, n, L.w);
  k.fused(L.V, L.Vn, L.C, L.Nt, R, L.Ch, L.Ti, M, d, n, L.at, c.atStep, 1e-3, L.out);
  // The two-output pass on the same coefficients.
  k.fused2(L.V, L.Vn2, L.C, L.Nt, R, d, n, L.at, c.atStep, 1e-3, L.out2);
  k.combine(L.Cd, L.Nt, R, d, n, L.D);
  k.addRows(L.A, L.Nt, L.Ac, R, K, n);
  // Softmax of the sample rows N (scaled up so that exp matters), then its VJP against w.
  for (let i = 0; i < K * n; i++) m[L.N + i] = 5 * m[L.N + i]!;
  k.shiftMax(L.N, K, n, L.E);
  k.exp(L.E, K * n, L.E);
  k.scaleBySum(L.E, K, n, L.P);
  k.softmaxVjp(L.P, L.w, K, n, -0.5, L.J);
  const sl = (o: number, len: number): number[] => Array.from(m.subarray(o, o + len));
  return { f: sl(L.f, K * d), w: sl(L.w, K * n), Vn: sl(L.Vn, d * n), sums: sl(L.out, 2), Vn2: sl(L.Vn2, d * n), sum2: m[L.out2]!, D: sl(L.D, d * n), A: sl(L.A, K * n), P: sl(L.P, K * n), J: sl(L.J, K * n), m };
}

/** Seeded inputs: uniform in [−1, 1), atol in [1e-3, 1.1e-2), the subtracted terms' indices. */
function fill(m: Float64Array, c: Case, L: ReturnType<typeof layout>, rng: Rng): void {
  for (let i = 0; i < L.end; i++) m[i] = rng.uniform() * 2 - 1;
  for (let i = 0; i < c.d * c.n; i++) m[L.at + i] = 1e-3 + rng.uniform() * 1e-2;
  if (c.atStep === 0) m[L.at + 1] = m[L.at]!;
  m.set(termIndices(c), L.Ti);
}

const twin = (len: number): { m: Float64Array; k: LowRankKernels } => {
  const m = new Float64Array(len);
  return { m, k: twinLowRankKernels(m) };
};

/** A region of the kernels' memory (nothing else allocates until its outputs are read). */
const wasm = (len: number): { m: Float64Array; k: LowRankKernels } => {
  const wk = wasmKernels()!;
  const p = wk.allocF64(len);
  return { m: wk.f64(p, len), k: wasmLowRankKernels(wk.exports, p) };
};

test('low-rank kernels: WebAssembly SIMD and the TypeScript twins give the same bits', { skip: wasmKernels() === undefined ? 'no WebAssembly SIMD' : false }, () => {
  const wk = wasmKernels()!;
  const top = wk.mark();
  try {
    CASES.forEach((c, idx) => {
      const a = run(c, twin, 100 + idx);
      const b = run(c, wasm, 100 + idx);
      const label = JSON.stringify(c);
      assert.deepEqual(b.f, a.f, `forward ${label}`);
      assert.deepEqual(b.w, a.w, `backward ${label}`);
      assert.deepEqual(b.Vn, a.Vn, `fused update ${label}`);
      assert.deepEqual(b.sums, a.sums, `fused sums ${label}`);
      assert.deepEqual(b.Vn2, a.Vn2, `fused2 update ${label}`);
      assert.ok(Object.is(b.sum2, a.sum2), `fused2 sum ${label}: ${b.sum2} vs ${a.sum2}`);
      // The two-output pass = the three-output pass's update and first sum, bit for bit.
      for (const x of [a, b]) {
        assert.deepEqual(x.Vn2, x.Vn, `fused2 = fused update ${label}`);
        assert.ok(Object.is(x.sum2, x.sums[0]), `fused2 = fused s1 ${label}: ${x.sum2} vs ${x.sums[0]}`);
      }
      assert.deepEqual(b.D, a.D, `combine ${label}`);
      assert.deepEqual(b.A, a.A, `addRows ${label}`);
      assert.deepEqual(b.P, a.P, `softmax ${label}`);
      assert.deepEqual(b.J, a.J, `softmax VJP ${label}`);
    });
  } finally {
    wk.release(top);
  }
});

test('low-rank kernel twins match naive sums', () => {
  CASES.forEach((c, idx) => {
    const { d, n, K, R, M } = c;
    const got = run(c, twin, 200 + idx);
    const L = layout(c);
    // Recompute from the inputs, which the kernels leave unchanged (fresh copy with the same seed).
    const m = new Float64Array(L.end);
    fill(m, c, L, new Rng(200 + idx));
    const Ti = termIndices(c);
    const f: number[] = [];
    for (let k = 0; k < K; k++) for (let i = 0; i < d; i++) { let s = 0; for (let q = 0; q < n; q++) s += m[L.V + i * n + q]! * m[L.N + k * n + q]!; f.push(s); }
    const w: number[] = [];
    for (let k = 0; k < K; k++) for (let q = 0; q < n; q++) { let s = 0; for (let i = 0; i < d; i++) s += m[L.V + i * n + q]! * m[L.g + k * d + i]!; w.push(s); }
    const Vn: number[] = [];
    const D: number[] = [];
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < d; i++) {
      for (let q = 0; q < n; q++) {
        let B = 0, P = 0, T = 0, S = 0;
        for (let r = 0; r < R; r++) {
          const y = m[L.Nt + r * n + q]!;
          B += m[L.C + (i * R + r) * 2]! * y;
          P += m[L.C + (i * R + r) * 2 + 1]! * y;
          S += m[L.Cd + i * R + r]! * y;
        }
        for (let t = 0; t < M; t++) T += m[L.Ch + i * M + t]! * m[L.Nt + Ti[t]! * n + q]!;
        const Q = B - T;
        const v = m[L.V + i * n + q]!;
        Vn.push(v + B);
        D.push(S);
        const sc = m[L.at + (i * n + q) * c.atStep]! + 1e-3 * Math.max(Math.abs(v), Math.abs(v + B));
        s1 += (P / sc) ** 2;
        s2 += (Q / sc) ** 2;
      }
    }
    const A: number[] = [];
    for (let k = 0; k < K; k++) for (let q = 0; q < n; q++) { let s = m[L.A + k * n + q]!; for (let r = 0; r < R; r++) s += m[L.Ac + k * R + r]! * m[L.Nt + r * n + q]!; A.push(s); }
    const P: number[] = [];
    const J: number[] = [];
    for (let k = 0; k < K; k++) {
      const a = Array.from({ length: n }, (_, q) => 5 * m[L.N + k * n + q]!);
      const mx = Math.max(...a);
      const e = a.map((x) => Math.exp(x - mx));
      const zs = e.reduce((x, y) => x + y, 0);
      const p = e.map((x) => x / zs);
      P.push(...p);
      const w = got.m.subarray(L.w + k * n, L.w + (k + 1) * n);
      const nw = p.reduce((acc, x, q) => acc + x * w[q]!, 0);
      J.push(...p.map((x, q) => -0.5 * x * (w[q]! - nw)));
    }
    const tol = { rtol: 1e-13, atol: 1e-13 };
    assertClose(got.f, f, { ...tol, label: `forward ${idx}` });
    assertClose(got.w, w, { ...tol, label: `backward ${idx}` });
    assertClose(got.Vn, Vn, { ...tol, label: `update ${idx}` });
    assertClose(got.D, D, { ...tol, label: `combine ${idx}` });
    assertClose(got.A, A, { ...tol, label: `addRows ${idx}` });
    assertClose(got.P, P, { rtol: 1e-14, atol: 1e-16, label: `softmax ${idx}` });
    assertClose(got.J, J, { rtol: 1e-12, atol: 1e-15, label: `softmax VJP ${idx}` });
    assertClose(got.sums, [s1, s2], { rtol: 1e-12, label: `sums ${idx}` });
  });
});

test('low-rank fused kernel: a non-finite update gives non-finite sums (the step is rejected)', { skip: wasmKernels() === undefined ? 'no WebAssembly SIMD' : false }, () => {
  const wk = wasmKernels()!;
  const top = wk.mark();
  for (const make of [twin, wasm]) {
    for (const n of [3, 6, 9]) {
      for (let q = 0; q < n; q++) {
        const c: Case = { d: 2, n, K: 1, R: 1, M: 0, atStep: 0 };
        const L = layout(c);
        const { m, k } = make(L.end);
        for (let i = 0; i < L.end; i++) m[i] = 0.5;
        // The update coefficient of row 1 is NaN, its E1 coefficient stays finite.
        m[L.C + 2] = NaN;
        m[L.Nt + q] = 1;
        k.fused(L.V, L.Vn, L.C, L.Nt, 1, L.Ch, L.Ti, 0, 2, n, L.at, 0, 1e-3, L.out);
        assert.ok(Number.isNaN(m[L.out]!) && Number.isNaN(m[L.out + 1]!), `n = ${n}, q = ${q}: sums ${m[L.out]}, ${m[L.out + 1]}`);
        k.fused2(L.V, L.Vn2, L.C, L.Nt, 1, 2, n, L.at, 0, 1e-3, L.out2);
        assert.ok(Number.isNaN(m[L.out2]!), `fused2, n = ${n}, q = ${q}: sum ${m[L.out2]}`);
      }
    }
  }
  wk.release(top);
});

test('doc examples of src/wasm/low-rank.ts', () => {
  const m = new Float64Array([1, 2, 3, 4, 1, 1, 0, 0]);
  twinLowRankKernels(m).forward(0, 4, 1, 2, 2, 6);
  assert.deepEqual(Array.from(m.subarray(6)), [3, 7]);
  // d = n = 1, R = 1, M = 1: C = [2, 1] at 0, Ch = [1] at 2, Ti = [0] at 3, Nt = [3] at 4,
  // V = [1] at 6, Vn at 8, at = [1] at 10, out at 12.
  const f = new Float64Array(14);
  f.set([2, 1, 1, 0], 0);
  f[4] = 3;
  f[6] = 1;
  f[10] = 1;
  twinLowRankKernels(f).fused(6, 8, 0, 4, 1, 2, 3, 1, 1, 1, 10, 1, 0, 12);
  assert.equal(f[8], 7);
  assert.equal(f[12], 9);
  assert.equal(f[13], 9);
  // fused2: C = [2, 1].
  const g = new Float64Array(14);
  g.set([2, 1], 0);
  g[4] = 3;
  g[6] = 1;
  g[10] = 1;
  twinLowRankKernels(g).fused2(6, 8, 0, 4, 1, 1, 1, 10, 1, 0, 12);
  assert.equal(g[8], 7);
  assert.equal(g[12], 9);
});
