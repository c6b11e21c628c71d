/**
 * matVec, matTVec and stageCombine (src/wasm/linear-algebra.ts): the WebAssembly SIMD kernels
 * equal their TypeScript twins bit for bit on odd and even sizes, both agree with a naive
 * summation to 1e-14 relative, and the doc examples give their stated results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';
import { kernelScratch, matTVec, matVec, stageCombine } from '../../src/wasm/linear-algebra.js';
import { setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';
import { expTwin, logTwin, sigmoidTwin } from '../../src/wasm/exp-log.js';

function outputs(on: boolean): { got: number[]; ref: number[] } {
  setWasmKernelsEnabled(on);
  try {
    const rng = new Rng(23);
    const got: number[] = [];
    const ref: number[] = [];
    for (const [d, n, m] of [[1, 1, 1], [2, 3, 4], [5, 8, 7], [7, 13, 12], [16, 64, 13]] as const) {
      const ws = kernelScratch();
      const [V, s, r, out, outT, y, K, c, st] = ws.arrays([d * n, n, d, d, n, d * n, m * d * n, m, d * n]);
      for (const a of [V, s, r, y, K, c]) for (let i = 0; i < a!.length; i++) a![i] = rng.uniform() * 2 - 1;
      assert.equal(on, V!.buffer === wasmKernels()?.exports.memory.buffer, 'arrays in kernel memory exactly when the kernels are on');
      matVec(V!, s!, d, n, out!);
      matTVec(V!, r!, d, n, outT!);
      stageCombine(y!, K!, c!, m, 0.37, d * n, st!);
      got.push(...out!, ...outT!, ...st!);
      for (let i = 0; i < d; i++) { let a = 0; for (let j = 0; j < n; j++) a += V![i * n + j]! * s![j]!; ref.push(a); }
      for (let j = 0; j < n; j++) { let a = 0; for (let i = 0; i < d; i++) a += V![i * n + j]! * r![i]!; ref.push(a); }
      for (let q = 0; q < d * n; q++) { let a = 0; for (let j = 0; j < m; j++) a += c![j]! * K![j * d * n + q]!; ref.push(y![q]! + 0.37 * a); }
      ws.release();
    }
    return { got, ref };
  } finally {
    setWasmKernelsEnabled(true);
  }
}

test('matVec, matTVec, stageCombine: WebAssembly and TypeScript twins give the same bits; both match naive sums', () => {
  const w = outputs(true);
  const t = outputs(false);
  assert.deepEqual(w.got, t.got);
  assertClose(w.got, w.ref, { rtol: 1e-14, atol: 1e-14, label: 'vs naive' });
});

test('doc examples of src/wasm', () => {
  const out = new Float64Array(2);
  matVec(new Float64Array([1, 2, 3, 4]), new Float64Array([1, -1]), 2, 2, out);
  assert.deepEqual(Array.from(out), [-1, -1]);
  matTVec(new Float64Array([1, 2, 3, 4]), new Float64Array([1, -1]), 2, 2, out);
  assert.deepEqual(Array.from(out), [-2, -2]);
  const ws = kernelScratch();
  const [V, s, o] = ws.arrays([6, 3, 2]);
  V!.set([1, 2, 3, 4, 5, 6]);
  s!.set([1, 1, 1]);
  matVec(V!, s!, 2, 3, o!);
  assert.deepEqual(Array.from(o!), [6, 15]);
  ws.release();
  const y = new Float64Array([1, 2]);
  const st = new Float64Array(2);
  stageCombine(y, new Float64Array([1, 1, 3, 3]), new Float64Array([0.5, 0.5]), 2, 0.1, 2, st);
  assertClose(st, [1.2, 2.2], { rtol: 1e-15 });
  assert.equal(expTwin(1), 2.718281828459045);
  assert.equal(logTwin(Math.E), 1);
  assert.equal(sigmoidTwin(0), 0.5);
});
