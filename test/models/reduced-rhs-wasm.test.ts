/**
 * The reduced flow's softmax RHS as the WebAssembly SIMD kernel reducedSoftmaxRhs (reduced-flow.ts
 * `rhs`, nothing frozen) against its TypeScript branch: the same bits for K = 1, 2, 5, odd and
 * even n, states with large and tiny logits; switching the kernels off between calls of one flow
 * takes the TypeScript branch with the same bits; a frozen block keeps the TypeScript branch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { resolveProblem } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { reducedFlow } from '../../src/models/reduced-flow.js';
import { wasmKernels } from '../../src/wasm/kernels.js';
import { withoutKernels } from '../helpers/kernels.js';

function sameBits(got: Float64Array, want: Float64Array, label: string): void {
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${label}, index ${i}: kernel ${got[i]} vs TypeScript ${want[i]}`);
}

test('reducedSoftmaxRhs equals the TypeScript RHS bit for bit (K = 1, 2, 5; n odd and even; kernels switched per call)', { skip: wasmKernels() === undefined && 'no WebAssembly SIMD' }, () => {
  const rng = new Rng(77);
  let checked = 0;
  for (const [d, n, K] of [[3, 5, 1], [4, 8, 1], [6, 7, 2], [2, 16, 5], [5, 1, 3]] as const) {
    const P = resolveProblem(randomProblem({ loss: 'logistic', d, n, samples: K, seed: d + n + K }));
    const R = reducedFlow(P);
    const size = n * (1 + K);
    for (let round = 0; round < 6; round++) {
      const scale = [1e-3, 1, 30, 700][round % 4]!;
      // u moderate, logits from tiny to near exp's range (the max shift keeps e^x finite).
      const r = Float64Array.from({ length: size }, (_, i) => (i < n ? 1 : scale) * rng.normal());
      const on = new Float64Array(size);
      const off = new Float64Array(size);
      // One flow, kernels on and off alternately: each call picks its path.
      R.rhs(0, r, on);
      withoutKernels(() => R.rhs(0, r, off));
      sameBits(on, off, `${d}×${n}, K = ${K}, scale ${scale}`);
      assert.ok(on.some((v) => v !== 0), 'a nonzero derivative');
      checked++;
    }
  }
  assert.equal(checked, 30);
});

test('with a frozen block the reduced RHS keeps the TypeScript branch (same numbers on and off)', () => {
  const P = resolveProblem(randomProblem({ loss: 'logistic', d: 3, n: 6, samples: 2, seed: 4 }));
  for (const freeze of [['a'], ['V']] as const) {
    const R = reducedFlow(P, freeze);
    const r = Float64Array.from({ length: 18 }, (_, i) => Math.sin(i));
    const on = new Float64Array(18);
    const off = new Float64Array(18);
    R.rhs(0, r, on);
    withoutKernels(() => R.rhs(0, r, off));
    sameBits(on, off, `freeze ${freeze[0]}`);
  }
});
