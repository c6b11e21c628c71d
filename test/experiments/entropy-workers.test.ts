/**
 * Entropy experiment: the same seed gives the same numbers on any number of worker threads
 * (per-block RNG streams merged in block order), and the fast kernels agree with the generic
 * attention code (core/attention-kinds, core/attention-metrics) on the same draws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEntropyExperiment, TRIALS_PER_BLOCK } from '../../src/experiments/entropy.js';
import { runEntropyExperimentParallel } from '../../src/experiments/entropy-parallel.js';
import { normalisedRow, softmaxRow } from '../../src/experiments/entropy-kernels.js';
import { expTwin } from '../../src/wasm/exp-log.js';
import { attentionFromLogits } from '../../src/core/attention-kinds.js';
import { rowEntropy, rowMax, rowSkewness } from '../../src/core/attention-metrics.js';

test('workers 1, 2 and 3 give results identical to the in-thread run (several blocks, a partial last block)', async () => {
  const o = { kinds: ['softmax', 'relu-kernel', 'elu1-kernel', 'relu-logit'] as const, sigmas: [0.5, 2], trials: 2 * TRIALS_PER_BLOCK + 333, seed: 4, queryDirection: 'random' as const, queries: 3 };
  const opts = { ...o, kinds: [...o.kinds] };
  const ref = runEntropyExperiment(opts);
  for (const workers of [1, 2, 3]) {
    const r = await runEntropyExperimentParallel(opts, { workers });
    assert.deepEqual(r.cells, ref.cells, `workers ${workers}`);
    assert.deepEqual(r.gaussian, ref.gaussian, `workers ${workers}`);
  }
  assert.equal(ref.cells[0]!.entropy.count, opts.trials);
});

test('expTwin (the kernels\' exp) within 2 ulp of Math.exp on [−708, 709]; underflow to 0, ∞ and NaN as documented', () => {
  const f = new Float64Array(2);
  const u = new BigInt64Array(f.buffer);
  let worst = 0;
  for (let i = 0; i <= 200000; i++) {
    const x = -708 + (1417 * i) / 200000;
    f[0] = expTwin(x);
    f[1] = Math.exp(x);
    const du = u[0]! > u[1]! ? u[0]! - u[1]! : u[1]! - u[0]!;
    worst = Math.max(worst, Number(du));
  }
  assert.ok(worst <= 2, `max ulp ${worst}`);
  assert.equal(expTwin(-1000), 0);
  assert.equal(expTwin(710), Infinity);
  assert.ok(Number.isNaN(expTwin(NaN)));
});

test('softmax and normalised-row kernels match the generic kinds and metrics to 1e-13', () => {
  const n = 20;
  const z0 = new Float64Array(n);
  for (let j = 0; j < n; j++) z0[j] = Math.sin(3.1 * j + 0.7) * 2;
  const m = Math.max(...z0);
  const y = z0.map((v) => v - m);
  const p = new Float64Array(n);
  const out = new Float64Array(4);
  for (const scale of [0.5, 3, 40]) {
    { const e = new Float64Array(n); for (let j = 0; j < n; j++) e[j] = expTwin(scale * y[j]!); softmaxRow(e, y, n, scale, p, out); }
    const q = new Float64Array(n);
    attentionFromLogits('softmax', z0.map((v) => v * scale), 0, n, q, 0, 1);
    assert.ok(Math.abs(out[0]! - rowEntropy(q, 0, n)) < 1e-13, `H scale ${scale}`);
    assert.ok(Math.abs(out[1]! - rowMax(q, 0, n)) < 1e-15);
    assert.ok(Math.abs(out[2]! - rowSkewness(q, 0, n)) < 1e-11 * Math.max(1, Math.abs(out[2]!)));
  }
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) w[j] = j % 3 === 0 ? 0 : j;
  normalisedRow(w, n, p, out);
  const s = w.reduce((a, b) => a + b, 0);
  const q = w.map((v) => v / s);
  assert.ok(Math.abs(out[0]! - rowEntropy(q, 0, n)) < 1e-13);
  assert.equal(out[3], 0);
  normalisedRow(new Float64Array(n), n, p, out);
  assert.ok(Math.abs(out[0]! - Math.log(n)) < 1e-13);
  assert.deepEqual([out[2], out[3]], [0, 1]);
});

test('Rng.fillInt32 gives the nextUint32 stream (as int32) and leaves the generator where single draws would', async () => {
  const { Rng } = await import('../../src/core/rng.js');
  const a = new Rng(7);
  const b = new Rng(7);
  const o = a.fillInt32(new Int32Array(1001));
  for (let i = 0; i < o.length; i++) assert.equal(o[i], b.nextUint32() | 0);
  assert.equal(a.nextUint32(), b.nextUint32());
});

test('an aborted signal stops between blocks: status interrupted, the statistics of the finished blocks (= a run of that many trials)', async () => {
  const opts = { kinds: ['softmax', 'elu1-kernel'] as ('softmax' | 'elu1-kernel')[], sigmas: [1, 2], trials: 5 * TRIALS_PER_BLOCK, seed: 8 };
  const ac = new AbortController();
  ac.abort();
  const a = runEntropyExperiment(opts, { signal: ac.signal });
  assert.equal(a.status, 'interrupted');
  assert.equal(a.trialsDone, TRIALS_PER_BLOCK);
  const b = await runEntropyExperimentParallel(opts, { workers: 2, signal: ac.signal });
  assert.equal(b.status, 'interrupted');
  assert.ok(b.trialsDone >= TRIALS_PER_BLOCK && b.trialsDone < opts.trials && b.trialsDone % TRIALS_PER_BLOCK === 0, String(b.trialsDone));
  for (const r of [a, b]) {
    const full = runEntropyExperiment({ ...opts, trials: r.trialsDone });
    assert.equal(full.status, 'success');
    assert.deepEqual(r.cells, full.cells);
    assert.equal(r.cells[0]!.entropy.count, r.trialsDone);
  }
});
