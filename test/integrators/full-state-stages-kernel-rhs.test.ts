import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solve } from '../../src/integrators/solve.js';
import { KERNEL_RHS } from '../../src/integrators/full-state-stages.js';
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
