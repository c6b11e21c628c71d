/**
 * The one-pass Softmax gradient (src/train/kernels/wasm-softmax-grad.ts) against tfjs-core's own
 * gradient on the wasm backend, bit for bit: row lengths 1–9, 11, 20, 48, 97, row counts that
 * are not multiples of 4, magnitudes 10^±3, ±0 and zeros; dim given as rank − 1; the cpu
 * backend's fallback; and seeded training runs with and without it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBackend } from '../../../src/train/backend.js';
import { resolveTrainConfig, trainRun } from '../../../src/train/index.js';
import { tf } from '../../../src/train/tf.js';
import { installWasmSoftmaxGrad, uninstallWasmSoftmaxGrad } from '../../../src/train/kernels/wasm-softmax-grad.js';
import { Rng } from '../../../src/core/rng.js';

/** d/dx Σ softmax(x)·c along `axis`, and the number of VsflowSoftmaxGrad calls it made. */
async function grad(x: tf.Tensor, c: tf.Tensor, axis: number): Promise<{ g: Float32Array; fused: number }> {
  let fused = 0;
  const prof = await tf.profile(() => tf.tidy(() => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.softmax(z, axis), c)))(x)));
  const g = (await (prof.result as tf.Tensor).data()) as Float32Array;
  (prof.result as tf.Tensor).dispose();
  for (const k of prof.kernels) if (k.name === 'VsflowSoftmaxGrad') fused++;
  return { g, fused };
}

function sameBits(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i}: ${a[i]} vs tfjs ${b[i]}`);
}

test('wasm Softmax gradient is bitwise tfjs-core\'s: row lengths 1–9, 11, 20, 48, 97; odd row counts; ±0, zeros, magnitudes 10^±3', async () => {
  await loadBackend('wasm');
  const rng = new Rng(17);
  const shapes: number[][] = [[1, 1], [3, 2], [5, 3], [7, 4], [2, 3, 5], [9, 6], [6, 7], [4, 2, 8], [13, 9], [2, 5, 11], [256, 1, 20, 20], [10, 48], [3, 97]];
  for (const shape of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const xv = new Float32Array(size);
    const cv = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const r = rng.uniform();
      xv[i] = r < 0.05 ? 0 : r < 0.08 ? -0 : rng.normal() * 10 ** (6 * rng.uniform() - 3);
      cv[i] = rng.uniform() < 0.05 ? 0 : rng.normal() * 10 ** (6 * rng.uniform() - 3);
    }
    const x = tf.tensor(xv, shape);
    const c = tf.tensor(cv, shape);
    uninstallWasmSoftmaxGrad();
    const ref = await grad(x, c, -1);
    assert.ok(installWasmSoftmaxGrad());
    const ours = await grad(x, c, -1);
    assert.equal(ref.fused, 0);
    assert.equal(ours.fused, 1, `shape ${shape}: the fused kernel ran`);
    sameBits(ours.g, ref.g, `shape ${shape}`);
    x.dispose();
    c.dispose();
  }
});

test('wasm Softmax gradient: dim = rank − 1 takes the fused kernel; the cpu backend keeps tfjs\'s gradient', async () => {
  await loadBackend('wasm');
  assert.ok(installWasmSoftmaxGrad());
  const x = tf.tensor([[0.5, -1, 2], [3, 0, -0.25]]);
  const c = tf.tensor([[1, 2, 3], [-1, 0.5, 4]]);
  // tfjs-core's softmax only accepts the last axis; dim = rank − 1 is that axis too.
  const a = await grad(x, c, 1);
  assert.equal(a.fused, 1);
  x.dispose();
  c.dispose();
  await loadBackend('cpu');
  const xc = tf.tensor([[0.5, -1, 2], [3, 0, -0.25]]);
  const cc = tf.tensor([[1, 2, 3], [-1, 0.5, 4]]);
  const b = await grad(xc, cc, -1);
  assert.equal(b.fused, 0, 'cpu: tfjs gradient');
  xc.dispose();
  cc.dispose();
  await loadBackend('wasm');
});

test('seeded icl and CLS runs: records identical with the one-pass and tfjs\'s Softmax gradient (wasm)', async () => {
  const info = await loadBackend('wasm');
  const runs = [
    resolveTrainConfig('icl-regression', { layers: 3, batchSize: 32, steps: 3, metricsEvery: 2 }),
    resolveTrainConfig('classification', { heads: 4, width: 16, batchSize: 32, steps: 3, metricsEvery: 2, evalEvery: 3, evalSize: 16 }),
    resolveTrainConfig('induction', { layers: 2, width: 16, mlp: 32, batchSize: 8, steps: 3, metricsEvery: 2, evalEvery: 3, evalSize: 8, earlyStopAccuracy: 0 }),
  ];
  for (const c of runs) {
    uninstallWasmSoftmaxGrad();
    const before = await trainRun(c, info);
    assert.ok(installWasmSoftmaxGrad());
    const after = await trainRun(c, info);
    assert.equal(JSON.stringify(after.records), JSON.stringify(before.records), `${c.task}: step records`);
    assert.equal(JSON.stringify(after.evals), JSON.stringify(before.evals), `${c.task}: evals`);
  }
});
