/**
 * Contract of the tfjs adapter (src/train/backend.ts) after dropping the @tensorflow/tfjs
 * umbrella: tfjs-core's Node entry registers no gradients and no chained tensor methods, so the
 * generated bundle src/train/vendor/tfjs-core-extras.js must, and must match the installed core.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { loadBackend } from '../../src/train/backend.js';
import { tf } from '../../src/train/tf.js';

const require = createRequire(import.meta.url);

test('vendored gradient bundle was generated from the installed @tensorflow/tfjs-core version', () => {
  const installed = (JSON.parse(readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')) as { version: string }).version;
  const header = readFileSync(new URL('../../src/train/vendor/tfjs-core-extras.js', import.meta.url), 'utf8').slice(0, 400);
  assert.match(header, new RegExp(`TFJS_CORE_VERSION=${installed.replace(/\./g, '\\.')}\\n`), 'rerun node scripts/bundle-tfjs-core-extras.mjs');
  assert.equal(tf.version_core, installed);
});

test('gradients and chained methods are registered: d/dx Σ softmax(x)·c and x.add(y) on cpu and wasm', async () => {
  for (const b of ['cpu', 'wasm'] as const) {
    const info = await loadBackend(b);
    assert.equal(info.backend, b);
    const c = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.softmax(x).mul(c)))(tf.tensor1d([0, 0, 0]));
    // softmax at 0 is uniform p = 1/3: ∂/∂x_i Σ p_j c_j = p_i (c_i − Σ p_j c_j) = (c_i − 2)/3.
    const got = await g.data();
    [-1 / 3, 0, 1 / 3].forEach((e, i) => assert.ok(Math.abs(got[i]! - e) < 1e-6, `${b} grad[${i}] = ${got[i]}, expected ${e} (tol 1e-6)`));
    assert.deepEqual(Array.from(await tf.tensor1d([1, 2]).add(tf.tensor1d([3, 4])).data()), [4, 6]);
  }
});
