/**
 * The lean GD loop (src/models/gradient-descent.ts) gives exactly solve's `gd` numbers: same
 * save times, states, statuses, messages and step counts (bitwise equality is the contract),
 * and matches the closed form y_k = (1 − lr)^k for ẏ = −y.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradientDescent } from '../../src/models/gradient-descent.js';
import { solve } from '../../src/integrators/solve.js';
import { resolveSaveAt } from '../../src/integrators/save-at.js';
import { resolveProblem } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { valueSoftmaxRhs } from '../../src/models/value-softmax.js';

const opts = (saveAt: number[] | { log: [number, number, number] }, t1: number, extra: Partial<{ maxSteps: number; signal: AbortSignal }> = {}) => ({
  saveTimes: resolveSaveAt(saveAt, 0, t1),
  maxSteps: extra.maxSteps ?? 1e9,
  onStep: undefined,
  signal: extra.signal,
});

test('closed form: ẏ = −y with lr 0.5 gives y_k = 0.5^k exactly', () => {
  const s = gradientDescent((_t, y, dy) => { dy[0] = -y[0]!; }, new Float64Array([1]), 2, 0.5, opts([0, 1, 2], 2));
  assert.deepEqual(s.t, [0, 1, 2]);
  assert.deepEqual(s.y.map((v) => v[0]), [1, 0.25, 0.0625]);
  assert.equal(s.stats.rhsEvals, 5);
});

test('bitwise equal to solve(..., {method: "gd"}) on value-softmax problems', () => {
  const cases: [string, number, number, number[] | { log: [number, number, number] }][] = [
    ['logistic', 0.1, 1000, { log: [0.1, 1000, 30] }],
    ['square', 0.3, 50, [0, 0.31, 0.44, 7, 49.9, 50]],
    ['cross-entropy', 0.07, 10.5, [0, 10.5]],
  ];
  for (const [loss, lr, t1, saveAt] of cases) {
    const P = resolveProblem(randomProblem({ loss: loss as never, d: 3, n: 5, samples: 2, seed: 2, aScale: 0.5 }));
    const f = valueSoftmaxRhs(P);
    const a = gradientDescent(f.rhs, f.y0, t1, lr, opts(saveAt, t1));
    const b = solve(f.rhs, f.y0, 0, t1, { method: 'gd', dt: lr, saveAt });
    assert.deepEqual(a.t, b.t, `${loss} t`);
    assert.deepEqual(a.y.map((v) => Array.from(v)), b.y.map((v) => Array.from(v)), `${loss} y`);
    assert.deepEqual(Array.from(a.yEnd), Array.from(b.yEnd));
    assert.equal(a.tEnd, b.tEnd);
    assert.equal(a.status, b.status);
    assert.equal(a.message, b.message);
    assert.deepEqual({ ...a.stats, wallTimeMs: 0 }, { ...b.stats, wallTimeMs: 0 });
  }
});

test('failure statuses match solve: max-steps, non-finite, interrupted', () => {
  const P = resolveProblem(randomProblem({ loss: 'square', d: 2, n: 3, seed: 1 }));
  const f = valueSoftmaxRhs(P);
  const ms = gradientDescent(f.rhs, f.y0, 100, 0.1, opts([0, 100], 100, { maxSteps: 7 }));
  const ms2 = solve(f.rhs, f.y0, 0, 100, { method: 'gd', dt: 0.1, saveAt: [0, 100], maxSteps: 7, onFailure: 'return' });
  assert.equal(ms.status, 'max-steps');
  assert.equal(ms.message, ms2.message);
  assert.deepEqual(Array.from(ms.yEnd), Array.from(ms2.yEnd));
  const nf = gradientDescent(f.rhs, f.y0, 1e6, 1e3, opts([0], 1e6));
  const nf2 = solve(f.rhs, f.y0, 0, 1e6, { method: 'gd', dt: 1e3, saveAt: [0], onFailure: 'return' });
  assert.equal(nf.status, 'non-finite');
  assert.equal(nf.message, nf2.message);
  assert.equal(nf.tEnd, nf2.tEnd);
  const ac = new AbortController();
  ac.abort();
  const it = gradientDescent(f.rhs, f.y0, 10, 0.1, opts([0, 10], 10, { signal: ac.signal }));
  assert.equal(it.status, 'interrupted');
  assert.equal(it.message, solve(f.rhs, f.y0, 0, 10, { method: 'gd', dt: 0.1, saveAt: [0, 10], signal: ac.signal }).message);
});

for (const wasm of [true, false]) test(`fused reduced-logistic GD block (${wasm ? 'WebAssembly SIMD kernel' : 'TypeScript twin'}): bitwise gradientDescent without it and solve's gd (K = 1, 3; budgets, abort, overflow)`, async (t) => {
  const { reducedFlow } = await import('../../src/models/reduced-flow.js');
  const { setWasmKernelsEnabled, kernelBackend } = await import('../../src/wasm/kernels.js');
  setWasmKernelsEnabled(wasm);
  t.after(() => setWasmKernelsEnabled(true));
  assert.equal(kernelBackend(), wasm ? 'wasm-simd' : 'typescript');
  const same = (a: ReturnType<typeof gradientDescent>, b: ReturnType<typeof gradientDescent>, label: string): void => {
    assert.deepEqual(a.t, b.t, `${label} t`);
    assert.deepEqual(a.y.map((v) => Array.from(v)), b.y.map((v) => Array.from(v)), `${label} y`);
    assert.deepEqual(Array.from(a.yEnd), Array.from(b.yEnd), `${label} yEnd`);
    assert.equal(a.tEnd, b.tEnd, `${label} tEnd`);
    assert.equal(a.status, b.status, `${label} status`);
    assert.equal(a.message, b.message, `${label} message`);
    assert.deepEqual({ ...a.stats, wallTimeMs: 0 }, { ...b.stats, wallTimeMs: 0 }, `${label} stats`);
  };
  for (const K of [1, 3]) {
    const P = resolveProblem(randomProblem({ loss: 'logistic', d: 4, n: 6, samples: K, seed: 5, aScale: 0.5 }));
    const R = reducedFlow(P);
    assert.ok(R.gdBlock !== undefined);
    for (const [lr, t1, saveAt, maxSteps] of [
      [0.1, 1000, { log: [0.1, 1000, 30] }, 1e9],
      [0.3, 50, [0, 0.31, 0.44, 7, 49.9, 50], 1e9],
      [0.07, 10.5, [0, 10.5], 1e9],
      [0.1, 100, [0, 100], 77],
    ] as const) {
      const o = opts(saveAt as never, t1, { maxSteps });
      const plain = gradientDescent(R.rhs, R.y0, t1, lr, o);
      const fused = gradientDescent(R.rhs, R.y0, t1, lr, { ...o, block: R.gdBlock });
      same(fused, plain, `K=${K} lr=${lr} maxSteps=${maxSteps}`);
      const viaSolve = solve(R.rhs, R.y0, 0, t1, { method: 'gd', dt: lr, saveAt: saveAt as never, maxSteps, onFailure: 'return' });
      assert.deepEqual(fused.y.map((v) => Array.from(v)), viaSolve.y.map((v) => Array.from(v)), `K=${K} lr=${lr} vs solve`);
      assert.equal(fused.status, viaSolve.status);
    }
    const ac = new AbortController();
    ac.abort();
    same(gradientDescent(R.rhs, R.y0, 10, 0.1, { ...opts([0, 10], 10, { signal: ac.signal }), block: R.gdBlock }), gradientDescent(R.rhs, R.y0, 10, 0.1, opts([0, 10], 10, { signal: ac.signal })), 'aborted');
  }
  // Overflow: u = Vᵀβ is already infinite at the start, the first step is non-finite.
  const big = resolveProblem({ loss: 'logistic', V: [[1e308, 1e308], [1e308, 1e308]], a: [0, 0], beta: [1, 1] });
  const Rb = reducedFlow(big);
  const ob = opts([0, 1], 1);
  const nf = gradientDescent(Rb.rhs, Rb.y0, 1, 0.1, { ...ob, block: Rb.gdBlock });
  assert.equal(nf.status, 'non-finite');
  same(nf, gradientDescent(Rb.rhs, Rb.y0, 1, 0.1, ob), 'non-finite');
});

test('fused reduced-logistic GD: the WebAssembly kernel and its TypeScript twin give the same bits (K = 1, 2, 5; n odd and even)', async (t) => {
  const { reducedFlow } = await import('../../src/models/reduced-flow.js');
  const { setWasmKernelsEnabled } = await import('../../src/wasm/kernels.js');
  t.after(() => setWasmKernelsEnabled(true));
  for (const [d, n, K] of [[3, 5, 1], [8, 8, 2], [2, 7, 5], [4, 1, 1]] as const) {
    const R = reducedFlow(resolveProblem(randomProblem({ loss: 'logistic', d, n, samples: K, seed: 11 + n, aScale: 2 })));
    const o = opts({ log: [0.05, 500, 40] } as never, 500);
    setWasmKernelsEnabled(true);
    const w = gradientDescent(R.rhs, R.y0, 500, 0.05, { ...o, block: R.gdBlock });
    setWasmKernelsEnabled(false);
    const ts = gradientDescent(R.rhs, R.y0, 500, 0.05, { ...o, block: R.gdBlock });
    assert.equal(w.stats.steps, 10_000);
    assert.deepEqual(w.y.map((v) => Array.from(v)), ts.y.map((v) => Array.from(v)), `d=${d} n=${n} K=${K}`);
  }
});
