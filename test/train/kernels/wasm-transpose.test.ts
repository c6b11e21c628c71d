/**
 * The wasm Transpose replacement (src/train/kernels/wasm-transpose.ts) against tfjs-backend-wasm's
 * own kernel, bit for bit: every permutation of ranks 2–4 on seeded random shapes with size-1
 * axes, float32 and int32, the model's shapes, and its gradient; plus the reduction swapForm.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBackend } from '../../../src/train/backend.js';
import { tf } from '../../../src/train/tf.js';
import { installWasmTranspose, swapForm, uninstallWasmTranspose } from '../../../src/train/kernels/wasm-transpose.js';
import { Rng } from '../../../src/core/rng.js';

function perms(n: number): number[][] {
  if (n === 1) return [[0]];
  return perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

test('swapForm: the swaps it recognises and the ones it leaves to tfjs', () => {
  assert.deepEqual(swapForm([512, 11, 4, 16], [0, 2, 1, 3]), [512, 11, 4, 16]);
  assert.deepEqual(swapForm([5632, 64], [1, 0]), [1, 5632, 64, 1]);
  assert.deepEqual(swapForm([2, 3, 4], [2, 0, 1]), [1, 6, 4, 1]);
  assert.deepEqual(swapForm([1, 5, 1, 6], [3, 2, 1, 0]), [1, 5, 6, 1]);
  assert.equal(swapForm([2, 3, 4, 5], [3, 2, 1, 0]), null);
  assert.equal(swapForm([2, 3], [0, 1]), null);
});

test('wasm Transpose is bitwise tfjs-wasm: all permutations of ranks 2–4, float32 and int32', async () => {
  await loadBackend('wasm');
  const rng = new Rng(3);
  const dims = [1, 2, 3, 5, 8, 9, 17];
  for (const rank of [2, 3, 4]) {
    for (const perm of perms(rank)) {
      for (let r = 0; r < 3; r++) {
        const shape = Array.from({ length: rank }, () => dims[rng.int(dims.length)]!);
        const n = shape.reduce((a, b) => a * b, 1);
        for (const dtype of ['float32', 'int32'] as const) {
          const values = dtype === 'float32' ? Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -0 : rng.normal())) : Int32Array.from({ length: n }, () => rng.int(1 << 30) - (1 << 29));
          const x = tf.tensor(values, shape, dtype);
          uninstallWasmTranspose();
          const ref = tf.transpose(x, perm);
          const want = ref.dataSync();
          installWasmTranspose();
          const got = tf.transpose(x, perm);
          assert.deepEqual(got.shape, ref.shape);
          const g = got.dataSync();
          for (let i = 0; i < want.length; i++) if (!Object.is(g[i], want[i])) assert.fail(`[${shape}] perm [${perm}] ${dtype}: index ${i}: got ${g[i]}, expected ${want[i]} (bitwise)`);
          tf.dispose([x, ref, got]);
        }
      }
    }
  }
  // The model's shapes and a gradient through the transpose.
  const rngx = new Rng(4);
  for (const [shape, perm] of [[[5632, 64], [1, 0]], [[512, 11, 4, 16], [0, 2, 1, 3]], [[64, 5632], [1, 0]]] as const) {
    const x = tf.tensor(Float32Array.from({ length: shape.reduce((a: number, b: number) => a * b, 1) }, () => rngx.normal()), [...shape]);
    const w = tf.randomNormal(perm.map((a) => shape[a]!), 0, 1, 'float32', 9);
    const f = (): Float32Array => tf.grad((t: tf.Tensor) => tf.transpose(t, [...perm]).mul(w).sum())(x).dataSync() as Float32Array;
    uninstallWasmTranspose();
    const want = f();
    installWasmTranspose();
    const got = f();
    for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`grad [${shape}]: index ${i}`);
  }
});
