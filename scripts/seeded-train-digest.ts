// Seeded training digest: sha256 of the records, evals and attention maps of 24 short runs (4 tasks × softmax, relu-kernel, qk-layernorm × cpu, wasm). Run before and after a change to tfjs or src/train: identical output = bitwise identical seeded results. Usage: npx tsx scripts/seeded-train-digest.ts
import { createHash } from 'node:crypto';
import { loadBackend, resolveTrainConfig, trainRun } from '../src/train/index.js';
const out: Record<string, unknown> = {};
for (const backend of ['cpu', 'wasm'] as const) {
  const info = await loadBackend(backend);
  for (const [task, extra] of [['icl-regression', { steps: 4, batchSize: 64, layers: 3 }], ['classification', { steps: 4 }], ['induction', { steps: 3, batchSize: 16, evalEvery: 3, metricsEvery: 1 }], ['eureka', { steps: 3, batchSize: 64, evalSize: 100, metricsEvery: 1 }]] as const) {
    for (const attention of ['softmax', 'relu-kernel', 'qk-layernorm'] as const) {
      const c = resolveTrainConfig(task, { ...extra, attention }, true);
      const r = await trainRun(c, info);
      const payload = JSON.stringify({ records: r.records, evals: r.evals, maps: r.attentionMaps });
      out[`${backend}/${task}/${attention}`] = { loss0: r.records[0]!.loss, lossLast: r.records.at(-1)!.loss, sha: createHash('sha256').update(payload).digest('hex').slice(0, 16) };
    }
  }
}
console.log(JSON.stringify(out, null, 1));
