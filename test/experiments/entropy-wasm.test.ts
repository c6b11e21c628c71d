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
import { Ziggurat } from '../../src/experiments/ziggurat.js';

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
      const rs = rowScratch(n, [n, n, n, n, 4]);
      const [y, e, w, p, out] = rs.arrays as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
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

test('whole trials in WebAssembly (entropyTrials): identical to the TypeScript loop, random and fixed queries, doubling and other σ grids, τ ≠ 1, several chunks per block', () => {
  const cases = [
    { kinds: ['softmax', 'relu-kernel', 'elu1-kernel'] as ('softmax' | 'relu-kernel' | 'elu1-kernel')[], sigmas: [0.5, 1, 2, 4, 8], n: 20, d: 5, trials: 2300, seed: 3, queryDirection: 'random' as const },
    { kinds: ['elu1-kernel', 'softmax'] as ('softmax' | 'elu1-kernel')[], sigmas: [3, 0.25, 0.5], n: 7, d: 2, trials: 700, seed: 11, tau: 0.6, bins: 13, gaussianBins: 30 },
    // n·d = 6000: chunks of 43 trials inside the block.
    { kinds: ['relu-kernel', 'softmax'] as ('softmax' | 'relu-kernel')[], sigmas: [1, 2], n: 300, d: 20, trials: 90, seed: 5, queryDirection: 'random' as const },
  ];
  for (const o of cases) {
    const a = withWasm(true, () => runEntropyExperiment(o));
    const b = withWasm(false, () => runEntropyExperiment(o));
    assert.deepEqual(a.cells, b.cells);
    assert.deepEqual(a.gaussian, b.gaussian);
    assert.equal(a.cells[0]!.entropy.count, o.trials);
  }
});

test('rows larger than the kernels\' memory (it grows mid-allocation): the same numbers with and without WebAssembly', () => {
  // 8 · 3000 · 50 B = 1.2 MB per key-sized array, more than any other test allocates; the generic
  // kind makes the TypeScript loop use the WebAssembly rows (views made after every allocation).
  for (const kinds of [['softmax', 'relu-logit'], ['softmax', 'elu1-kernel']] as ('softmax' | 'relu-logit' | 'elu1-kernel')[][]) {
    const o = { kinds, sigmas: [1, 2], n: 3000, d: 50, trials: 3, seed: 2 };
    const a = withWasm(true, () => runEntropyExperiment(o));
    const b = withWasm(false, () => runEntropyExperiment(o));
    assert.deepEqual(a.cells, b.cells);
    // σ = 1: H ≈ log n − σ²/2 (E-11) at large n, far from the uniform row's log n.
    assert.ok(Math.abs(a.cells[0]!.entropy.mean - (Math.log(3000) - 0.5)) < 0.05, `H ${a.cells[0]!.entropy.mean}`);
  }
});

test('ziggurat fast path in WebAssembly plus slow draws in index order = Ziggurat.fill (values and stream)', () => {
  const wk = wasmKernels()!;
  const nd = 4001;
  const top = wk.mark();
  try {
    const ptrs = [nd, nd, 64, 128, nd].map((len) => wk.allocF64(len));
    const bits = new Int32Array(wk.exports.memory.buffer, ptrs[0]!, nd);
    const slow = new Int32Array(wk.exports.memory.buffer, ptrs[1]!, nd);
    const out = wk.f64(ptrs[4]!, nd);
    const za = new Ziggurat(new Rng(9));
    const zb = new Ziggurat(new Rng(9));
    new Int32Array(wk.exports.memory.buffer, ptrs[2]!, 128).set(zb.tables().kn);
    wk.f64(ptrs[3]!, 128).set(zb.tables().wn);
    const ref = new Float64Array(nd);
    let slowTotal = 0;
    for (let round = 0; round < 20; round++) {
      za.fill(ref);
      zb.drawBits(bits);
      const cnt = wk.exports.zigguratFast(ptrs[0]!, nd, ptrs[2]!, ptrs[3]!, ptrs[4]!, ptrs[1]!);
      for (let i = 0; i < cnt; i++) out[slow[i]!] = zb.slowValue(bits[slow[i]!]!);
      slowTotal += cnt;
      assert.deepEqual(Array.from(out), Array.from(ref), `round ${round}`);
    }
    assert.ok(slowTotal > 200, `slow draws exercised (${slowTotal})`);
  } finally {
    wk.release(top);
  }
});
