/**
 * GD on the Fig-2 problem against the authors' numpy loop (bench/peers/gd_numpy.py), alone and
 * quicker than the flow benchmark's GD row: interleaved rounds, each one numpy process, one
 * vsflow process with the WebAssembly kernels and one with VSFLOW_WASM=0 (the TypeScript twins).
 * A vsflow process warms up on 1e5 steps, then times three `simulate(..., {method: 'gd'})` runs
 * (CPU time, process.cpuUsage) and reports the fastest; the table shows medians over rounds.
 * Usage: `nice -n 10 npx tsx bench/gd-numpy.ts [rounds=3] [steps=1e6]`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { simulate } from '../src/experiments/simulate.js';
import { kernelBackend } from '../src/wasm/kernels.js';
import type { ProblemSpec } from '../src/models/problem.js';
import { ONE_BLAS_THREAD } from './stats.js';

const PEER = fileURLToPath(new URL('./peers/gd_numpy.py', import.meta.url));
const LR = 0.1;

interface Peer { problem: ProblemSpec; cpu_s: number[]; record_steps: number[] }
const peer = (steps: number, records: number): Peer =>
  JSON.parse(spawnSync('python3', [PEER], { input: JSON.stringify({ steps, lr: LR, records, repeats: 1 }), encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...ONE_BLAS_THREAD } }).stdout) as Peer;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

if (process.argv[2] === '--child') {
  const { problem, saveAt, steps } = JSON.parse(process.argv[3]!) as { problem: ProblemSpec; saveAt: number[]; steps: number };
  simulate(problem, { method: 'gd', lr: LR, tEnd: 1e5 * LR, saveAt: [0, 1e4] });
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const c = process.cpuUsage();
    simulate(problem, { method: 'gd', lr: LR, tEnd: steps * LR, saveAt });
    const u = process.cpuUsage(c);
    best = Math.min(best, (u.user + u.system) / 1000);
  }
  process.stdout.write(JSON.stringify({ ms: best, backend: kernelBackend() }));
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const steps = Number(process.argv[3] ?? 1e6);
  const times: Record<string, number[]> = { numpy: [], 'wasm-simd': [], typescript: [] };
  for (let r = 0; r < rounds; r++) {
    const np = peer(steps, 200);
    times.numpy!.push(np.cpu_s[0]! * 1000);
    const job = JSON.stringify({ problem: np.problem, saveAt: [0, ...np.record_steps.map((k) => k * LR)], steps });
    for (const wasm of ['1', '0']) {
      const out = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', job], { encoding: 'utf8', env: { ...process.env, VSFLOW_WASM: wasm } });
      const { ms, backend } = JSON.parse(out.stdout) as { ms: number; backend: string };
      times[backend]!.push(ms);
    }
    console.log(`round ${r + 1}: ${Object.entries(times).map(([k, v]) => `${k} ${v[v.length - 1]!.toFixed(1)} ms`).join(', ')}`);
  }
  const np = median(times.numpy!);
  for (const k of ['wasm-simd', 'typescript']) console.log(`${k}: ${median(times[k]!).toFixed(1)} ms, numpy ${np.toFixed(0)} ms, ratio ${(np / median(times[k]!)).toFixed(1)}×`);
}
