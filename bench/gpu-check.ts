/**
 * Second half of bench/gpu-check.sh: STEPS training steps of the in-context (icl: 3 layers, width
 * 6, batch 256) and CLS (1 layer, 4 heads, width 64, batch 512) models on wasm and on each GPU
 * backend that loads (tensorflow = tfjs-node-gpu, webgpu = Dawn); the first 3 losses must match
 * wasm's to float32 tolerance (rtol 1e-4: same weights and data, other summation orders); prints
 * median ms/step after 3 warm-up steps. Exit 1 when a loaded backend disagrees with wasm.
 */
import { loadBackend, resolveTrainConfig, trainRun, type BackendInfo, type TrainConfig } from '../src/train/index.js';

const STEPS = Number(process.env.STEPS ?? 20);
const MODELS: { id: string; task: 'icl-regression' | 'classification'; config: Partial<TrainConfig> }[] = [
  { id: 'icl', task: 'icl-regression', config: { layers: 3, batchSize: 256, lr: 0.01 } },
  { id: 'cls', task: 'classification', config: { heads: 4, width: 64, batchSize: 512 } },
];

async function run(info: BackendInfo, task: 'icl-regression' | 'classification', config: Partial<TrainConfig>): Promise<{ losses: number[]; ms: number }> {
  const c = resolveTrainConfig(task, { ...config, steps: STEPS + 3, metricsEvery: 1e9, evalEvery: 0, evalSize: 1 });
  const times: number[] = [];
  let last = performance.now();
  const r = await trainRun(c, info, {
    onRecord: (x) => {
      if (x.type !== 'step') return;
      const now = performance.now();
      if (x.step >= 3) times.push(now - last);
      last = now;
    },
  });
  times.sort((a, b) => a - b);
  return { losses: r.records.map((x) => x.loss), ms: times[times.length >> 1] ?? NaN };
}

const reference: Record<string, { losses: number[]; ms: number }> = {};
const wasm = await loadBackend('wasm');
for (const m of MODELS) reference[m.id] = await run(wasm, m.task, m.config);
console.log(`wasm: ${MODELS.map((m) => `${m.id} ${reference[m.id]!.ms.toFixed(1)} ms/step`).join(', ')}`);
let bad = 0;
for (const name of ['tensorflow', 'webgpu'] as const) {
  let info: BackendInfo;
  try {
    info = await loadBackend(name);
  } catch (e) {
    console.log(`${name}: not available: ${(e as Error).message}`);
    continue;
  }
  console.log(`${name}: loaded (${info.package}${info.adapter ? `, adapter ${info.adapter}` : ''})`);
  for (const m of MODELS) {
    const t0 = performance.now();
    const r = await run(info, m.task, m.config);
    const ref = reference[m.id]!;
    const worst = Math.max(...[0, 1, 2].map((i) => Math.abs(r.losses[i]! - ref.losses[i]!) / Math.abs(ref.losses[i]!)));
    const ok = worst <= 1e-4;
    if (!ok) bad++;
    console.log(`${name} ${m.id}: ${r.ms.toFixed(2)} ms/step (wasm ${ref.ms.toFixed(1)}, ${(ref.ms / r.ms).toFixed(1)}× faster), first 3 losses rel. diff ${worst.toExponential(1)} ${ok ? 'OK' : 'MISMATCH (> 1e-4)'}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
process.exit(bad === 0 ? 0 : 1);
