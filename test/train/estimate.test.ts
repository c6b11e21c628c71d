/**
 * Run-cost estimates (src/train/estimate.ts): FLOPs against the closed form counted by hand,
 * memory growing with the batch, no invented wall time on unmeasured (GPU) backends, and the
 * `--scale` / `--dry-run` flags of `vsflow train`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { estimateTrainRun, formatEstimate, resolveScaledConfig, resolveTrainConfig, TASK_IDS } from '../../src/train/index.js';

test('FLOPs per step: 3 × forward, forward counted by hand for icl-regression and classification', () => {
  // icl, 1 layer, batch 1, N = 20, D = 6: projections 3·2·20·36 = 4320, attention 4·400·6 = 9600.
  assert.equal(estimateTrainRun(resolveTrainConfig('icl-regression', { layers: 1, batchSize: 1 }), 'wasm').flopsPerStep, 3 * (4320 + 9600));
  // classification quick: B = 128, N = 11, D = 64, vocab 41, 4 classes, read-out on the CLS row:
  // projections 2·128·11·64²·3, embedding 2·128·11·41·64, head 2·128·64·4, attention 4·128·121·64.
  const cls = estimateTrainRun(resolveTrainConfig('classification', {}, true), 'wasm');
  assert.equal(cls.flopsPerStep, 3 * (2 * 128 * 11 * 64 * 64 * 3 + 2 * 128 * 11 * 41 * 64 + 2 * 128 * 64 * 4 + 4 * 128 * 121 * 64));
  // parameters: embedding 41·64, W_Q, W_K, W_V 3·64², head 64·4 + 4.
  assert.equal(cls.parameters, 41 * 64 + 3 * 64 * 64 + 64 * 4 + 4);
});

test('memory and time grow with the batch; GPU backends get no wall time; cpu is slower than wasm', () => {
  for (const task of TASK_IDS) {
    const small = estimateTrainRun(resolveTrainConfig(task, { batchSize: 16 }, true), 'wasm');
    const big = estimateTrainRun(resolveTrainConfig(task, { batchSize: 64 }, true), 'wasm');
    assert.ok(big.memoryBytes > small.memoryBytes && big.flopsPerStep > small.flopsPerStep && big.msPerStep! > small.msPerStep!, task);
    assert.ok(estimateTrainRun(resolveTrainConfig(task, {}, true), 'cpu').msPerStep! > small.msPerStep!, task);
    for (const b of ['webgpu', 'tensorflow']) {
      const e = estimateTrainRun(resolveTrainConfig(task, {}, true), b);
      assert.equal(e.wallSeconds, null, `${task} ${b}`);
      assert.match(formatEstimate(e), /wall time unknown on .* GPU path unvalidated/);
    }
  }
});

test('scale profiles: quick = the --quick settings, paper = the defaults; a bad scale names scale', () => {
  for (const task of TASK_IDS) {
    assert.deepEqual(resolveScaledConfig(task, {}, 'quick'), resolveTrainConfig(task, {}, true));
    assert.deepEqual(resolveScaledConfig(task, {}, 'paper'), resolveTrainConfig(task, {}, false));
  }
  assert.throws(() => resolveScaledConfig('induction', {}, 'huge' as 'quick'), (e: Error) => e.name === 'OptionError' && e.message.startsWith('scale:'));
});

const cli = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });

test('vsflow train --dry-run prints one estimate per variant and trains nothing; bad --scale exits 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-dry-'));
  const out = join(dir, 'r.json');
  try {
    const [dry, bad, clash] = await Promise.all([
      cli('--task', 'eureka', '--scale', 'paper', '--dry-run', '--backend', 'wasm', '--out', out),
      cli('--task', 'eureka', '--scale', 'huge', '--dry-run'),
      cli('--task', 'eureka', '--quick', '--scale', 'paper', '--dry-run'),
    ]);
    assert.equal(dry.status, 0, dry.stderr);
    const lines = dry.stdout.trim().split('\n');
    assert.equal(lines.length, 3, `one line per default eureka variant: ${dry.stdout}`);
    for (const l of lines) assert.match(l, /^estimate eureka \S+ \(paper scale.*FLOP\/step.*MiB.*on wasm$/);
    assert.ok(!existsSync(out), 'dry run writes no result');
    for (const r of [bad, clash]) {
      assert.equal(r.status, 2);
      assert.match(r.stderr.trim(), /^vsflow: --scale: expected/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
