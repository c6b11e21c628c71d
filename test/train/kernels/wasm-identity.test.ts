/**
 * The buffer-sharing wasm Identity (src/train/kernels/wasm-identity.ts): clones hold the same
 * bits and outlive their source (reference counts), no memory leaks, and seeded training runs of
 * the in-context and CLS models give bit for bit the records of tfjs's copying Identity.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBackend } from '../../../src/train/backend.js';
import { resolveTrainConfig, trainRun } from '../../../src/train/index.js';
import { tf } from '../../../src/train/tf.js';
import { installWasmIdentity, uninstallWasmIdentity } from '../../../src/train/kernels/wasm-identity.js';

test('wasm Identity shares the buffer: same bits, the clone outlives its source, the source outlives the clone, nothing leaks', async () => {
  const info = await loadBackend('wasm');
  assert.ok(installWasmIdentity());
  const before = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  const x = tf.tensor([1.5, -0, NaN, -Infinity, 3e-38], [5]);
  const y = tf.clone(x);
  x.dispose();
  const a = await y.data();
  assert.deepEqual([...a].map((v) => Object.is(v, -0) ? '-0' : String(v)), ['1.5', '-0', 'NaN', '-Infinity', String(Math.fround(3e-38))]);
  const z = tf.clone(y);
  z.dispose();
  assert.equal((await y.data())[0], 1.5);
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.equal(tf.memory().numBytes, bytes);
  // int32 and bool go through the same path; strings keep tfjs's kernel.
  const i = tf.tensor([1, -2, 3], [3], 'int32');
  assert.deepEqual([...(await tf.clone(i).data())], [1, -2, 3]);
  i.dispose();
  assert.equal(info.backend, 'wasm');
});

test('seeded icl and CLS runs: records identical with the sharing and the copying Identity (wasm)', async () => {
  const info = await loadBackend('wasm');
  const runs = [
    resolveTrainConfig('icl-regression', { layers: 3, batchSize: 32, steps: 3, metricsEvery: 2 }),
    resolveTrainConfig('classification', { heads: 4, width: 16, batchSize: 32, steps: 3, metricsEvery: 2, evalEvery: 3, evalSize: 16 }),
  ];
  for (const c of runs) {
    uninstallWasmIdentity();
    const copying = await trainRun(c, info);
    assert.ok(installWasmIdentity());
    const sharing = await trainRun(c, info);
    assert.equal(JSON.stringify(sharing.records), JSON.stringify(copying.records), `${c.task}: step records`);
    assert.equal(JSON.stringify(sharing.evals), JSON.stringify(copying.evals), `${c.task}: evals`);
    assert.equal(JSON.stringify(sharing.attentionMaps), JSON.stringify(copying.attentionMaps), `${c.task}: attention maps`);
  }
});
