/**
 * Warm CPU time of a `simulate` call on the reduced (u, a) path, old build vs new build: logistic
 * 2×8, 16×64 and 64×512 (randomProblem({ loss: 'logistic', d, n, seed: 1, vScale: 0.1, aScale: 0 }),
 * dop853, rtol 1e-8, atol 1e-10, t = 1e5, saveAt [0, t]; the benchmark's flow cases). Each build
 * runs alone in its own child process (alternating old, new; new, old; …), so neither pays for the
 * other's garbage or JIT state: per case, warm-up calls, then `--rounds` blocks of calls timed by
 * process CPU time (user + system; on a shared machine wall time also counts waiting), median
 * per process; reported: the median and the minimum over `--processes` processes per build (the
 * per-process medians are bimodal on the shared 2-core machine, ~30% apart, for either build). First checks in this
 * process that both builds give the same end state and stats.
 *
 * Usage (both checkouts built): npx tsx bench/reduced-overhead-ab.ts --old /work/main [--new .]
 *   [--processes 5] [--rounds 15] [--verbose]
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, median } from './stats.js';

type Lib = {
  simulate: (problem: unknown, options: Record<string, unknown>) => { state: unknown; stats: { steps: number; rhsEvals: number } };
  randomProblem: (o: Record<string, unknown>) => Record<string, unknown>;
};
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const load = async (dir: string): Promise<Lib> => (await import(pathToFileURL(join(dir, 'dist/src/index.js')).href)) as Lib;

const CASES = [
  { d: 2, n: 8, calls: 40 },
  { d: 16, n: 64, calls: 15 },
  { d: 64, n: 512, calls: 2 },
];
const OPTS = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd: 1e5, saveAt: [0, 1e5] };
const spec = (lib: Lib, c: { d: number; n: number }): Record<string, unknown> => lib.randomProblem({ loss: 'logistic', d: c.d, n: c.n, seed: 1, vScale: 0.1, aScale: 0 });

/** Child: median CPU ms per call for each case, one build. */
function solo(lib: Lib, rounds: number): number[] {
  return CASES.map((c) => {
    const P = spec(lib, c);
    for (let i = 0; i < 50 * c.calls; i++) lib.simulate(P, OPTS);
    const ms: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < c.calls; i++) lib.simulate(P, OPTS);
      const c1 = process.cpuUsage(c0);
      ms.push((c1.user + c1.system) / 1000 / c.calls);
    }
    return median(ms);
  });
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '15'));
  const soloDir = arg('solo', undefined);
  if (soloDir !== undefined) {
    console.log(JSON.stringify(solo(await load(resolve(soloDir)), rounds)));
    return;
  }
  const oldDir = resolve(arg('old', '/work/main')!);
  const newDir = resolve(arg('new', ROOT)!);
  const processes = Number(arg('processes', '5'));
  const oldLib = await load(oldDir);
  const newLib = await load(newDir);
  for (const c of CASES) {
    const a = oldLib.simulate(spec(oldLib, c), OPTS);
    const b = newLib.simulate(spec(newLib, c), OPTS);
    const same = JSON.stringify([a.state, a.stats.steps, a.stats.rhsEvals]) === JSON.stringify([b.state, b.stats.steps, b.stats.rhsEvals]);
    if (!same) throw new Error(`logistic ${c.d}×${c.n}: the builds differ`);
  }
  const runs: Record<'old' | 'new', number[][]> = { old: [], new: [] };
  for (let i = 0; i < processes; i++) {
    const order: ['old' | 'new', string][] = i % 2 === 0 ? [['old', oldDir], ['new', newDir]] : [['new', newDir], ['old', oldDir]];
    for (const [name, dir] of order) {
      const p = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--solo', dir, '--rounds', String(rounds)], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`solo ${name} failed: ${p.stderr}`);
      runs[name].push(JSON.parse(p.stdout.trim().split('\n').pop()!) as number[]);
    }
  }
  CASES.forEach((c, j) => {
    const mo = median(runs.old.map((r) => r[j]!));
    const mn = median(runs.new.map((r) => r[j]!));
    if (process.argv.includes('--verbose')) console.log(JSON.stringify({ old: runs.old.map((r) => r[j]), new: runs.new.map((r) => r[j]) }));
    const lo = Math.min(...runs.old.map((r) => r[j]!));
    const ln = Math.min(...runs.new.map((r) => r[j]!));
    console.log(`logistic ${c.d}×${c.n}: median old ${mo.toFixed(3)} ms, new ${mn.toFixed(3)} ms, new/old ${(mn / mo).toFixed(3)}; min old ${lo.toFixed(3)}, new ${ln.toFixed(3)}, new/old ${(ln / lo).toFixed(3)} (CPU per call over ${processes} processes each)`);
  });
}

await main();
