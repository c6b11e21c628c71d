// Child of webgpu.test.ts: one icl step and one CLS step on webgpu and on wasm; prints JSON.
import { loadBackend, resolveTrainConfig, trainRun } from '../../src/train/index.js';
const gpu = await loadBackend('webgpu');
const out: Record<string, unknown> = { adapter: gpu.adapter, backend: gpu.backend };
for (const task of ['icl-regression', 'classification'] as const) {
  const c = resolveTrainConfig(task, { steps: 1, batchSize: 8, layers: 1, width: task === 'classification' ? 16 : 6, metricsEvery: 1000, evalSize: 4, evalEvery: 0 });
  const g = await trainRun(c, await loadBackend('webgpu'));
  const w = await trainRun(c, await loadBackend('wasm'));
  out[task] = { webgpu: [g.records[0]!.loss, g.records[0]!.gradNorm], wasm: [w.records[0]!.loss, w.records[0]!.gradNorm] };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
