import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solve } from '../../src/integrators/solve.js';
import { KERNEL_NORM, KERNEL_RHS } from '../../src/integrators/full-state-stages.js';
import type { Rhs } from '../../src/integrators/types.js';
import { resolveProblem } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { reducedFlow } from '../../src/models/reduced-flow.js';
import { wasmKernels } from '../../src/wasm/kernels.js';

// The stage evaluator runs an RHS that carries a KernelRhs (the reduced softmax RHS) on its own
// kernel instance, without copies: the solution must be the one of the same RHS without the hook,
// bit for bit (states, times, step and evaluation counts).
const bits = (x: Float64Array): string => Array.from(new Uint32Array(x.buffer, x.byteOffset, 2 * x.length)).join(',');

for (const [label, o] of [
  ['K = 1, 16×64', { loss: 'logistic', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0 }],
  ['K = 3, 4×9', { loss: 'logistic', d: 4, n: 9, samples: 3, seed: 2, vScale: 0.5, aScale: 0.5 }],
] as const) {
  for (const method of ['dop853', 'dopri5', 'rk4'] as const) {
    test(`KernelRhs: same solution with and without the hook (${label}, ${method})`, () => {
      const R = reducedFlow(resolveProblem(randomProblem(o)));
      assert.equal(typeof (R.rhs as unknown as Record<symbol, unknown>)[KERNEL_RHS], 'object', 'the softmax reduced RHS carries a KernelRhs');
      const plain: Rhs = (t, y, dy) => R.rhs(t, y, dy);
      const opts = { method, rtol: 1e-9, atol: 1e-11, dt: method === 'rk4' ? 0.5 : undefined, saveAt: [0, 3, 20] };
      const a = solve(R.rhs, R.y0, 0, 20, opts);
      const b = solve(plain, R.y0, 0, 20, opts);
      R.release();
      assert.deepStrictEqual(a.t, b.t);
      assert.deepStrictEqual(a.y.map(bits), b.y.map(bits));
      assert.equal(bits(a.yEnd), bits(b.yEnd));
      assert.equal(a.stats.steps, b.stats.steps);
      assert.equal(a.stats.rhsEvals, b.stats.rhsEvals);
      assert.equal(a.stats.rejected, b.stats.rejected);
      if (wasmKernels() !== undefined) assert.ok(a.stats.steps > 1);
    });
  }
}

// Likewise an ErrorNorm that carries a KernelNorm (the reduced flow's full-state norm), with a
// scalar atol (one number over the V block) and a vector one.
for (const method of ['dop853', 'dopri5'] as const) {
  for (const uniform of [true, false]) {
    test(`KernelNorm: same solution with and without the hook (${method}, ${uniform ? 'uniform' : 'vector'} atol)`, () => {
      const P = resolveProblem(randomProblem({ loss: 'logistic', d: 6, n: 10, samples: 2, seed: 4, vScale: 0.3, aScale: 0.5 }));
      const R = reducedFlow(P);
      const full = P.d * P.n + P.K * P.n;
      const atol = uniform ? new Float64Array(full).fill(1e-10) : Float64Array.from({ length: full }, (_, i) => 1e-10 * (1 + (i % 7)));
      const norm = R.errorNorm(atol, 1e-8);
      assert.equal(typeof (norm as unknown as Record<symbol, unknown>)[KERNEL_NORM], 'object', 'the reduced norm carries a KernelNorm');
      const plainNorm = { size: norm.size, sums: norm.sums };
      const plain: Rhs = (t, y, dy) => R.rhs(t, y, dy);
      const run = (rhs: Rhs, errorNorm: typeof norm) => solve(rhs, R.y0, 0, 50, { method, rtol: 1e-8, atol: 0, dt0: 0.01, saveAt: [0, 5, 50], errorNorm });
      const a = run(R.rhs, norm);
      const b = run(plain, plainNorm);
      R.release();
      assert.deepStrictEqual(a.t, b.t);
      assert.deepStrictEqual(a.y.map(bits), b.y.map(bits));
      assert.equal(a.stats.steps, b.stats.steps);
      assert.equal(a.stats.rejected, b.stats.rejected);
      assert.equal(a.stats.rhsEvals, b.stats.rhsEvals);
      if (wasmKernels() !== undefined) assert.ok(a.stats.steps > 3);
    });
  }
}
