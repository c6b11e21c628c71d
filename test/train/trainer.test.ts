/**
 * Training loop: no tensor leaks, exact seeded repeats, cpu vs wasm first-step loss,
 * checkpoint/resume identical to an uninterrupted run, heat-treatment schedule (N-3 check values).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkpointPath, heatScale, loadBackend, resolveTrainConfig, TASK_DEFAULTS, TASK_IDS, trainRun, type EvalRecord, type StepRecord } from '../../src/train/index.js';
import { tf } from '../../src/train/tf.js';
import { assertClose } from '../helpers/tolerance.js';

/** Tiny smoke settings per task (seconds on cpu/wasm). */
const tiny = {
  'icl-regression': { steps: 6, batchSize: 16, layers: 2, metricsEvery: 2, metricSamples: 4 },
  induction: { steps: 4, batchSize: 8, width: 16, heads: 2, mlp: 16, evalSize: 8, evalEvery: 2, metricsEvery: 2, metricSamples: 2 },
  classification: { steps: 4, batchSize: 8, width: 16, evalSize: 8, evalEvery: 2, metricsEvery: 2 },
  eureka: { steps: 4, batchSize: 32, width: 16, heads: 2, mlp: 16, evalSize: 64, evalEvery: 2, metricsEvery: 2, metricSamples: 4 },
} as const;

test('a training step leaves tf.memory().numTensors unchanged (every task, cpu)', async () => {
  const info = await loadBackend('cpu');
  for (const task of ['icl-regression', 'induction', 'classification', 'eureka'] as const) {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainRun(resolveTrainConfig(task, { ...tiny[task], attention: 'softmax', heatTreatment: task === 'eureka' }), info, {
      onRecord: (r) => {
        if (r.type === 'step') counts.push(tf.memory().numTensors);
      },
    });
    // After step 0 the model, optimiser slots, cached masks and eval tensors exist; later steps
    // (with and without metrics, evaluations in between) must not add any.
    assert.ok(counts.length >= 3, `${task}: steps recorded`);
    for (let i = 1; i < counts.length; i++) assert.equal(counts[i], counts[0], `${task}: numTensors at step ${i}`);
    assert.equal(tf.memory().numTensors, before, `${task}: numTensors after the run (model disposed)`);
  }
});

test('the same seed repeats exactly; another seed differs', async () => {
  const info = await loadBackend('cpu');
  const c = resolveTrainConfig('classification', { ...tiny.classification, seed: 4 });
  const a = await trainRun(c, info);
  const b = await trainRun(c, info);
  assert.deepEqual(a.records, b.records);
  assert.deepEqual(a.evals, b.evals);
  const d = await trainRun(resolveTrainConfig('classification', { ...tiny.classification, seed: 5 }), info);
  assert.notEqual(d.records[0]!.loss, a.records[0]!.loss);
});

test('cpu and wasm give the same first-step loss (float32 tolerance)', async () => {
  for (const task of ['icl-regression', 'classification'] as const) {
    const c = resolveTrainConfig(task, { ...tiny[task], steps: 1 });
    const cpu = await trainRun(c, await loadBackend('cpu'));
    const wasm = await trainRun(c, await loadBackend('wasm'));
    assert.equal(wasm.backend.backend, 'wasm');
    // Same float32 weights and data; kernels differ in summation order and exp/log approximations:
    // relative differences of a few float32 ulps per op over O(100) ops → rtol 1e-5.
    assertClose(wasm.records[0]!.loss, cpu.records[0]!.loss, { rtol: 1e-5, label: `${task} first loss` });
    assertClose(wasm.records[0]!.gradNorm, cpu.records[0]!.gradNorm, { rtol: 1e-4, label: `${task} first gradient norm` });
  }
  await loadBackend('cpu');
});

test('checkpoint + resume continues identically to an uninterrupted run (weights, momentum, data)', async () => {
  const info = await loadBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-ck-'));
  try {
    for (const task of ['icl-regression', 'eureka'] as const) {
      const c = resolveTrainConfig(task, { ...tiny[task], steps: 6, ...(task === 'eureka' ? { heatTreatment: true } : {}) });
      const full = await trainRun(c, info);
      const streamed: (StepRecord | EvalRecord | { type: 'diverged' })[] = [];
      const first = await trainRun(c, info, { checkpointEvery: 2, checkpointDir: dir, stopAfter: 3 });
      assert.equal(first.status, 'interrupted');
      assert.equal(first.stepsDone, 3);
      const resumed = await trainRun(c, info, { checkpointEvery: 2, checkpointDir: dir, resume: true, onRecord: (r) => streamed.push(r) });
      assert.equal(resumed.status, 'completed');
      assert.deepEqual(resumed.records, full.records, `${task}: records`);
      assert.deepEqual(resumed.evals, full.evals, `${task}: evals`);
      assert.deepEqual(resumed.summary, full.summary);
      assert.equal(streamed.filter((r) => r.type === 'step').length, 6, `${task}: replayed + new records streamed`);
    }
    // A run differing only in lr has its own checkpoint (keyed by the whole configuration):
    // resuming it starts from step 0 instead of picking up the other run's weights.
    const base = resolveTrainConfig('icl-regression', { ...tiny['icl-regression'], steps: 6 });
    const other = resolveTrainConfig('icl-regression', { ...tiny['icl-regression'], steps: 6, lr: 0.2 });
    assert.notEqual(checkpointPath(dir, other), checkpointPath(dir, base));
    const fresh = await trainRun(other, info, { checkpointDir: dir, resume: true, stopAfter: 1 });
    assert.equal(fresh.stepsDone, 1, 'started from step 0');
    // A checkpoint file of other settings (copied under this run's name) is refused, naming 'resume'.
    copyFileSync(checkpointPath(dir, base), checkpointPath(dir, other));
    await assert.rejects(trainRun(other, info, { checkpointDir: dir, resume: true }), (e: Error) => e.name === 'OptionError' && e.message.startsWith('resume:'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('early stop: ends at the first run of earlyStopEvals evaluations at or above the threshold; a resume stays stopped', async () => {
  const info = await loadBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-es-'));
  try {
    const base = { ...tiny.classification, steps: 12, evalEvery: 2 };
    const full = await trainRun(resolveTrainConfig('classification', base), info);
    assert.equal(full.status, 'completed');
    // Threshold = the median held-out accuracy of the full run, so the stop falls inside it.
    const accs = full.evals.map((e) => e.accuracy);
    const thr = [...accs].sort((x, y) => x - y)[Math.floor(accs.length / 2)]!;
    const stopAt = full.evals.find((e, i) => i >= 1 && e.step < base.steps && e.accuracy >= thr && full.evals[i - 1]!.accuracy >= thr)?.step;
    const c = resolveTrainConfig('classification', { ...base, earlyStopAccuracy: thr, earlyStopEvals: 2 });
    const early = await trainRun(c, info, { checkpointEvery: 2, checkpointDir: dir });
    assert.ok(stopAt !== undefined, `seed 0 has two evaluations ≥ ${thr} before the end (accuracies ${accs.join(', ')})`);
    assert.equal(early.status, 'early-stopped');
    assert.equal(early.stepsDone, stopAt);
    assert.deepEqual(early.records, full.records.slice(0, stopAt), 'records: a prefix of the full run');
    assert.deepEqual(early.evals, full.evals.filter((e) => e.step <= stopAt));
    const resumed = await trainRun(c, info, { checkpointDir: dir, resume: true });
    assert.equal(resumed.status, 'early-stopped');
    assert.equal(resumed.stepsDone, stopAt);
    assert.deepEqual(resumed.records, early.records);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('early stop is off in every paper-scale default', () => {
  for (const task of TASK_IDS) assert.equal(TASK_DEFAULTS[task].earlyStopAccuracy, 0, task);
});

test('heat-treatment scale matches the N-3 check values (E = 300, d_k = 64)', () => {
  const taus = [0, 75, 112, 149, 150].map((e) => 1 / heatScale(e, 300, 64));
  assertClose(taus, [0.3333, 0.64, 1.7962, 7.9799, 8.0], { atol: 5e-5, label: 'τ(e)' });
});
