/**
 * Which reading of the Lipschitz paper's in-context-regression model (B.3, T-1; readings in
 * src/train/icl-reading.ts) trains the kernel attentions stably at the paper's lr 0.5 while
 * softmax collapses: short runs of each reading × attention kind, one line each. Not a timed
 * test; the evidence behind the T-1 settings in theory/training-predictions.md.
 *
 *   npx tsx bench/icl-readings.ts --steps 300 --batch 1000 --readings code,dense-scaled --kinds softmax,elu1-kernel
 *
 * Readings: `ours` (dense, no 1/n, no mask, init 0.3/√fan_in: the first
 * reconstruction), `dense-scaled` (dense + 1/n + query value mask + init std 0.05), `code` (the
 * code's sparse layout + 1/n + mask + readout −1 + init std 0.05), `code-1e-4` (the same with
 * init std 1e-4, the notebook whose batch 4000, clip 1000, 10 000 steps the paper's Table 1
 * lists). Prints JSON lines.
 */
import { loadBackend, resolveTrainConfig, trainRun, type TrainConfig } from '../src/train/index.js';

const READINGS: Record<string, Partial<TrainConfig>> = {
  ours: {},
  'dense-scaled': { iclOutputScale: 'context', iclQueryMask: 'value', initStd: 0.05 },
  'dense-scaled-1e-4': { iclOutputScale: 'context', iclQueryMask: 'value', initStd: 1e-4 },
  'dense-scaled-nomask': { iclOutputScale: 'context', initStd: 0.05 },
  'dense-mask': { iclQueryMask: 'value', initStd: 0.05 },
  code: { iclStructure: 'sparse', iclOutputScale: 'context', iclQueryMask: 'value', iclReadoutSign: -1, initStd: 0.05 },
  'code-plus': { iclStructure: 'sparse', iclOutputScale: 'context', iclQueryMask: 'value', iclReadoutSign: 1, initStd: 0.05 },
  'code-1e-4': { iclStructure: 'sparse', iclOutputScale: 'context', iclQueryMask: 'value', iclReadoutSign: -1, initStd: 1e-4 },
  'code-noscale': { iclStructure: 'sparse', iclQueryMask: 'value', iclReadoutSign: -1, initStd: 0.05 },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const steps = Number(arg('steps', '300'));
const batchSize = Number(arg('batch', '1000'));
const lr = Number(arg('lr', '0.5'));
const seeds = arg('seeds', '0').split(',').map(Number);
const context = Number(arg('context', '19'));
const readings = arg('readings', Object.keys(READINGS).join(',')).split(',');
const kinds = arg('kinds', 'softmax,qk-layernorm,relu-kernel,elu1-kernel').split(',');
const metricsEvery = Number(arg('metrics-every', '5'));
const info = await loadBackend('wasm');
for (const reading of readings) {
  const o = READINGS[reading];
  if (o === undefined) throw new Error(`unknown reading ${reading}`);
  for (const kind of kinds) {
    for (const seed of seeds) {
      const c = resolveTrainConfig('icl-regression', { ...o, attention: kind as TrainConfig['attention'], steps, batchSize, lr, seed, metricsEvery, metricSamples: 32, iclContext: context });
      const r = await trainRun(c, info);
      const fin = r.records.filter((x) => x.layers !== undefined && Number.isFinite(x.loss));
      const minLayer = (l: number): number => Math.min(...fin.map((x) => x.layers![l]!.entropy));
      const perLayerMin = Array.from({ length: c.layers }, (_, l) => +minLayer(l).toFixed(3));
      const last = fin.at(-1);
      console.log(
        JSON.stringify({
          reading,
          kind,
          seed,
          steps,
          batchSize,
          lr,
          status: r.status,
          divergedStep: r.summary.divergedStep,
          firstLoss: +r.records[0]!.loss.toPrecision(4),
          finalLoss: +r.summary.finalLoss.toPrecision(4),
          maxGradNorm: +r.summary.maxGradNorm.toPrecision(4),
          minEntropyPerLayer: perLayerMin,
          lastEntropyPerLayer: last?.layers?.map((l) => +l.entropy.toFixed(3)),
          lastFrobenius: last?.layers?.map((l) => +l.frobenius.toFixed(3)),
          wallS: +(r.wallTimeMs / 1000).toFixed(1),
        }),
      );
    }
  }
}
