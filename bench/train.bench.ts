/**
 * Training benchmark: milliseconds per training step (forward, backward, optimiser
 * update; attention metrics off) of the in-context-regression model (3 attention-only layers,
 * width 6, 20 tokens, batch 256, SGD momentum) and the CLS classifier (1 layer, 4 heads, width
 * 64, 11 tokens, batch 512, AdamW) on each available tfjs backend, beside the same models in
 * PyTorch on CPU (bench/peers/train_torch.py) when python3 with torch is installed. The native
 * `tensorflow` backend is listed when @tensorflow/tfjs-node(-gpu) loads, skipped otherwise.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadBackend, resolveTrainConfig, trainRun, type BackendName, type TrainConfig } from '../src/train/index.js';
import type { BenchModule } from './types.js';

const PEER = fileURLToPath(new URL('./peers/train_torch.py', import.meta.url));

const MODELS: { name: string; task: 'icl-regression' | 'classification'; config: Partial<TrainConfig> }[] = [
  { name: 'icl-regression (3 layers, width 6, N = 20, batch 256)', task: 'icl-regression', config: { layers: 3, batchSize: 256, lr: 0.01 } },
  { name: 'classification (1 layer, 4 heads, width 64, N = 11, batch 512)', task: 'classification', config: { heads: 4, width: 64, batchSize: 512 } },
];

/** Median ms per step over `steps` timed steps after `warmup` steps (one run, wall clock per step). */
async function msPerStep(backend: BackendName, task: 'icl-regression' | 'classification', config: Partial<TrainConfig>, steps: number, warmup: number): Promise<number> {
  const info = await loadBackend(backend);
  const c = resolveTrainConfig(task, { ...config, steps: steps + warmup, metricsEvery: 1e9, evalEvery: 0, evalSize: 1 });
  const times: number[] = [];
  let last = performance.now();
  await trainRun(c, info, {
    onRecord: (r) => {
      if (r.type !== 'step') return;
      const now = performance.now();
      if (r.step >= warmup) times.push(now - last);
      last = now;
    },
  });
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

function torchPeer(quick: boolean): { icl: number; cls: number } | string {
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch peer skipped: python3 with torch is not installed here';
  const r = spawnSync('python3', [PEER, quick ? '20' : '100'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return `PyTorch peer failed: ${r.stderr.trim().split('\n').at(-1)}`;
  return JSON.parse(r.stdout) as { icl: number; cls: number };
}

const bench: BenchModule = async ({ quick, log }) => {
  const steps = quick ? 10 : 40;
  const warmup = 3;
  const backends: BackendName[] = ['cpu', 'wasm'];
  try {
    await loadBackend('tensorflow');
    backends.push('tensorflow');
  } catch (e) {
    log(`tensorflow backend skipped: ${(e as Error).message.split(';')[0]}`);
  }
  const rows: string[] = [];
  const results: Record<string, number[]> = {};
  for (const b of backends) {
    results[b] = [];
    for (const m of MODELS) {
      const ms = await msPerStep(b, m.task, m.config, m.task === 'classification' && b === 'cpu' ? Math.min(steps, 10) : steps, warmup);
      results[b]!.push(ms);
      log(`${b} ${m.task}: ${ms.toFixed(1)} ms/step`);
    }
  }
  const peer = torchPeer(quick);
  if (typeof peer === 'string') log(peer);
  const header = `| model | ${backends.map((b) => `tfjs ${b} (ms/step)`).join(' | ')} | PyTorch CPU (ms/step) | wasm / PyTorch |`;
  rows.push(header, `|${'---|'.repeat(backends.length + 3)}`);
  MODELS.forEach((m, i) => {
    const t = typeof peer === 'string' ? null : i === 0 ? peer.icl : peer.cls;
    rows.push(`| ${m.name} | ${backends.map((b) => results[b]![i]!.toFixed(1)).join(' | ')} | ${t === null ? 'n/a' : t.toFixed(1)} | ${t === null ? 'n/a' : (results.wasm![i]! / t).toFixed(2)} |`);
  });
  const notes = [
    '',
    `Median wall time per step over ${steps} steps after ${warmup} warm-up steps, float32, Node ${process.version}, ${quick ? 'quick' : 'full'} mode. Attention metrics and evaluation are off while timing.`,
    typeof peer === 'string'
      ? `${peer}. Reference only, not measured by this run: docs/benchmarks.md records PyTorch 1.13 CPU (2 threads) at 15.6 ms/step for a 3-layer in-context model (batch 256) and 35.9 ms/step for a one-layer 4-head width-64 classifier (batch 512, 5 tokens), against tfjs wasm 34 and 144 ms/step on the same machines (the classifier here has 11 tokens). Against those references this run's wasm steps are ${(results.wasm![0]! / 15.6).toFixed(2)}× and ${(results.wasm![1]! / 35.9).toFixed(2)}× PyTorch (target ≤ 2×), an indicative comparison only.`
      : 'PyTorch: the same models and optimisers (bench/peers/train_torch.py), torch.set_num_threads = os.cpu_count().',
    'The native tensorflow backend (tfjs-node / tfjs-node-gpu) could not be installed on the benchmark machine (no GPU, libtensorflow download blocked); its column appears where it loads.',
  ];
  return { title: 'Training step time (tfjs backends vs PyTorch CPU)', markdown: [...rows, ...notes].join('\n') };
};

export default bench;
