/**
 * Controlled-experiment benchmark: `runEntropyExperiment` (one thread, float64)
 * and `runEntropyExperimentParallel` (worker threads, `--workers auto`) against a vectorised
 * numpy version of the same experiment (bench/peers/entropy_numpy.py) at the issue's size:
 * kinds softmax, relu-kernel, elu1-kernel, σ = 0.5, 1, 2, 4, 8, N = 20, d = 5, 40 000 trials.
 *
 * Interleaved rounds (each round: one numpy run in its own python process, then vsflow in one
 * thread, then vsflow on worker threads), so that load on a shared machine hits every side
 * alike. Reported per side: median process CPU time (user + system; numpy: process_time of the
 * experiment call; vsflow: process.cpuUsage around the call, all threads) and median wall time.
 * The one-thread CPU ratio is the figure that load does not distort; the workers' wall time only
 * means something on an otherwise idle machine. Also: the largest |Δ mean entropy| / combined
 * s.e. between the two implementations (different random streams).
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runEntropyExperiment, type EntropyResult } from '../src/experiments/entropy.js';
import { runEntropyExperimentParallel } from '../src/experiments/entropy-parallel.js';
import { kernelBackend } from '../src/wasm/kernels.js';
import type { BenchModule } from './types.js';
import { median } from './stats.js';

const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));

interface PeerOut {
  ms: number[];
  cpuMs: number[];
  numpy: string;
  cells: { kind: string; sigma: number; entropy: { mean: number; se: number } }[];
}

async function timed(f: () => EntropyResult | Promise<EntropyResult>): Promise<{ wall: number; cpu: number; r: EntropyResult }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, r };
}

const bench: BenchModule = async ({ quick, log }) => {
  const job = { kinds: ['softmax', 'relu-kernel', 'elu1-kernel'] as const, sigmas: [0.5, 1, 2, 4, 8], n: 20, d: 5, trials: quick ? 4000 : 40000, seed: 0, bins: 40 };
  const opts = { ...job, kinds: [...job.kinds] };
  const rounds = quick ? 3 : 7;
  const workers = Math.max(1, availableParallelism());
  const py = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  const havePy = py.status === 0;
  // Warm-up (JIT; worker start-up code paths): WARMUP runs of each path. Since 2026-12-02 four
  // instead of one: the pooled workers' code settles only after 3–4 runs (2 workers, dist build,
  // ms per run: 242, 109, 118, 89, 83, 97, 81, 82, …; one thread: 160, 156, 156, …), so the
  // median of 7 rounds after one warm-up run still held the second to fourth runs' JIT work.
  const WARMUP = 4;
  for (let i = 0; i < WARMUP; i++) {
    runEntropyExperiment(opts);
    await runEntropyExperimentParallel(opts, { workers });
  }
  const one = { wall: [] as number[], cpu: [] as number[] };
  const par = { wall: [] as number[], cpu: [] as number[] };
  const np = { wall: [] as number[], cpu: [] as number[] };
  let last: EntropyResult | undefined;
  let peer: PeerOut | undefined;
  for (let round = 0; round < rounds; round++) {
    if (havePy) {
      const r = spawnSync('python3', [`${PEERS}entropy_numpy.py`], { input: JSON.stringify({ ...job, repeats: 1 }), encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000 });
      if (r.status !== 0) throw new Error(`entropy_numpy.py failed: ${r.stderr}`);
      peer = JSON.parse(r.stdout) as PeerOut;
      np.wall.push(peer.ms[0]!);
      np.cpu.push(peer.cpuMs[0]!);
    }
    const a = await timed(() => runEntropyExperiment(opts));
    one.wall.push(a.wall);
    one.cpu.push(a.cpu);
    last = a.r;
    const b = await timed(() => runEntropyExperimentParallel(opts, { workers }));
    par.wall.push(b.wall);
    par.cpu.push(b.cpu);
  }
  const f = (x: number): string => x.toFixed(1);
  log(`vsflow 1 thread: CPU ${f(median(one.cpu))} ms, wall ${f(median(one.wall))} ms; ${workers} workers: CPU ${f(median(par.cpu))} ms, wall ${f(median(par.wall))} ms (median of ${rounds} interleaved rounds)`);
  const rows = [
    `| vsflow (float64, ${kernelBackend()} kernels, 1 thread) | ${f(median(one.cpu))} | ${f(median(one.wall))} | ${havePy ? `${(median(np.cpu) / median(one.cpu)).toFixed(2)}×` : '–'} | ${havePy ? `${(median(np.wall) / median(one.wall)).toFixed(2)}×` : '–'} |`,
    `| vsflow, ${workers} worker threads | ${f(median(par.cpu))} | ${f(median(par.wall))} | – | ${havePy ? `${(median(np.wall) / median(par.wall)).toFixed(2)}×` : '–'} |`,
  ];
  let note = 'python3 with numpy not available: peer skipped.';
  if (havePy && peer && last) {
    let zmax = 0;
    for (const c of peer.cells) {
      const mine = last.cells.find((x) => x.kind === c.kind && x.sigma === c.sigma)!;
      zmax = Math.max(zmax, Math.abs(mine.entropy.mean - c.entropy.mean) / Math.hypot(mine.entropy.se, c.entropy.se));
    }
    log(`numpy ${peer.numpy}: CPU ${f(median(np.cpu))} ms, wall ${f(median(np.wall))} ms; CPU ratio ${(median(np.cpu) / median(one.cpu)).toFixed(2)}×; max |Δ mean entropy| = ${zmax.toFixed(2)} s.e.`);
    rows.push(`| numpy ${peer.numpy} (vectorised, chunks of 20 000 trials, 1 thread) | ${f(median(np.cpu))} | ${f(median(np.wall))} | 1.00× | 1.00× |`);
    note = `Entropy means agree within ${zmax.toFixed(2)} combined standard errors (different random streams).`;
  }
  log(note);
  const markdown = [
    `Controlled experiment of \`vsflow entropy\`: ${job.kinds.join(', ')}; σ = ${job.sigmas.join(', ')}; N = ${job.n}, d = ${job.d}, ${job.trials} trials (q = e₁, keys shared over σ and kinds, entropy/logit variance/max P/skewness/histogram per cell). Median of ${rounds} interleaved rounds after ${WARMUP} warm-up runs of each vsflow path (numpy process, vsflow 1 thread, vsflow ${workers} workers), process CPU time (user + system, all threads) and wall time; os.availableParallelism() = ${workers}.`,
    '',
    '| implementation | CPU ms | wall ms | numpy CPU / this | numpy wall / this |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    note,
  ].join('\n');
  return { title: 'Entropy experiment (vsflow entropy) vs numpy', markdown };
};

export default bench;
