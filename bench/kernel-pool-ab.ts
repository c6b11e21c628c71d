/**
 * Warm solves, old build vs new build, each alone in its own process: what pooling the private
 * kernel instances (src/wasm/kernels.ts `privateKernels` / `releaseKernels`) saves on the small
 * benchmark cases, where a new WebAssembly instance and the first touch of its fresh memory are a
 * visible part of a 0.25–1 ms solve.
 * - Check: both builds give the same final state, step counts and RHS counts (float64 bits) for
 *   each case with a formulation forced.
 * - Timing: child processes alternate old, new, new, old, …; each loads one build's dist/, warms
 *   up, then runs interleaved rounds over the cases (one call per case per round, the calls of a
 *   case batched to ≥ 2 ms of CPU) and reports the median CPU time (user + system, process.cpuUsage)
 *   per call, the median wall time, and the garbage collections it saw (PerformanceObserver 'gc':
 *   count and total ms, per 1000 timed calls). Reported: the median over children of those medians.
 * Cases: dop853, rtol 1e-8, atol 1e-10, saveAt [0, tEnd]: logistic 2×8 and 16×64 and 64×512
 * (t = 1e5; reduced), square 2×8 (t = 1000; full), square 16×64 (t = 1000; low-rank, which takes
 * no private instance: a control), and square 2×8 with formulation auto (full before the size
 * rule of simulate's lowRankMinSize, low-rank after; not checked for bits); problems randomProblem({ loss, d, n,
 * seed: 1, vScale: 0.1, aScale }) (square 0.5, logistic 0) as in bench/flow.bench.ts.
 *
 * Usage (both folders built): npx tsx bench/kernel-pool-ab.ts --old /work/main [--new .]
 *   [--children 6] [--rounds 25]
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, arg, fmtMs as fmt } from './stats.js';

type Lib = {
  simulate: (problem: unknown, options: Record<string, unknown>) => { stats: { steps: number; accepted: number; rejected: number; rhsEvals: number; wallTimeMs: number }; state: unknown; config: { formulation: string } };
  randomProblem: (o: Record<string, unknown>) => unknown;
};

interface Case {
  label: string;
  loss: string;
  d: number;
  n: number;
  tEnd: number;
  aScale: number;
  formulation: string;
}

const CASES: Case[] = [
  { label: 'logistic 2×8', loss: 'logistic', d: 2, n: 8, tEnd: 1e5, aScale: 0, formulation: 'reduced' },
  { label: 'logistic 16×64', loss: 'logistic', d: 16, n: 64, tEnd: 1e5, aScale: 0, formulation: 'reduced' },
  { label: 'square 2×8', loss: 'square', d: 2, n: 8, tEnd: 1000, aScale: 0.5, formulation: 'full' },
  { label: 'logistic 64×512', loss: 'logistic', d: 64, n: 512, tEnd: 1e5, aScale: 0, formulation: 'reduced' },
  { label: 'square 16×64', loss: 'square', d: 16, n: 64, tEnd: 1000, aScale: 0.5, formulation: 'low-rank' },
  // auto: full before the size rule of lowRankMinSize, low-rank after it (not bitwise the same).
  { label: 'square 2×8 auto', loss: 'square', d: 2, n: 8, tEnd: 1000, aScale: 0.5, formulation: 'auto' },
];

const load = async (dir: string): Promise<Lib> => (await import(pathToFileURL(join(dir, 'dist/src/index.js')).href)) as Lib;
const opts = (c: Case): Record<string, unknown> => ({ method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd: c.tEnd, saveAt: [0, c.tEnd], formulation: c.formulation });

/** Final state, stats and formulation as float64 bits (wall time left out). */
function fingerprint(lib: Lib, c: Case): string {
  const r = lib.simulate(lib.randomProblem({ loss: c.loss, d: c.d, n: c.n, seed: 1, vScale: 0.1, aScale: c.aScale }), opts(c));
  const view = new DataView(new ArrayBuffer(8));
  const { wallTimeMs: _w, ...stats } = r.stats;
  return JSON.stringify({ state: r.state, stats, formulation: r.config.formulation }, (_k, v: unknown) => {
    if (typeof v !== 'number') return v;
    view.setFloat64(0, v);
    return view.getBigUint64(0).toString(16);
  });
}

interface ChildOut {
  cpu: number[];
  wall: number[];
  gcCount: number;
  gcMs: number;
  calls: number;
  formulations: string[];
}

async function child(dir: string, rounds: number): Promise<void> {
  const lib = await load(dir);
  const problems = CASES.map((c) => lib.randomProblem({ loss: c.loss, d: c.d, n: c.n, seed: 1, vScale: 0.1, aScale: c.aScale }));
  const formulations = CASES.map((c, i) => lib.simulate(problems[i], opts(c)).config.formulation);
  // Warm-up and batch sizes: calls per measurement so that one measurement is ≥ 2 ms of CPU.
  const batch = CASES.map((c, i) => {
    for (let k = 0; k < 20; k++) lib.simulate(problems[i], opts(c));
    const t0 = process.cpuUsage();
    lib.simulate(problems[i], opts(c));
    const us = process.cpuUsage(t0);
    return Math.max(1, Math.ceil(2000 / Math.max(1, us.user + us.system)));
  });
  let gcCount = 0;
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcCount++;
      gcMs += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const cpu: number[][] = CASES.map(() => []);
  const wall: number[][] = CASES.map(() => []);
  let calls = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < CASES.length; i++) {
      const o = opts(CASES[i]!);
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      for (let k = 0; k < batch[i]!; k++) lib.simulate(problems[i], o);
      const w = performance.now() - w0;
      const c = process.cpuUsage(c0);
      calls += batch[i]!;
      cpu[i]!.push((c.user + c.system) / 1000 / batch[i]!);
      wall[i]!.push(w / batch[i]!);
    }
  }
  await new Promise((res) => setTimeout(res, 50));
  obs.disconnect();
  const out: ChildOut = { cpu: cpu.map(median), wall: wall.map(median), gcCount, gcMs, calls, formulations };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const childDir = arg('child', undefined);
  const rounds = Number(arg('rounds', '25'));
  if (childDir !== undefined) return child(childDir, rounds);
  const oldDir = resolve(arg('old', '/work/main')!);
  const newDir = resolve(arg('new', '.')!);
  const children = Number(arg('children', '6'));
  const [oldLib, newLib] = [await load(oldDir), await load(newDir)];
  let same = true;
  for (const c of CASES.filter((x) => x.formulation !== 'auto')) {
    const a = fingerprint(oldLib, c);
    const b = fingerprint(newLib, c);
    if (a !== b) {
      same = false;
      console.log(`DIFF ${c.label}\n  old ${a.slice(0, 200)}\n  new ${b.slice(0, 200)}`);
    }
  }
  console.log(`check: ${same ? 'same final states, steps and RHS counts (bits)' : 'DIFFERENT'}`);
  if (!same) process.exit(1);
  const script = fileURLToPath(import.meta.url);
  const runs: Record<'old' | 'new', ChildOut[]> = { old: [], new: [] };
  for (let k = 0; k < children; k++) {
    for (const which of k % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', which === 'old' ? oldDir : newDir, '--rounds', String(rounds)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
      runs[which].push(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildOut);
    }
  }
  console.log(`${children} processes per build × ${rounds} rounds; median over processes of each process's median per call`);
  console.log('case                 formulation  old CPU ms  new CPU ms  new/old   old wall  new wall');
  CASES.forEach((c, i) => {
    const o = median(runs.old.map((x) => x.cpu[i]!));
    const n = median(runs.new.map((x) => x.cpu[i]!));
    const ow = median(runs.old.map((x) => x.wall[i]!));
    const nw = median(runs.new.map((x) => x.wall[i]!));
    console.log(`${c.label.padEnd(20)} ${runs.new[0]!.formulations[i]!.padEnd(12)} ${fmt(o).padStart(10)}  ${fmt(n).padStart(10)}  ${(n / o).toFixed(2).padStart(7)}  ${fmt(ow).padStart(8)}  ${fmt(nw).padStart(8)}`);
  });
  for (const which of ['old', 'new'] as const) {
    const per = (f: (x: ChildOut) => number): string => fmt(median(runs[which].map((x) => (1000 * f(x)) / x.calls)));
    console.log(`${which}: per 1000 timed calls (median over processes): ${per((x) => x.gcCount)} GCs, ${per((x) => x.gcMs)} ms in GC`);
  }
}

await main();
