/**
 * The reduced flow's full-state error norm (reduced-flow.ts errorNorm) in WebAssembly SIMD
 * (reducedErrorNorm: u differences, the V block of reducedErrorSums, the logit blocks) against
 * the TypeScript loops it replaces: the same bits for scalar and per-entry atol, odd and even n,
 * one and two estimators, four norms used alternately (each keeps its own kernel instance), and
 * a whole dop853 simulate with and without the kernels giving identical records and step counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { resolveProblem } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { reducedFlow } from '../../src/models/reduced-flow.js';
import { simulate } from '../../src/experiments/simulate.js';
import { setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';

function sumsBoth(on: boolean): number[] {
  setWasmKernelsEnabled(on);
  try {
    const rng = new Rng(31);
    const flows = [[3, 7, 2], [6, 10, 1]].map(([d, n, K]) => ({ R: reducedFlow(resolveProblem(randomProblem({ loss: 'logistic', d: d!, n: n!, samples: K!, seed: d! + n! }))), N: d! * n! + K! * n!, m: n! * (1 + K!) }));
    const hooks = flows.flatMap(({ R, N }) => [R.errorNorm(new Float64Array(N).fill(1e-9), 1e-7), R.errorNorm(Float64Array.from({ length: N }, () => 1e-9 * (1 + rng.uniform())), 1e-6)]);
    const res: number[] = [];
    const out = new Float64Array(2);
    for (let round = 0; round < 3; round++) {
      for (let h = 0; h < hooks.length; h++) {
        const m = flows[h >> 1]!.m;
        const v = (): Float64Array => Float64Array.from({ length: m }, () => rng.uniform() * 2 - 1);
        const y = v();
        const yNew = v();
        const e1 = v().map((x) => x * 1e-6);
        const e2 = v().map((x) => x * 1e-7);
        hooks[h]!.sums(y, yNew, e1, e2, out);
        res.push(out[0]!, out[1]!);
        hooks[h]!.sums(y, yNew, e1, undefined, out);
        res.push(out[0]!, out[1]!);
      }
    }
    return res;
  } finally {
    setWasmKernelsEnabled(true);
  }
}

test('reduced error norm: WebAssembly (reducedErrorNorm) equals the TypeScript loops bit for bit (four norms used alternately)', () => {
  assert.ok(wasmKernels());
  assert.deepEqual(sumsBoth(true), sumsBoth(false));
});

test('a dop853 reduced-formulation simulate is identical with and without the kernels', () => {
  const spec = randomProblem({ loss: 'logistic', d: 9, n: 13, samples: 2, seed: 4 });
  const o = { method: 'dop853', tEnd: 200, saveAt: [0, 1, 10, 100, 200], rtol: 1e-9, atol: 1e-11, formulation: 'reduced' } as const;
  setWasmKernelsEnabled(true);
  const a = simulate(spec, o);
  setWasmKernelsEnabled(false);
  const b = simulate(spec, o);
  setWasmKernelsEnabled(true);
  assert.equal(a.config.formulation, 'reduced');
  assert.deepEqual({ ...a.stats, wallTimeMs: 0 }, { ...b.stats, wallTimeMs: 0 });
  assert.deepEqual(a.records, b.records);
  assert.deepEqual(a.state, b.state);
});
