/**
 * The reduced (u, a) flow (theory VS-6) against the full [V, a] flow: at lifted states the reduced
 * derivative is the full derivative's image (u̇ = V̇ᵀβ, same ȧ), the lift is exact at t = 0, the
 * lifted V̇ direction is β, and the error-norm hook equals the full state's scaled RMS sums for
 * the lifted error. Logistic, K = 1 and K = 3, every normalisation, frozen blocks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/tolerance.js';
import { resolveProblem } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { NORMALIZATIONS } from '../../src/models/normalizations.js';
import { reducedApplies, reducedFlow } from '../../src/models/reduced-flow.js';
import { valueSoftmaxRhs, type FrozenBlock } from '../../src/models/value-softmax.js';
import { Rng } from '../../src/core/rng.js';

function perturbed(r: Float64Array, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from(r, (v) => v + 0.3 * rng.normal());
}

test('reducedApplies: logistic with β ≠ 0 only', () => {
  assert.equal(reducedApplies(resolveProblem(randomProblem({ loss: 'logistic', d: 3, n: 4, seed: 1 }))), true);
  assert.equal(reducedApplies(resolveProblem({ loss: 'logistic', V: [[1, 0]], a: [0, 0], beta: [0] })), false);
  for (const loss of ['square', 'regression', 'cross-entropy'] as const) assert.equal(reducedApplies(resolveProblem(randomProblem({ loss, d: 3, n: 4, seed: 1 }))), false);
});

for (const normalization of NORMALIZATIONS) {
  for (const K of [1, 3]) {
    for (const freeze of [[], ['a'], ['V']] as FrozenBlock[][]) {
      test(`VS-6: reduced RHS is the image of the full RHS (${normalization}, K = ${K}, freeze [${freeze.join(',')}])`, () => {
        const P = resolveProblem(randomProblem({ loss: 'logistic', d: 5, n: 6, samples: K, seed: 7, normalization }));
        const R = reducedFlow(P, freeze);
        const F = valueSoftmaxRhs(P, { freeze });
        const { d, n } = P;
        const full0 = R.lift(R.y0, new Float64Array(F.layout.size));
        assert.deepEqual(Array.from(full0), Array.from(F.y0), 'lift(y0) is the full y0 bit for bit');
        const r = perturbed(R.y0, 11);
        // Keep non-softmax normalisations defined: logits away from the problem's start only a bit.
        for (let q = n; q < r.length; q++) r[q] = R.y0[q]! + 0.01 * (r[q]! - R.y0[q]!);
        const y = R.lift(r, new Float64Array(F.layout.size));
        const dr = new Float64Array(R.size);
        const dy = new Float64Array(F.layout.size);
        R.rhs(0, r, dr);
        F.rhs(0, y, dy);
        const beta = P.beta!;
        const uDot = new Float64Array(n);
        for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) uDot[j] += beta[i]! * dy[i * n + j]!;
        const scale = Math.max(...Array.from(dy, Math.abs), 1e-300);
        assertClose(dr.subarray(0, n), uDot, { atol: 1e-13 * scale, label: 'u̇ = V̇ᵀβ' });
        assertClose(dr.subarray(n), dy.subarray(d * n), { atol: 1e-13 * scale, label: 'ȧ' });
        // V̇ = β̂ u̇ᵀ: the full V̇ is rank one along β.
        let b2 = 0;
        for (let i = 0; i < d; i++) b2 += beta[i]! * beta[i]!;
        const vDot = new Float64Array(d * n);
        for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) vDot[i * n + j] = (beta[i]! / b2) * dr[j]!;
        assertClose(vDot, dy.subarray(0, d * n), { atol: 1e-13 * scale, label: 'V̇ = β̂ u̇ᵀ' });
      });
    }
  }
}

test('error-norm hook: the full state scaled sums of the lifted error (scalar and vector atol)', () => {
  const P = resolveProblem(randomProblem({ loss: 'logistic', d: 7, n: 9, samples: 2, seed: 3 }));
  const R = reducedFlow(P);
  const N = P.d * P.n + P.K * P.n;
  const y = perturbed(R.y0, 1);
  const yNew = perturbed(R.y0, 2);
  const e1 = perturbed(new Float64Array(R.size), 3).map((v) => v * 1e-6);
  const e2 = perturbed(new Float64Array(R.size), 4).map((v) => v * 1e-7);
  const Y = R.lift(y, new Float64Array(N));
  const YN = R.lift(yNew, new Float64Array(N));
  const b2 = P.beta!.reduce((s, b) => s + b * b, 0);
  const liftE = (e: Float64Array): Float64Array => {
    const E = new Float64Array(N);
    for (let i = 0; i < P.d; i++) for (let j = 0; j < P.n; j++) E[i * P.n + j] = (P.beta![i]! / b2) * e[j]!;
    E.set(e.subarray(P.n), P.d * P.n);
    return E;
  };
  const E1 = liftE(e1);
  const E2 = liftE(e2);
  const rng = new Rng(5);
  for (const atol of [new Float64Array(N).fill(1e-9), Float64Array.from({ length: N }, () => 1e-9 * (1 + rng.uniform()))]) {
    const rtol = 1e-7;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const sc = atol[i]! + rtol * Math.max(Math.abs(Y[i]!), Math.abs(YN[i]!));
      s1 += (E1[i]! / sc) ** 2;
      s2 += (E2[i]! / sc) ** 2;
    }
    const hook = R.errorNorm(atol, rtol);
    assert.equal(hook.size, N);
    const out = new Float64Array(2);
    hook.sums(y, yNew, e1, e2, out);
    assertClose(out[0]!, s1, { rtol: 1e-12, label: 's1 (two estimators)' });
    assertClose(out[1]!, s2, { rtol: 1e-12, label: 's2' });
    hook.sums(y, yNew, e1, undefined, out);
    assertClose(out[0]!, s1, { rtol: 1e-12, label: 's1 (one estimator)' });
  }
});
