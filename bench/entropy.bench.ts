/**
 * Controlled-experiment benchmark: `runEntropyExperiment` (single thread, float64)
 * against a vectorised numpy version of the same experiment (bench/peers/entropy_numpy.py) at
 * the size: kinds softmax, relu-kernel, elu1-kernel, σ = 0.5, 1, 2, 4, 8, N = 20, d = 5,
 * 40 000 trials. Reported: compute time (median of repeats, sampling loops only for vsflow, the
 * experiment function only for numpy), the ratio, and the largest |Δ mean|/combined s.e. of
 * the entropy between the two (a sanity check that they compute the same thing).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runEntropyExperiment } from '../src/experiments/entropy.js';
import type { BenchModule } from './types.js';

const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

interface PeerOut {
  ms: number[];
  numpy: string;
  cells: { kind: string; sigma: number; entropy: { mean: number; se: number } }[];
}

const bench: BenchModule = async ({ quick, log }) => {
  const job = { kinds: ['softmax', 'relu-kernel', 'elu1-kernel'] as const, sigmas: [0.5, 1, 2, 4, 8], n: 20, d: 5, trials: quick ? 4000 : 40000, seed: 0, bins: 40 };
  const repeats = quick ? 3 : 7;
  const ours: number[] = [];
  const wall: number[] = [];
  const cpu: number[] = [];
  let last = runEntropyExperiment({ ...job, kinds: [...job.kinds] }); // warm-up (JIT)
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    last = runEntropyExperiment({ ...job, kinds: [...job.kinds] });
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    // CPU time of this process (user + system): less sensitive to other load on the machine.
    cpu.push((c.user + c.system) / 1000);
    ours.push(last.computeMs);
  }
  const oursMs = median(ours);
  log(`vsflow: ${oursMs.toFixed(1)} ms compute (median of ${repeats}; wall incl. summaries ${median(wall).toFixed(1)} ms; CPU ${median(cpu).toFixed(1)} ms)`);
  const rows = [`| vsflow (TypeScript, float64, 1 thread) | ${oursMs.toFixed(1)} | 1.0× |`];
  let note = '';
  const py = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (py.status !== 0) {
    note = 'python3 with numpy not available: peer skipped.';
    log(note);
  } else {
    const r = spawnSync('python3', [`${PEERS}entropy_numpy.py`], { input: JSON.stringify({ ...job, repeats: quick ? 2 : 5 }), encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
    if (r.status !== 0) throw new Error(`entropy_numpy.py failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as PeerOut;
    const peerMs = median(out.ms);
    let zmax = 0;
    for (const c of out.cells) {
      const mine = last.cells.find((x) => x.kind === c.kind && x.sigma === c.sigma)!;
      zmax = Math.max(zmax, Math.abs(mine.entropy.mean - c.entropy.mean) / Math.hypot(mine.entropy.se, c.entropy.se));
    }
    log(`numpy ${out.numpy}: ${peerMs.toFixed(1)} ms; ratio ${(peerMs / oursMs).toFixed(2)}×; max |Δ mean entropy| = ${zmax.toFixed(2)} s.e.`);
    rows.push(`| numpy ${out.numpy} (vectorised, chunks of 20 000 trials) | ${peerMs.toFixed(1)} | ${(peerMs / oursMs).toFixed(2)}× |`);
    note = `Entropy means agree within ${zmax.toFixed(2)} combined standard errors (different random streams).`;
  }
  const markdown = [
    `Controlled experiment of \`vsflow entropy\`: ${job.kinds.join(', ')}; σ = ${job.sigmas.join(', ')}; N = ${job.n}, d = ${job.d}, ${job.trials} trials (q = e₁, keys shared over σ and kinds, entropy/logit variance/max P/skewness/histogram per cell). vsflow CPU time (process user + system, median): ${median(cpu).toFixed(1)} ms.`,
    '',
    '| implementation | compute ms (median) | numpy time / this |',
    '|---|---|---|',
    ...rows,
    '',
    note,
  ].join('\n');
  return { title: 'Entropy experiment (vsflow entropy) vs numpy', markdown };
};

export default bench;
