// runMeta records which float64 kernels ran (kernelBackend of src/wasm/kernels.ts), in every
// result that carries it, and the result schema keeps the field when a result is read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMeta } from '../../src/core/run-meta.js';
import { kernelBackend, setWasmKernelsEnabled } from '../../src/wasm/kernels.js';
import { runEntropyExperiment } from '../../src/experiments/entropy.js';
import { RUN_META_SCHEMA } from '../../src/experiments/result-schema.js';

test('meta.kernels is the kernel backend that ran: wasm-simd here, typescript when the kernels are off', () => {
  assert.equal(runMeta({ seed: 0, wallTimeMs: 1 }).kernels, 'wasm-simd');
  const o = { kinds: ['softmax' as const], sigmas: [1], trials: 10 };
  assert.equal(runEntropyExperiment(o).meta.kernels, 'wasm-simd');
  setWasmKernelsEnabled(false);
  try {
    assert.equal(kernelBackend(), 'typescript');
    assert.equal(runMeta({ seed: 0, wallTimeMs: 1 }).kernels, 'typescript');
    assert.equal(runEntropyExperiment(o).meta.kernels, 'typescript');
  } finally {
    setWasmKernelsEnabled(true);
  }
});

test('the result schema keeps meta.kernels, rejects other values and accepts older results without it', () => {
  const meta = runMeta({ seed: 3, wallTimeMs: 2 });
  assert.equal(RUN_META_SCHEMA.parse(JSON.parse(JSON.stringify(meta))).kernels, meta.kernels);
  assert.throws(() => RUN_META_SCHEMA.parse({ ...meta, kernels: 'gpu' }));
  const { kernels: _, ...old } = meta;
  assert.equal(RUN_META_SCHEMA.parse(old).kernels, undefined);
});
