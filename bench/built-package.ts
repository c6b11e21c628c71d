/**
 * The vsflow code the benchmarks time in-process ("warm"): the built package, dist/ (what
 * `import 'vsflow'` loads, compiled by tsc), when it is built and no older than src/; else src/
 * through tsx, said in the log. tsx compiles with esbuild's keepNames, which wraps every
 * function and class made at run time in a `__name` call: the closures each `simulate` call
 * creates cost measurably more from src/ (6–8 % of a logistic 16×64 or Fig-3 call, 2026-12-02,
 * bench/flow.bench.ts), code no user of the package runs. The one-shot runs use dist/ as well,
 * so a stale build would time old code on both: that is an error, not a fallback.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { simulate as Simulate } from '../src/experiments/simulate.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST_SIMULATE = join(ROOT, 'dist/src/experiments/simulate.js');

/** Newest modification time (ms) of the .ts files under `dir`. */
function newestTs(dir: string): { ms: number; file: string } {
  let best = { ms: 0, file: '' };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const b = newestTs(p);
      if (b.ms > best.ms) best = b;
    } else if (e.name.endsWith('.ts')) {
      const ms = statSync(p).mtimeMs;
      if (ms > best.ms) best = { ms, file: p };
    }
  }
  return best;
}

/** Whether dist/ is built; throws when it is built but older than a file under src/. */
function distBuilt(): boolean {
  if (!existsSync(DIST_SIMULATE)) return false;
  const built = statSync(DIST_SIMULATE).mtimeMs;
  const src = newestTs(join(ROOT, 'src'));
  if (src.ms > built) throw new Error(`dist/ is older than ${src.file.slice(ROOT.length)}: run npm run build before the benchmark`);
  return true;
}

/**
 * `simulate` from dist/ when built (checked by distBuilt), else from src/; `from` names which.
 * Only the one that runs is imported here (a caller that imports src/ modules itself still loads those).
 */
export async function loadSimulate(): Promise<{ simulate: typeof Simulate; from: 'dist' | 'src' }> {
  if (!distBuilt()) return { simulate: (await import('../src/experiments/simulate.js')).simulate, from: 'src' };
  const mod = (await import(pathToFileURL(DIST_SIMULATE).href)) as { simulate: typeof Simulate };
  return { simulate: mod.simulate, from: 'dist' };
}
