/**
 * The SIMD BatchMatMul of the wasm backend (src/train/kernels/wasm-batch-matmul.ts) against
 * tfjs-backend-wasm's own kernel: bit for bit (Object.is on every element) on seeded random
 * shapes, the edge sizes of its tiles (1–5 rows/columns, shared axis 47/48/49/97 around the
 * 48-block of tfjs's loop), transposes, rank 4, signed zeros and wide magnitudes; the gradient
 * of a product; a seeded training run; tensor bookkeeping; and that the committed wasm bytes
 * are what the AssemblyScript source compiles to.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { loadBackend } from '../../../src/train/backend.js';
import { tf } from '../../../src/train/tf.js';
import { installWasmBatchMatMul, uninstallWasmBatchMatMul } from '../../../src/train/kernels/wasm-batch-matmul.js';
import { resolveTrainConfig, trainRun } from '../../../src/train/index.js';
import { Rng } from '../../../src/core/rng.js';

/** Asserts a and b are the same float32 bits, naming the first index that differs. */
function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: index ${i}: got ${got[i]}, expected ${want[i]} (bitwise, tolerance 0)`);
  }
}

/** Random float32 data: normals scaled by 10^U(-3, 3), with some exact zeros and −0. */
function data(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    out[i] = u < 0.05 ? 0 : u < 0.1 ? -0 : rng.normal() * 10 ** (6 * rng.uniform() - 3);
  }
  return out;
}

/** matMul under tfjs's kernel and under the SIMD kernel. */
function both(f: () => tf.Tensor): { ref: Float32Array; got: Float32Array } {
  uninstallWasmBatchMatMul();
  const ref = f().dataSync() as Float32Array;
  assert.ok(installWasmBatchMatMul(), 'kernel installs on wasm');
  const got = f().dataSync() as Float32Array;
  return { ref, got };
}

test('SIMD BatchMatMul is bitwise tfjs-wasm on random and edge shapes, all transposes', async () => {
  await loadBackend('wasm');
  const rng = new Rng(17);
  const edge = [1, 2, 3, 4, 5, 7, 8, 9];
  const shapes: [number, number, number, number][] = [];
  for (const M of edge) for (const N of edge) shapes.push([1 + rng.int(3), M, 1 + rng.int(20), N]);
  for (const K of [1, 47, 48, 49, 97]) shapes.push([3, 5, K, 6]);
  for (let r = 0; r < 20; r++) shapes.push([1 + rng.int(40), 1 + rng.int(24), 1 + rng.int(60), 1 + rng.int(24)]);
  shapes.push([2048, 11, 16, 11], [768, 20, 20, 20]);
  for (const [B, M, K, N] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = tf.tensor3d(data(rng, B * M * K), ta ? [B, K, M] : [B, M, K]);
        const b = tf.tensor3d(data(rng, B * K * N), tb ? [B, N, K] : [B, K, N]);
        const { ref, got } = both(() => tf.matMul(a, b, ta, tb));
        assertSameBits(got, ref, `[${B}, ${M}, ${K}, ${N}] transposeA=${ta} transposeB=${tb}`);
        a.dispose();
        b.dispose();
      }
    }
  }
  // Rank 4 (the attention heads [B, H, N, d_k]) and 2-D transposed products.
  const q = tf.tensor4d(data(rng, 6 * 4 * 11 * 16), [6, 4, 11, 16]);
  const k = tf.tensor4d(data(rng, 6 * 4 * 11 * 16), [6, 4, 11, 16]);
  const r4 = both(() => tf.matMul(q, k, false, true));
  assertSameBits(r4.got, r4.ref, 'rank 4 q kᵀ');
  const x = tf.tensor2d(data(rng, 30 * 7), [30, 7]);
  const w = tf.tensor2d(data(rng, 30 * 5), [30, 5]);
  const r2 = both(() => tf.matMul(x, w, true, false));
  assertSameBits(r2.got, r2.ref, '2-D xᵀ w');
  const r1 = both(() => tf.matMul(x.transpose(), w));
  assertSameBits(r1.got, r1.ref, '2-D untransposed (XNNPACK, unchanged)');
});

test('SIMD BatchMatMul: gradients of a batched product are bitwise tfjs-wasm', async () => {
  await loadBackend('wasm');
  const rng = new Rng(5);
  const a = tf.tensor3d(data(rng, 8 * 11 * 16), [8, 11, 16]);
  const b = tf.tensor3d(data(rng, 8 * 11 * 16), [8, 11, 16]);
  const c = tf.tensor3d(data(rng, 8 * 11 * 11), [8, 11, 11]);
  for (const [ta, tb] of [[false, true], [true, false]] as const) {
    const aa = ta ? a.transpose([0, 2, 1]) : a;
    const bb = tb ? b : b.transpose([0, 2, 1]);
    const grads = (): tf.Tensor[] => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb).mul(c).sum())([aa, bb]);
    uninstallWasmBatchMatMul();
    const ref = grads().map((g) => g.dataSync() as Float32Array);
    installWasmBatchMatMul();
    const got = grads().map((g) => g.dataSync() as Float32Array);
    ref.forEach((r, i) => assertSameBits(got[i]!, r, `gradient ${i}, transposeA=${ta} transposeB=${tb}`));
  }
});

test('SIMD BatchMatMul: a seeded CLS training run gives the same losses bit for bit, no leaked tensors', async () => {
  const info = await loadBackend('wasm');
  const c = resolveTrainConfig('classification', { heads: 4, width: 16, batchSize: 32, steps: 4, metricsEvery: 1e9, evalEvery: 0, evalSize: 1 });
  const losses = async (): Promise<number[]> => {
    const out: number[] = [];
    await trainRun(c, info, { onRecord: (r) => void (r.type === 'step' && out.push(r.loss)) });
    return out;
  };
  uninstallWasmBatchMatMul();
  const ref = await losses();
  installWasmBatchMatMul();
  const got = await losses();
  assert.equal(got.length, 4);
  got.forEach((l, i) => assert.ok(Object.is(l, ref[i]), `step ${i}: loss ${l}, expected ${ref[i]} (bitwise)`));
  const before = tf.memory().numTensors;
  const a = tf.ones([4, 3, 5]) as tf.Tensor3D;
  tf.matMul(a, a, false, true).dispose();
  a.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('install is a no-op off wasm; uninstall restores tfjs\'s kernel', async () => {
  await loadBackend('cpu');
  assert.equal(installWasmBatchMatMul(), false);
  await loadBackend('wasm');
  uninstallWasmBatchMatMul();
  assert.notEqual(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc.name, 'batchMatMulSimd');
  assert.ok(installWasmBatchMatMul());
  assert.equal(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc.name, 'batchMatMulSimd');
});

test('committed kernel bytes are what batch-matmul.as.ts compiles to (npm run build:kernels)', () => {
  const r = spawnSync(process.execPath, ['scripts/build-kernels.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
