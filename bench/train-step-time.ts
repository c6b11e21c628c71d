/**
 * Step time of one bench training model on wasm, for comparing code revisions
 * (bench/train-rev-ab.sh runs it alternately in two source trees): `npx tsx
 * bench/train-step-time.ts icl|cls [ROUNDS] [STEPS]`. Each round is a fresh run of the
 * bench/train.bench.ts model (3 warm-up steps, then STEPS timed steps; attention metrics and
 * evaluation off); prints one JSON line: the median over rounds of the per-round median wall and
 * CPU ms per step, and a sha256 of every step's loss and gradient norm (equal digests = bitwise
 * equal training). Not part of `npm run bench`.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { loadBackend, resolveTrainConfig, trainRun } from '../src/train/index.js';

const which = process.argv[2] === 'cls' ? 'cls' : 'icl';
const rounds = Number(process.argv[3] ?? 3);
const steps = Number(process.argv[4] ?? 40);
const warmup = 3;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const info = await loadBackend('wasm');
const wall: number[] = [];
const cpu: number[] = [];
let digest = '';
for (let r = 0; r < rounds; r++) {
  const base = which === 'icl' ? resolveTrainConfig('icl-regression', { layers: 3, batchSize: 256, lr: 0.01 }) : resolveTrainConfig('classification', { heads: 4, width: 64, batchSize: 512 });
  const c = { ...base, steps: steps + warmup, metricsEvery: 1e9, evalEvery: 0, evalSize: 1 };
  const w: number[] = [];
  const u: number[] = [];
  const values: number[] = [];
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  await trainRun(c, info, {
    onRecord: (x) => {
      if (x.type !== 'step') return;
      const now = performance.now();
      const used = process.cpuUsage(lastCpu);
      values.push(x.loss, x.gradNorm);
      if (x.step >= warmup) {
        w.push(now - last);
        u.push((used.user + used.system) / 1000);
      }
      last = now;
      lastCpu = process.cpuUsage();
    },
  });
  wall.push(median(w));
  cpu.push(median(u));
  digest = createHash('sha256').update(new Float64Array(values)).digest('hex').slice(0, 16);
}
console.log(JSON.stringify({ model: which, wall: median(wall), cpu: median(cpu), digest, load: loadavg()[0] }));
