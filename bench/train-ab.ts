/**
 * A/B of the wasm kernels of src/train/kernels/ (SIMD BatchMatMul, tiled Transpose, sharing Identity, one-pass Softmax gradient) against
 * tfjs's own on the wasm training step: `nice -n 10 npx tsx bench/train-ab.ts [rounds] [steps]`. Interleaved rounds
 * (icl off, icl on, cls off, cls on), each a fresh run of the bench models with 3 warm-up steps
 * then `steps` timed steps; prints the median over rounds of the per-round median wall and CPU
 * ms per step, and checks that both variants give the same losses bit for bit.
 * Not part of `npm run bench`.
 */
import { loadavg } from 'node:os';
import { loadBackend, resolveTrainConfig, trainRun, type TrainConfig } from '../src/train/index.js';
import { installWasmBatchMatMul, uninstallWasmBatchMatMul } from '../src/train/kernels/wasm-batch-matmul.js';
import { installWasmTranspose, uninstallWasmTranspose } from '../src/train/kernels/wasm-transpose.js';
import { installWasmIdentity, uninstallWasmIdentity } from '../src/train/kernels/wasm-identity.js';
import { installWasmSoftmaxGrad, uninstallWasmSoftmaxGrad } from '../src/train/kernels/wasm-softmax-grad.js';

const rounds = Number(process.argv[2] ?? 5);
const steps = Number(process.argv[3] ?? 20);
const warmup = 3;
const MODELS: { id: string; task: 'icl-regression' | 'classification'; config: Partial<TrainConfig> }[] = [
  { id: 'icl', task: 'icl-regression', config: { layers: 3, batchSize: 256, lr: 0.01 } },
  { id: 'cls', task: 'classification', config: { heads: 4, width: 64, batchSize: 512 } },
];
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function run(task: 'icl-regression' | 'classification', config: Partial<TrainConfig>, simd: boolean): Promise<{ wall: number; cpu: number; losses: number[] }> {
  const info = await loadBackend('wasm');
  if (simd) {
    installWasmBatchMatMul();
    installWasmTranspose();
    installWasmIdentity();
    installWasmSoftmaxGrad();
  } else {
    uninstallWasmBatchMatMul();
    uninstallWasmTranspose();
    uninstallWasmIdentity();
    uninstallWasmSoftmaxGrad();
  }
  const c = resolveTrainConfig(task, { ...config, steps: steps + warmup, metricsEvery: 1e9, evalEvery: 0, evalSize: 1 });
  const wall: number[] = [];
  const cpu: number[] = [];
  const losses: number[] = [];
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  await trainRun(c, info, {
    onRecord: (r) => {
      if (r.type !== 'step') return;
      const now = performance.now();
      const u = process.cpuUsage(lastCpu);
      losses.push(r.loss);
      if (r.step >= warmup) {
        wall.push(now - last);
        cpu.push((u.user + u.system) / 1000);
      }
      last = now;
      lastCpu = process.cpuUsage();
    },
  });
  return { wall: median(wall), cpu: median(cpu), losses };
}

const res: Record<string, { wall: number[]; cpu: number[] }> = {};
const loads: number[] = [];
for (let r = 0; r < rounds; r++) {
  loads.push(loadavg()[0]!);
  for (const m of MODELS) {
    const off = await run(m.task, m.config, false);
    const on = await run(m.task, m.config, true);
    const same = off.losses.length === on.losses.length && off.losses.every((x, i) => Object.is(x, on.losses[i]));
    if (!same) throw new Error(`${m.id}: losses differ between tfjs's kernels and src/train/kernels/`);
    for (const [k, v] of [[`${m.id} tfjs`, off], [`${m.id} simd`, on]] as const) {
      res[k] ??= { wall: [], cpu: [] };
      res[k].wall.push(v.wall);
      res[k].cpu.push(v.cpu);
    }
    console.log(`round ${r + 1}/${rounds} ${m.id}: tfjs ${off.wall.toFixed(1)} (${off.cpu.toFixed(1)} CPU) ms/step, simd ${on.wall.toFixed(1)} (${on.cpu.toFixed(1)} CPU), losses bitwise equal`);
  }
}
loads.push(loadavg()[0]!);
for (const [k, v] of Object.entries(res)) console.log(`${k.padEnd(9)} median ${median(v.wall).toFixed(1)} ms/step wall, ${median(v.cpu).toFixed(1)} ms CPU`);
console.log(`load average: ${loads.map((l) => l.toFixed(1)).join(', ')}`);
