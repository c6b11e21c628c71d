/**
 * Warm whole-call time of `simulate` on the reduced (u, a) path, old build vs new build: logistic
 * 2×8, 16×64 and 64×512 (randomProblem({ loss: 'logistic', d, n, seed: 1, vScale: 0.1, aScale: 0 }),
 * dop853, rtol 1e-8, atol 1e-10, t = 1e5, saveAt [0, t]), both builds in this process, interleaved
 * rounds (old, new; new, old; …) after warm-up; median ms per call over `--rounds` rounds of
 * `--calls` calls each. Checks first that both builds give the same final state and stats.
 *
 * Usage (both checkouts built): npx tsx bench/reduced-overhead-ab.ts --old /work/main [--new .]
 *   [--rounds 21] [--calls 20]
 */
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
  { d: 2, n: 8 },
  { d: 16, n: 64 },
  { d: 64, n: 512 },
];

async function main(): Promise<void> {
  const oldLib = await load(resolve(arg('old', '/work/main')!));
  const newLib = await load(resolve(arg('new', ROOT)!));
  const rounds = Number(arg('rounds', '21'));
  const calls = Number(arg('calls', '20'));
  for (const c of CASES) {
    const spec = oldLib.randomProblem({ loss: 'logistic', d: c.d, n: c.n, seed: 1, vScale: 0.1, aScale: 0 });
    const opts = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd: 1e5, saveAt: [0, 1e5] };
    const a = oldLib.simulate(spec, opts);
    const b = newLib.simulate(spec, opts);
    const same = JSON.stringify([a.state, a.stats.steps, a.stats.rhsEvals]) === JSON.stringify([b.state, b.stats.steps, b.stats.rhsEvals]);
    const k = c.d * c.n >= 1e4 ? Math.max(2, Math.ceil(calls / 5)) : calls;
    for (let i = 0; i < 10 * k; i++) {
      oldLib.simulate(spec, opts);
      newLib.simulate(spec, opts);
    }
    const ms: Record<'old' | 'new', number[]> = { old: [], new: [] };
    for (let r = 0; r < rounds; r++) {
      const order: ['old' | 'new', Lib][] = r % 2 === 0 ? [['old', oldLib], ['new', newLib]] : [['new', newLib], ['old', oldLib]];
      for (const [name, lib] of order) {
        const t0 = performance.now();
        for (let i = 0; i < k; i++) lib.simulate(spec, opts);
        ms[name].push((performance.now() - t0) / k);
      }
    }
    const mo = median(ms.old);
    const mn = median(ms.new);
    console.log(`logistic ${c.d}×${c.n}: old ${mo.toFixed(3)} ms, new ${mn.toFixed(3)} ms, new/old ${(mn / mo).toFixed(3)}; ${a.stats.steps} steps; same end state and stats: ${same}`);
  }
}

await main();
