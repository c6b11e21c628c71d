/**
 * The normalisation kernels of the low-rank evaluator (src/wasm/low-rank.ts `normalize` and
 * `normVjp`, AssemblyScript lrNormalize / lrNormVjp): WebAssembly and the TypeScript twins give
 * the same bits for every normalisation code on odd and even n, K = 1..3, with zeros, −0,
 * negative entries and |a| up to 800 (sigmoid underflow); l1, l2sq, relu and sum give
 * models/normalizations.ts's bits (normalize and normalizationVjp, the multi-call path's
 * operations before these kernels); sigmoid gives sigmoidTwin's bits (vsflow's exp) and agrees
 * with normalizations.ts (Math.exp) to 1e-15 relative; softmax gives the stage kernels' sequence
 * (shiftMax, exp, scaleBySum, softmaxVjp) bit for bit; the doc examples give their results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';
import { wasmKernels } from '../../src/wasm/kernels.js';
import { sigmoidTwin } from '../../src/wasm/exp-log.js';
import { lrNormalizeTwin, lrNormVjpTwin, twinLowRankKernels, wasmLowRankKernels, type LowRankKernels, type NormCode } from '../../src/wasm/low-rank.js';
import { normalize, normalizationVjp, type NormalizationName } from '../../src/models/normalizations.js';

const KINDS: { code: NormCode; name: NormalizationName }[] = [
  { code: 0, name: 'softmax' },
  { code: 1, name: 'l1' },
  { code: 2, name: 'l2sq' },
  { code: 3, name: 'sigmoid' },
  { code: 4, name: 'relu' },
  { code: 5, name: 'sum' },
];

const SHAPES: { K: number; n: number }[] = [
  { K: 1, n: 1 },
  { K: 1, n: 2 },
  { K: 2, n: 5 },
  { K: 3, n: 8 },
  { K: 1, n: 64 },
  { K: 2, n: 17 },
];

/** Offsets (f64 slots, even) of one case: a, E, N, S, w, out (K·n each, S: K). */
function layout(K: number, n: number): { a: number; E: number; N: number; S: number; w: number; out: number; end: number } {
  const KN = K * n + ((K * n) % 2);
  const Ks = K + (K % 2);
  return { a: 0, E: KN, N: 2 * KN, S: 3 * KN, w: 3 * KN + Ks, out: 4 * KN + Ks, end: 5 * KN + Ks };
}

/**
 * Seeded logits: sample 0 positive around 1 (so sum, relu, l1 and l2sq are defined), later
 * samples with some zeros, a −0, negative and large entries (each sample keeps a positive
 * entry and a nonzero sum); w uniform in [−1, 1).
 */
function fill(m: Float64Array, K: number, n: number, kind: NormCode, seed: number): void {
  const rng = new Rng(seed);
  const L = layout(K, n);
  for (let k = 0; k < K; k++) {
    for (let q = 0; q < n; q++) {
      let x = k === 0 ? 0.5 + rng.uniform() : 3 * (rng.uniform() * 2 - 1);
      if (k > 0 && q % 5 === 1) x = 0;
      if (k > 0 && q % 7 === 3) x = -0;
      if (k > 0 && q % 6 === 4) x = kind === 3 || kind === 0 ? (q % 4 === 0 ? 800 : -800) : x;
      m[L.a + k * n + q] = x;
    }
    // A clear positive mass so that the normaliser is far from zero.
    m[L.a + k * n + n - 1] = 2 + n;
  }
  for (let q = 0; q < K * n; q++) m[L.w + q] = rng.uniform() * 2 - 1;
}

function runKernels(k: LowRankKernels, m: Float64Array, K: number, n: number, kind: NormCode, scale: number): { N: number[]; S: number[]; J: number[] } {
  const L = layout(K, n);
  k.normalize(L.a, K, n, kind, L.E, L.N, L.S);
  k.normVjp(L.a, L.N, L.S, L.w, K, n, kind, scale, L.out);
  const sl = (o: number, len: number): number[] => Array.from(m.subarray(o, o + len));
  return { N: sl(L.N, K * n), S: kind === 0 ? [] : sl(L.S, K), J: sl(L.out, K * n) };
}

/** Bitwise equality of two arrays (Object.is: −0 and NaN count), naming the first difference. */
function assertBits(actual: number[], expected: number[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}: index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test('low-rank normalisation kernels: WebAssembly = TypeScript twins bit for bit, every kind', { skip: wasmKernels() === undefined ? 'no WebAssembly SIMD' : false }, () => {
  const wk = wasmKernels()!;
  for (const { code, name } of KINDS) {
    SHAPES.forEach(({ K, n }, idx) => {
      const L = layout(K, n);
      const mt = new Float64Array(L.end);
      fill(mt, K, n, code, 10 + idx);
      const a = runKernels(twinLowRankKernels(mt), mt, K, n, code, -1 / K);
      const top = wk.mark();
      try {
        const p = wk.allocF64(L.end);
        const mw = wk.f64(p, L.end);
        fill(mw, K, n, code, 10 + idx);
        const b = runKernels(wasmLowRankKernels(wk.exports, p), mw, K, n, code, -1 / K);
        const label = `${name} K = ${K}, n = ${n}`;
        assertBits(b.N, a.N, `N ${label}`);
        assertBits(b.S, a.S, `S ${label}`);
        assertBits(b.J, a.J, `VJP ${label}`);
        assert.ok(a.N.every(Number.isFinite) && a.J.every(Number.isFinite), `finite ${label}`);
      } finally {
        wk.release(top);
      }
    });
  }
});

test('low-rank normalisation kernels: l1, l2sq, relu, sum give models/normalizations.ts bits; sigmoid sigmoidTwin bits', () => {
  for (const { code, name } of KINDS) {
    if (code === 0) continue;
    SHAPES.forEach(({ K, n }, idx) => {
      const L = layout(K, n);
      const m = new Float64Array(L.end);
      fill(m, K, n, code, 30 + idx);
      const scale = -1 / K;
      const got = runKernels(twinLowRankKernels(m), m, K, n, code, scale);
      const N: number[] = [];
      const S: number[] = [];
      const J: number[] = [];
      for (let k = 0; k < K; k++) {
        const Nk = new Float64Array(n);
        const s = normalize(name, m, L.a + k * n, n, Nk, 0);
        const Jk = new Float64Array(n);
        normalizationVjp(name, m, L.a + k * n, n, Nk, 0, s, m.subarray(L.w + k * n, L.w + (k + 1) * n), 0, Jk, 0, scale);
        N.push(...Nk);
        S.push(s);
        J.push(...Jk);
      }
      const label = `${name} K = ${K}, n = ${n}`;
      if (code !== 3) {
        assertBits(got.N, N, `N ${label}`);
        assertBits(got.S, S, `S ${label}`);
        assertBits(got.J, J, `VJP ${label}`);
        return;
      }
      // Sigmoid: the twin's exp (≤ 2 ulp of Math.exp), so sigmoidTwin's bits and
      // normalizations.ts's values to round-off.
      const a = Array.from(m.subarray(L.a, L.a + K * n));
      assertBits(got.N, a.map(sigmoidTwin), `N = sigmoidTwin ${label}`);
      assertClose(got.N, N, { rtol: 1e-15, atol: 0, label: `N ~ normalize ${label}` });
      assertClose(got.S, S, { rtol: 1e-15, atol: 0, label: `S ~ normalize ${label}` });
      assertClose(got.J, J, { rtol: 1e-14, atol: 1e-300, label: `VJP ~ normalizationVjp ${label}` });
    });
  }
});

test('low-rank normalisation kernels: softmax (code 0) is the stage kernels sequence bit for bit', () => {
  SHAPES.forEach(({ K, n }, idx) => {
    const L = layout(K, n);
    const m = new Float64Array(L.end);
    fill(m, K, n, 0, 50 + idx);
    const k = twinLowRankKernels(m);
    const got = runKernels(k, m, K, n, 0, -0.5);
    const r = new Float64Array(L.end);
    fill(r, K, n, 0, 50 + idx);
    const kr = twinLowRankKernels(r);
    kr.shiftMax(L.a, K, n, L.E);
    kr.exp(L.E, K * n, L.E);
    kr.scaleBySum(L.E, K, n, L.N);
    kr.softmaxVjp(L.N, L.w, K, n, -0.5, L.out);
    assertBits(got.N, Array.from(r.subarray(L.N, L.N + K * n)), `softmax N K = ${K}, n = ${n}`);
    assertBits(got.J, Array.from(r.subarray(L.out, L.out + K * n)), `softmax VJP K = ${K}, n = ${n}`);
  });
});

test('low-rank normalisation kernels: the bit comparison sees one ulp in one logit', () => {
  for (const { code, name } of KINDS) {
    const K = 2;
    const n = 5;
    const L = layout(K, n);
    // The logit changed: 2.7, or −7.3 for sigmoid (where s′/s is near 1, so one ulp of the
    // logit moves s by more than half an ulp of s; at a ≈ 1 it need not).
    const x = code === 3 ? -7.3 : 2.7;
    const m = new Float64Array(L.end);
    fill(m, K, n, code, 70);
    m[L.a + 2] = x;
    const a = runKernels(twinLowRankKernels(m), m, K, n, code, -0.5);
    const m2 = new Float64Array(L.end);
    fill(m2, K, n, code, 70);
    m2[L.a + 2] = x;
    const v = m2[L.a + 2]!;
    m2[L.a + 2] = v + Math.abs(v) * Number.EPSILON;
    assert.notEqual(m2[L.a + 2], v);
    const b = runKernels(twinLowRankKernels(m2), m2, K, n, code, -0.5);
    assert.notDeepEqual(b.N, a.N, `${name}: N`);
  }
});

test('doc examples of the normalisation kernels (src/wasm/low-rank.ts)', () => {
  // lrNormalizeTwin: kind 2 (l2sq), a = [1, 2] at 0, E at 2, N at 4, S at 6.
  const m = new Float64Array([1, 2, 0, 0, 0, 0, 0, 0]);
  lrNormalizeTwin(m, 0, 1, 2, 2, 2, 4, 6);
  assert.deepEqual(Array.from(m.subarray(4, 7)), [0.2, 0.8, 5]);
  // lrNormVjpTwin: kind 5 (sum), a = [1, 3], N = [0.25, 0.75], S = [4], w = [1, 0], scale 1.
  const v = new Float64Array([1, 3, 0.25, 0.75, 4, 0, 1, 0, 0, 0]);
  lrNormVjpTwin(v, 0, 2, 4, 6, 1, 2, 5, 1, 8);
  assert.deepEqual(Array.from(v.subarray(8, 10)), [0.1875, -0.0625]);
});
