/**
 * Bad input: every public option of the training config and of `vsflow train` raises an error
 * naming that option; missing backends raise BackendError naming the package to install.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BackendError, OptionError } from '../../src/core/errors.js';
import { loadBackend, parseVariant, resolveTrainConfig, TASK_DEFAULTS, TASK_IDS } from '../../src/train/index.js';

const BAD: Record<string, unknown[]> = {
  attention: ['soft-max', 3, null],
  rowNormalize: ['yes', 1],
  heatTreatment: ['no', 0],
  tau: [-1, NaN, Infinity, '1'],
  seed: [-1, 1.5, NaN],
  steps: [0, 2.5, -3, Infinity],
  batchSize: [0, 1.5],
  optimizer: ['sgd', 'adam'],
  lr: [0, -0.1, NaN],
  momentum: [-0.1, 1.5],
  weightDecay: [-1],
  clipNorm: [-1],
  width: [0, 3.5],
  layers: [0],
  heads: [0, 1.5],
  mlp: [-1],
  initScale: [0, -1],
  metricsEvery: [0],
  metricSamples: [0],
  evalEvery: [-1],
  evalSize: [-1, 0.5],
  earlyStopAccuracy: [-0.1, 1.5, NaN],
  earlyStopEvals: [0, 1.5],
};

test('resolveTrainConfig: each bad value raises OptionError naming its option', () => {
  for (const [option, values] of Object.entries(BAD)) {
    for (const v of values) {
      assert.throws(
        () => resolveTrainConfig('classification', { [option]: v } as never),
        (e: Error) => e instanceof OptionError && e.option === option,
        `${option} = ${String(v)}`,
      );
    }
  }
  assert.throws(() => resolveTrainConfig('nope' as never), (e: Error) => e instanceof OptionError && e.option === 'task');
  assert.throws(() => resolveTrainConfig('classification', { widht: 3 } as never), (e: Error) => e instanceof OptionError && e.option === 'train.widht');
  assert.throws(() => resolveTrainConfig('classification', { width: 10, heads: 3 }), (e: Error) => e instanceof OptionError && e.option === 'heads');
  assert.throws(() => parseVariant('softmax+hx'), (e: Error) => e instanceof OptionError && e.option === 'attention');
  // Explicit undefined keeps the default.
  assert.equal(resolveTrainConfig('classification', { lr: undefined }).lr, TASK_DEFAULTS.classification.lr);
  for (const t of TASK_IDS) assert.equal(resolveTrainConfig(t).task, t);
});

test('missing tensorflow backend: BackendError naming @tensorflow/tfjs-node-gpu; webgpu names its package', async () => {
  await assert.rejects(loadBackend('tensorflow'), (e: Error) => e instanceof BackendError && e.message.includes('@tensorflow/tfjs-node-gpu') && e.message.includes('npm install') && !e.message.includes('\n'));
  // Only where the optional webgpu peers are absent (bench/webgpu-smoke.sh installs them; then
  // webgpu loads, and test/train/webgpu.test.ts covers it).
  const peers = ['webgpu', '@tensorflow/tfjs-backend-webgpu'].filter((n) => {
    try {
      createRequire(import.meta.url).resolve(`${n}/package.json`);
      return true;
    } catch {
      return false;
    }
  });
  if (peers.length < 2) await assert.rejects(loadBackend('webgpu'), (e: Error) => e instanceof BackendError && e.message.includes('@tensorflow/tfjs-backend-webgpu'));
  // auto falls back to wasm when tensorflow cannot load.
  assert.equal((await loadBackend('auto')).backend, 'wasm');
  await loadBackend('cpu');
});

/** Runs `vsflow train …` in a child process (several in parallel: each start costs ~2 s). */
const cli = (...args: string[]): Promise<{ status: number | null; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', ...args], { encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
    });
  });

test('vsflow train: bad flags exit 2 with one line naming the flag, and write no file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-train-cli-'));
  const out = join(dir, 'r.json');
  try {
    const cases: [string[], string][] = [
      [['--task', 'nope'], '--task'],
      [['--task', 'classification', '--backend', 'gpu'], '--backend'],
      [['--task', 'classification', '--seeds', '1,x'], '--seeds[1]'],
      [['--task', 'classification', '--steps', '0'], '--steps'],
      [['--task', 'classification', '--lr', '-1'], '--lr'],
      [['--task', 'classification', '--dim', '2.5'], '--dim'],
      [['--task', 'classification', '--attention', 'softmax,bogus'], '--attention[1]'],
      [['--task', 'classification', '--checkpoint-every', '5'], '--checkpoint-every'],
      [['--task', 'classification', '--resume'], '--resume'],
      [['--task', 'classification', '--dim', '10', '--heads', '3'], 'heads'],
      [['--task', 'classification', '--backend', 'tensorflow', '--steps', '1'], '@tensorflow/tfjs-node-gpu'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(...args, '--out', out)));
    for (const [i, [args, name]] of cases.entries()) {
      const r = results[i]!;
      assert.equal(r.status, 2, `${args.join(' ')}: exit code (stderr: ${r.stderr})`);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'));
      assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
      assert.ok(lines[0]!.includes(name), `${args.join(' ')}: names ${name}: ${lines[0]}`);
      assert.ok(!existsSync(out), `${args.join(' ')}: no result file`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
