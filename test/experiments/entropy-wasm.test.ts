/**
 * The entropy experiment's WebAssembly SIMD row kernels against their TypeScript twins
 * (src/experiments/entropy-kernels.ts): bit for bit on rows of odd and even length (zero rows,
 * tiny and huge weights, exp arguments down to the underflow range), and whole experiments equal
 * with the kernels on and off (setWasmKernelsEnabled(false): the fallback where SIMD is missing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { runEntropyExperiment } from '../../src/experiments/entropy.js';
import { rowScratch } from '../../src/experiments/entropy-row-kernels.js';
import { setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';

function withWasm<T>(on: boolean, f: () => T): T {
  setWasmKernelsEnabled(on);
  try {
    return f();
  } finally {
    setWasmKernelsEnabled(true);
  }
}

/** Runs every row kernel on seeded rows; returns all outputs concatenated. */
function rowOutputs(on: boolean): number[] {
  return withWasm(on, () => {
    const rng = new Rng(17);
    const res: number[] = [];
    for (const n of [1, 2, 3, 7, 20, 33]) {
      const rs = rowScratch(n);
      const y = rs.f64(n);
      const e = rs.f64(n);
      const w = rs.f64(n);
      const p = rs.f64(n);
      const out = rs.f64(4);
      for (let trial = 0; trial < 200; trial++) {
        const kind = trial % 5;
        let m = -Infinity;
        for (let j = 0; j < n; j++) {
          y[j] = (rng.uniform() - 0.5) * (kind === 4 ? 2000 : 10);
          m = Math.max(m, y[j]!);
        }
        for (let j = 0; j < n; j++) y[j] = y[j]! - m;
        const scale = [0.5, 1, 8, 0.01, 1][kind]!;
        rs.expScaled(y, n, scale, false, e);
        res.push(...e);
        rs.softmaxRow(e, y, n, scale, p, out);
        res.push(...out, ...p);
        rs.expScaled(y, n, scale, true, e);
        res.push(...e);
        for (let j = 0; j < n; j++) w[j] = kind === 0 ? 0 : kind === 1 ? rng.uniform() * 1e-300 : kind === 2 ? rng.uniform() * 1e300 : rng.uniform() < 0.3 ? 0 : rng.uniform();
        rs.normalisedRow(w, n, p, out);
        res.push(...out, ...p);
      }
      rs.release();
    }
    return res;
  });
}

test('row kernels: WebAssembly SIMD and TypeScript twins give the same bits', () => {
  assert.ok(wasmKernels(), 'the wasm kernels are available here');
  const a = rowOutputs(true);
  const b = rowOutputs(false);
  assert.equal(a.length, b.length);
  const F = new Float64Array(2);
  const B = new BigInt64Array(F.buffer);
  for (let i = 0; i < a.length; i++) {
    F[0] = a[i]!;
    F[1] = b[i]!;
    assert.ok(B[0] === B[1] || (Number.isNaN(a[i]) && Number.isNaN(b[i])), `output ${i}: wasm ${a[i]} vs twin ${b[i]}`);
  }
  assert.ok(a.some((x) => x === 0) && a.some((x) => x > 0 && x < 1e-300), 'zero rows and the underflow range were exercised');
});

test('a whole experiment is identical with the WebAssembly kernels and with the TypeScript fallback', () => {
  const o = { kinds: ['softmax', 'relu-kernel', 'elu1-kernel', 'relu-logit'] as ('softmax' | 'relu-kernel' | 'elu1-kernel' | 'relu-logit')[], sigmas: [0.5, 1, 2, 3], n: 9, d: 3, trials: 2500, seed: 8, queryDirection: 'random' as const, queries: 2 };
  const a = withWasm(true, () => runEntropyExperiment(o));
  const b = withWasm(false, () => runEntropyExperiment(o));
  assert.deepEqual(a.cells, b.cells);
  assert.deepEqual(a.gaussian, b.gaussian);
});
