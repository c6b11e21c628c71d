/**
 * The value-softmax flow (theory/value-softmax.md): analytic gradients against central finite
 * differences for every loss × normalisation × {K = 1, 2} (VS-2, VS-3, VS-5; VS-LOG/SQ/REG/CE), the
 * closed forms VS-11 and VS-12 with a frozen, Σa conservation (VS-8) and loss monotonicity
 * along the flow. Integrated here with a classical RK4 loop written in this file, independent of
 * src/integrators.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/tolerance.js';
import { LOSSES, resolveProblem, type Problem } from '../../src/models/problem.js';
import { NORMALIZATIONS } from '../../src/models/normalizations.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { softmax } from '../../src/core/softmax.js';
import type { Rhs } from '../../src/integrators/types.js';

/** Classical RK4 with fixed step h from 0 to T; calls `each(t, y)` after every step. */
function rk4(rhs: Rhs, y0: Float64Array, T: number, h: number, each?: (t: number, y: Float64Array) => void): Float64Array {
  const y = Float64Array.from(y0);
  const N = y.length;
  const k1 = new Float64Array(N), k2 = new Float64Array(N), k3 = new Float64Array(N), k4 = new Float64Array(N), tmp = new Float64Array(N);
  const steps = Math.round(T / h);
  for (let s = 0; s < steps; s++) {
    const t = s * h;
    rhs(t, y, k1);
    for (let i = 0; i < N; i++) tmp[i] = y[i]! + 0.5 * h * k1[i]!;
    rhs(t + h / 2, tmp, k2);
    for (let i = 0; i < N; i++) tmp[i] = y[i]! + 0.5 * h * k2[i]!;
    rhs(t + h / 2, tmp, k3);
    for (let i = 0; i < N; i++) tmp[i] = y[i]! + h * k3[i]!;
    rhs(t + h, tmp, k4);
    for (let i = 0; i < N; i++) y[i] = y[i]! + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
    each?.(t + h, y);
  }
  return y;
}

test('analytic gradient = central finite differences, every loss × normalisation × K ∈ {1, 2}', () => {
  let cases = 0;
  for (const loss of LOSSES) {
    for (const normalization of NORMALIZATIONS) {
      for (const samples of [1, 2]) {
        const spec = randomProblem({ loss, normalization, samples, d: 3, n: 4, seed: 5 + samples, vScale: 1, aScale: 0.5 });
        const P = resolveProblem(spec);
        const flow = valueSoftmaxRhs(P);
        const y = Float64Array.from(flow.y0);
        const g = new Float64Array(y.length);
        flow.negGradient(y, g);
        // Central differences: truncation ~h²·|L'''| ≈ 1e-12, rounding ~ε|L|/h ≈ 1e-10; the
        // tolerance 1e-6 relative (+1e-7 absolute, scaled by ‖∇L‖∞) leaves margin yet catches
        // any wrong term (those are O(1) relative).
        let gmax = 0;
        for (const v of g) gmax = Math.max(gmax, Math.abs(v));
        const fd = new Float64Array(y.length);
        for (let q = 0; q < y.length; q++) {
          const h = 1e-6 * Math.max(1, Math.abs(y[q]!));
          const keep = y[q]!;
          y[q] = keep + h;
          const lp = flow.loss(y);
          y[q] = keep - h;
          const lm = flow.loss(y);
          y[q] = keep;
          fd[q] = -(lp - lm) / (2 * h);
        }
        assertClose(g, fd, { rtol: 1e-6, atol: 1e-7 * Math.max(1, gmax), label: `${loss}/${normalization}/K=${samples}` });
        cases++;
      }
    }
  }
  assert.equal(cases, 48);
});

test('RHS equals −∇L; freezing zeroes exactly the frozen block', () => {
  const P = resolveProblem(randomProblem({ loss: 'square', d: 2, n: 3, samples: 2, seed: 3, aScale: 1 }));
  const full = valueSoftmaxRhs(P);
  const dyFull = new Float64Array(full.layout.size);
  full.rhs(0, full.y0, dyFull);
  const g = new Float64Array(full.layout.size);
  full.negGradient(full.y0, g);
  assert.deepEqual(Array.from(dyFull), Array.from(g));
  const fa = valueSoftmaxRhs(P, { freeze: ['a'] });
  const dy = new Float64Array(fa.layout.size);
  fa.rhs(0, fa.y0, dy);
  assert.deepEqual(Array.from(dy.subarray(0, 6)), Array.from(g.subarray(0, 6)));
  assert.ok(dy.subarray(6).every((v) => v === 0));
  for (const bad of [['b'], 'a', [1]]) {
    assert.throws(() => valueSoftmaxRhs(P, { freeze: bad as never }), (e: Error & { option?: string }) => /^freeze/.test(e.option ?? ''));
  }
});

test('VS-11: square loss, a frozen: f(t) − y = e^{−‖σ‖²t}(f₀ − y)', () => {
  const P = resolveProblem(randomProblem({ loss: 'square', d: 3, n: 5, seed: 2, vScale: 1, aScale: 1 }));
  const flow = valueSoftmaxRhs(P, { freeze: ['a'] });
  const sig = new Float64Array(P.n);
  softmax(P.a, sig);
  const s2 = sig.reduce((x, v) => x + v * v, 0);
  const f = (y: Float64Array): Float64Array => {
    const out = new Float64Array(P.d);
    for (let i = 0; i < P.d; i++) for (let j = 0; j < P.n; j++) out[i] += y[i * P.n + j]! * sig[j]!;
    return out;
  };
  const f0 = f(flow.y0);
  const T = 3;
  const yT = rk4(flow.rhs, flow.y0, T, 1e-3);
  const expected = f0.map((v, i) => P.y![i]! + Math.exp(-s2 * T) * (v - P.y![i]!));
  // RK4 at h = 1e-3 on a linear decay of rate ‖σ‖² ≤ 1: global error ~(h·rate)⁴/120 · T ≈ 1e-14.
  assertClose(f(yT), expected, { rtol: 1e-11, atol: 1e-12, label: 'f(T)' });
});

test('VS-12: scalar logistic, a frozen: z + e^z − ‖β‖²‖σ‖²t is constant', () => {
  const P = resolveProblem({ loss: 'logistic', V: [[0.3, -0.2, 0.1], [0.5, 0.0, -0.4]], a: [0.2, -1, 0.7], beta: [2, -1] });
  const flow = valueSoftmaxRhs(P, { freeze: ['a'] });
  const sig = new Float64Array(3);
  softmax(P.a, sig);
  const rate = 5 * sig.reduce((x, v) => x + v * v, 0);
  const z = (y: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) s += P.beta![i]! * y[i * 3 + j]! * sig[j]!;
    return s;
  };
  const z0 = z(flow.y0);
  const c0 = z0 + Math.exp(z0);
  let checked = 0;
  rk4(flow.rhs, flow.y0, 20, 1e-2, (t, y) => {
    if (Math.abs(t - Math.round(t)) < 1e-9) {
      const zt = z(y);
      // smooth, slowly varying ż ≤ rate ≈ 2: RK4 error at h = 1e-2 is ≲ 1e-10 over t = 20.
      assertClose(zt + Math.exp(zt) - rate * t, c0, { rtol: 1e-9, label: `t=${t}` });
      checked++;
    }
  });
  assert.equal(checked, 20);
});

test('VS-8: Σ_i a_ki conserved per sample (softmax, every loss, K = 1 and 2); loss non-increasing', () => {
  for (const loss of LOSSES) {
    for (const samples of [1, 2]) {
      const P: Problem = resolveProblem(randomProblem({ loss, samples, d: 4, n: 6, seed: 9, vScale: 1, aScale: 1 }));
      const flow = valueSoftmaxRhs(P);
      const sums = (y: Float64Array): number[] =>
        Array.from({ length: P.K }, (_, k) => y.subarray(flow.layout.aOffset + k * P.n, flow.layout.aOffset + (k + 1) * P.n).reduce((x, v) => x + v, 0));
      const norm = (y: Float64Array): number => y.subarray(flow.layout.aOffset).reduce((x, v) => Math.max(x, Math.abs(v)), 0);
      const s0 = sums(flow.y0);
      let prev = flow.loss(flow.y0);
      rk4(flow.rhs, flow.y0, 4, 1e-2, (t, y) => {
        // Each RK stage has Σȧ = 0 up to rounding, so the drift is rounding only: ≤ 1e-12·‖a‖∞.
        assertClose(sums(y), s0, { rtol: 1e-12, atol: 1e-12 * Math.max(1, norm(y)), label: `${loss}/K=${samples} Σa at t=${t.toFixed(2)}` });
        const l = flow.loss(y);
        // Gradient flow: dL/dt = −‖∇L‖² ≤ 0; RK4 at h = 1e-2 keeps the decrease (allow 1e-14 rounding).
        assert.ok(l <= prev + 1e-14 * Math.abs(prev), `${loss}/K=${samples}: loss rose from ${prev} to ${l} at t=${t}`);
        prev = l;
      });
    }
  }
});

test('VS-6: scalar loss moves V only along β; u̇ = w‖β‖²σ', () => {
  const P = resolveProblem(randomProblem({ loss: 'logistic', d: 4, n: 5, seed: 8, vScale: 0.5, aScale: 0.5 }));
  const flow = valueSoftmaxRhs(P);
  const beta = P.beta!;
  const b2 = beta.reduce((s, v) => s + v * v, 0);
  const u = (y: Float64Array): number[] => Array.from({ length: 5 }, (_, j) => beta.reduce((s, bi, i) => s + bi * y[i * 5 + j]!, 0));
  const u0 = u(flow.y0);
  const yT = rk4(flow.rhs, flow.y0, 5, 1e-2);
  const uT = u(yT);
  // V(T) = V(0) + β(u(T) − u(0))ᵀ/‖β‖²: rounding-level identity (1e-12 absolute on O(1) entries).
  const expected = Array.from({ length: 20 }, (_, q) => flow.y0[q]! + (beta[Math.floor(q / 5)]! * (uT[q % 5]! - u0[q % 5]!)) / b2);
  assertClose(yT.subarray(0, 20), expected, { atol: 1e-12, label: 'V(T)' });
});

test('VS-9: d/dt(a_i − ½‖v_i‖²) = σ_i⟨g, f⟩ and d/dt ½‖V‖² = −⟨g, f⟩ (square loss, at random states)', () => {
  const P = resolveProblem(randomProblem({ loss: 'square', d: 3, n: 4, seed: 12, vScale: 1, aScale: 1 }));
  const flow = valueSoftmaxRhs(P);
  const y = flow.y0;
  const dy = new Float64Array(y.length);
  flow.rhs(0, y, dy);
  const sig = new Float64Array(4);
  softmax(P.a, sig);
  const f = [0, 1, 2].map((i) => [0, 1, 2, 3].reduce((s, j) => s + y[i * 4 + j]! * sig[j]!, 0));
  const gf = f.reduce((s, fi, i) => s + (fi - P.y![i]!) * fi, 0);
  for (let j = 0; j < 4; j++) {
    let dv = 0;
    for (let i = 0; i < 3; i++) dv += y[i * 4 + j]! * dy[i * 4 + j]!;
    // exact identity of the RHS: rounding only (1e-13 on O(1) terms)
    assertClose(dy[12 + j]! - dv, sig[j]! * gf, { atol: 1e-13, label: `VS-9 i=${j}` });
  }
  let dV = 0;
  for (let q = 0; q < 12; q++) dV += y[q]! * dy[q]!;
  assertClose(dV, -gf, { atol: 1e-13, label: 'd/dt ½‖V‖²' });
});

test('VS-10: n = 2, E = Δ²/(2‖β‖²) − cosh δ is conserved (logistic)', () => {
  const P = resolveProblem({ loss: 'logistic', V: [[0.3, -0.1], [0.2, 0.4], [-0.5, 0.1]], a: [0.4, -0.2], beta: [1, 2, -1] });
  const flow = valueSoftmaxRhs(P);
  const b2 = 6;
  const E = (y: Float64Array): number => {
    let D = 0;
    for (let i = 0; i < 3; i++) D += P.beta![i]! * (y[i * 2]! - y[i * 2 + 1]!);
    return (D * D) / (2 * b2) - Math.cosh(y[6]! - y[7]!);
  };
  const E0 = E(flow.y0);
  rk4(flow.rhs, flow.y0, 30, 1e-2, (t, y) => {
    // RK4 at h = 1e-2 on slow, smooth dynamics: invariant drift ≲ 1e-11.
    if (Math.abs(t - Math.round(t)) < 1e-9) assertClose(E(y), E0, { rtol: 1e-9, label: `E at t=${t}` });
  });
});

test('one-sample logistic fast RHS (VS-6 form) equals the generic −∇L, labels ±1', () => {
  for (const seed of [1, 2, 3]) {
    for (const label of [1, -1]) {
      const spec = randomProblem({ loss: 'logistic', d: 5, n: 7, seed, vScale: 1, aScale: 1 });
      const P = resolveProblem({ ...spec, labels: [label] });
      const flow = valueSoftmaxRhs(P);
      const dy = new Float64Array(flow.layout.size);
      flow.rhs(0, flow.y0, dy);
      const g = new Float64Array(flow.layout.size);
      flow.negGradient(flow.y0, g);
      const gmax = g.reduce((x, v) => Math.max(x, Math.abs(v)), 0);
      // same quantity, different summation order: agreement to a few ulps of the largest entry.
      assertClose(dy, g, { rtol: 1e-13, atol: 1e-14 * gmax, label: `seed ${seed} label ${label}` });
    }
  }
});
