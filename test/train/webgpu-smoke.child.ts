// Child of webgpu.test.ts (and bench/webgpu-smoke.sh): a few training steps of small models on
// webgpu and on wasm, same config and seed; prints one JSON line: the adapter, and per model the
// per-step losses, gradient norms, the layer-1 attention entropy of the metric steps, eval losses,
// and ms/step. The 3-layer icl model has 9 parameter tensors, so the optimizer's tf.addN of
// their squared norms exercises kernels/webgpu-addn.ts (tfjs's own AddN fails past 7 inputs).
import { tf } from '../../src/train/tf.js';
import { loadBackend, resolveTrainConfig, trainRun, type TrainConfig } from '../../src/train/index.js';

const STEPS = Number(process.env.SMOKE_STEPS ?? 4);
const MODELS: { id: string; task: 'icl-regression' | 'classification' | 'induction'; config: Partial<TrainConfig> }[] = [
  { id: 'icl', task: 'icl-regression', config: { layers: 3, batchSize: 16, metricsEvery: 2, metricSamples: 4 } },
  { id: 'cls', task: 'classification', config: { layers: 1, heads: 4, width: 16, batchSize: 16, metricsEvery: 2, metricSamples: 4, evalEvery: 2, evalSize: 16 } },
  { id: 'induction', task: 'induction', config: { layers: 2, heads: 2, width: 16, mlp: 32, batchSize: 8, metricsEvery: 2, metricSamples: 2, evalEvery: 2, evalSize: 8, earlyStopAccuracy: 0 } },
];

interface Trace { loss: number[]; gradNorm: number[]; entropy: number[]; evalLoss: number[]; msPerStep: number }

async function trace(backend: 'webgpu' | 'wasm', task: (typeof MODELS)[number]['task'], config: Partial<TrainConfig>): Promise<Trace> {
  const info = await loadBackend(backend);
  const c = resolveTrainConfig(task, { ...config, steps: STEPS });
  const t0 = performance.now();
  const r = await trainRun(c, info);
  const msPerStep = (performance.now() - t0) / STEPS;
  const steps = r.records.filter((x) => x.type === 'step');
  return {
    loss: steps.map((x) => x.loss),
    gradNorm: steps.map((x) => x.gradNorm),
    entropy: steps.flatMap((x) => (x.layers === undefined ? [] : [x.layers[0]!.entropy])),
    evalLoss: r.evals.map((x) => x.loss),
    msPerStep,
  };
}

const gpu = await loadBackend('webgpu');
// Run with --expose-gc: a full collection here frees any Dawn instance that webgpu.ts failed
// to keep reachable, which then crashes or hangs the next read-back (docs/gpu.md).
(globalThis as { gc?: () => void }).gc?.();
const out: Record<string, unknown> = { adapter: gpu.adapter, backend: gpu.backend, steps: STEPS };
// 20 inputs: more than one shader can bind (kernels/webgpu-addn.ts chunks them); exact sums.
const xs = Array.from({ length: 20 }, (_, i) => tf.tensor1d([i + 1, 2 * (i + 1)]));
out['addN'] = { inputs: xs.length, sum: [...(await tf.addN(xs).data())] };
for (const m of MODELS) out[m.id] = { webgpu: await trace('webgpu', m.task, m.config), wasm: await trace('wasm', m.task, m.config) };
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
