/**
 * Per-kernel profile of the bench training step on a backend (tf.profile over 12 steps after 3
 * warm-up steps): `npx tsx bench/train-profile.ts icl|cls [wasm|cpu]`. DETAIL=1 lists the
 * BatchMatMul and Transpose calls of one step with their shapes. Not part of `npm run bench`.
 */
import { loadBackend, resolveTrainConfig } from '../src/train/index.js';
import { Optimizer, TASKS, TransformerModel, toTensors } from '../src/train/tensors.js';
import { tf } from '../src/train/tf.js';
import { Rng } from '../src/core/rng.js';
const which = process.argv[2] ?? 'icl';
const backend = (process.argv[3] ?? 'wasm') as 'wasm';
await loadBackend(backend);
const c = which === 'icl' ? resolveTrainConfig('icl-regression', { layers: 3, batchSize: 256, lr: 0.01 }) : resolveTrainConfig('classification', { heads: 4, width: 64, batchSize: 512 });
const task = TASKS[c.task];
const model = new TransformerModel(task.model(c), new Rng(0).fork(0));
const opt = new Optimizer({ name: c.optimizer, lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay, clipNorm: c.clipNorm }, model.params);
const varList = [...model.params.values()];
const nameOf = new Map([...model.params].map(([n, v]) => [v.name, n]));
const agg = new Map<string, { ms: number; n: number }>();
let dataMs = 0, stepMs = 0;
const R = 12;
for (let s = 0; s < R + 3; s++) {
  const t0 = performance.now();
  const host = task.batch(new Rng(0).fork(s + 1), c);
  const t1 = performance.now();
  const prof = await tf.profile(async () => {
    const { input, target } = toTensors(host);
    const { value, grads } = tf.variableGrads(() => task.loss(model.forward(input, 1).out, target), varList);
    const named: Record<string, tf.Tensor> = {};
    for (const [vn, g] of Object.entries(grads)) named[nameOf.get(vn)!] = g;
    const n = opt.apply(named);
    await value.data(); await n.data();
    for (const g of Object.values(grads)) g.dispose();
    value.dispose(); n.dispose(); input.dispose(); target.dispose();
  });
  const t2 = performance.now();
  if (s < 3) continue;
  dataMs += t1 - t0; stepMs += t2 - t1;
  for (const k of prof.kernels) {
    if (process.env.DETAIL && (k.name === 'BatchMatMul' || k.name === 'Transpose') && s === 5) console.log(k.name, JSON.stringify(k.inputShapes), ((await k.kernelTimeMs) as number).toFixed(2));
    const e = agg.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += (await k.kernelTimeMs) as number; e.n++;
    agg.set(k.name, e);
  }
}
const rows = [...agg].sort((a, b) => b[1].ms - a[1].ms);
const tot = rows.reduce((a, r) => a + r[1].ms, 0);
console.log(`${which} ${backend}: data ${(dataMs / R).toFixed(2)} ms, profiled step ${(stepMs / R).toFixed(2)} ms (kernels ${(tot / R).toFixed(2)} ms)`);
for (const [name, e] of rows.slice(0, 18)) console.log(`${name.padEnd(22)} ${(e.ms / R).toFixed(3).padStart(8)} ms  ${(e.n / R).toFixed(0).padStart(4)} calls  ${((100 * e.ms) / tot).toFixed(1)}%`);
