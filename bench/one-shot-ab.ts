/**
 * Old vs new build of vsflow, side by side: the flow benchmark's small cases (dop853, rtol 1e-8,
 * atol 1e-10, saved at 0 and tEnd, formulation auto) timed warm and one-shot.
 * - Warm: both builds' `simulate` loaded in this process (their dist/ folders), called in
 *   interleaved rounds (old, new; then new, old; …) after warm-up calls; median stats.wallTimeMs.
 *   Also checks that both give the same final state and step counts (bit for bit).
 * - One-shot: fresh `vsflow simulate --problem FILE … --json` processes (each build's
 *   dist/src/cli/main.js), alternating old/new; median stats.wallTimeMs (what a CLI user gets)
 *   and the median wall time of the whole process.
 * Cases: square 2×8, 16×64 and 64×512 (t = 1000), logistic 16×64 and 64×512 (t = 1e5), the Fig-3
 * regression 20×20 problem (sims/data/fig3-regression-kappa5.json, t = 300); problems from
 * randomProblem({ loss, d, n, seed: 1, vScale: 0.1, aScale }) (square 0.5, logistic 0) as in
 * bench/flow.bench.ts.
 *
 * Usage (both folders built with `npm run build`):
 *   npx tsx bench/one-shot-ab.ts --old /path/to/old/checkout [--new .] [--rounds 9] [--shots 9] [--only LABEL-PART]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomProblem } from '../src/models/random-problem.js';
import type { ProblemSpec } from '../src/models/problem.js';
import type { SimulateResult } from '../src/experiments/simulate.js';
import { median, arg, fmtMs as fmt } from './stats.js';

type Simulate = (problem: ProblemSpec, options: Record<string, unknown>) => SimulateResult;

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Case {
  label: string;
  spec: ProblemSpec;
  tEnd: number;
}

function cases(): Case[] {
  const sq = (d: number, n: number): ProblemSpec => randomProblem({ loss: 'square', d, n, seed: 1, vScale: 0.1, aScale: 0.5 });
  const lg = (d: number, n: number): ProblemSpec => randomProblem({ loss: 'logistic', d, n, seed: 1, vScale: 0.1, aScale: 0 });
  const fig3 = JSON.parse(readFileSync(join(ROOT, 'sims/data/fig3-regression-kappa5.json'), 'utf8')) as ProblemSpec;
  return [
    { label: 'square 2×8, t=1000', spec: sq(2, 8), tEnd: 1000 },
    { label: 'logistic 16×64, t=1e5', spec: lg(16, 64), tEnd: 1e5 },
    { label: 'logistic 64×512, t=1e5', spec: lg(64, 512), tEnd: 1e5 },
    { label: 'regression 20×20 (Fig 3), t=300', spec: fig3, tEnd: 300 },
    { label: 'square 16×64, t=1000', spec: sq(16, 64), tEnd: 1000 },
    { label: 'square 64×512, t=1000', spec: sq(64, 512), tEnd: 1000 },
  ];
}

const options = (tEnd: number): Record<string, unknown> => ({ method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd, saveAt: [0, tEnd] });

function shot(dir: string, file: string, tEnd: number): { wallTimeMs: number; processMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(dir, 'dist/src/cli/main.js'), 'simulate', '--problem', file, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(tEnd), '--save-at', `0,${tEnd}`, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const processMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${dir}: simulate failed: ${r.stderr}`);
  return { wallTimeMs: (JSON.parse(r.stdout) as SimulateResult).stats.wallTimeMs, processMs };
}

async function main(): Promise<void> {
  const oldDir = arg('old', undefined);
  if (oldDir === undefined) throw new Error('usage: npx tsx bench/one-shot-ab.ts --old DIR [--new DIR] [--rounds N] [--shots N]');
  const dirs = { old: resolve(oldDir), new: resolve(arg('new', ROOT)!) };
  const rounds = Number(arg('rounds', '9'));
  const shots = Number(arg('shots', '9'));
  const sim: Record<'old' | 'new', Simulate> = {
    old: ((await import(pathToFileURL(join(dirs.old, 'dist/src/experiments/simulate.js')).href)) as { simulate: Simulate }).simulate,
    new: ((await import(pathToFileURL(join(dirs.new, 'dist/src/experiments/simulate.js')).href)) as { simulate: Simulate }).simulate,
  };
  const tmp = mkdtempSync(join(tmpdir(), 'vsflow-ab-'));
  const rows: string[] = [];
  try {
    const only = arg('only', undefined);
    for (const c of cases().filter((x) => only === undefined || x.label.includes(only))) {
      const o = options(c.tEnd);
      // Warm: warm-up, then interleaved rounds in alternating order.
      const warm: Record<'old' | 'new', number[]> = { old: [], new: [] };
      let last: Record<'old' | 'new', SimulateResult | undefined> = { old: undefined, new: undefined };
      for (let i = 0; i < 5; i++) for (const k of ['old', 'new'] as const) sim[k](c.spec, o);
      for (let r = 0; r < rounds; r++) {
        for (const k of r % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
          const res = sim[k](c.spec, o);
          warm[k].push(res.stats.wallTimeMs);
          last = { ...last, [k]: res };
        }
      }
      const a = last.old!;
      const b = last.new!;
      const same = JSON.stringify([a.state, a.stats.steps, a.stats.rhsEvals]) === JSON.stringify([b.state, b.stats.steps, b.stats.rhsEvals]);
      // One-shot: fresh CLI processes, alternating.
      const file = join(tmp, `${c.label.replace(/[^a-z0-9]+/gi, '-')}.json`);
      writeFileSync(file, JSON.stringify(c.spec));
      const one: Record<'old' | 'new', { wallTimeMs: number; processMs: number }[]> = { old: [], new: [] };
      for (let s = 0; s < shots; s++) for (const k of s % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) one[k].push(shot(dirs[k], file, c.tEnd));
      const w = { old: median(warm.old), new: median(warm.new) };
      const sh = { old: median(one.old.map((x) => x.wallTimeMs)), new: median(one.new.map((x) => x.wallTimeMs)) };
      const proc = { old: median(one.old.map((x) => x.processMs)), new: median(one.new.map((x) => x.processMs)) };
      rows.push(
        `| ${c.label} | ${b.config.formulation} | ${b.stats.steps} | ${fmt(w.old)} | ${fmt(w.new)} | ${fmt(sh.old)} | ${fmt(sh.new)} | ${(sh.old / w.old).toFixed(1)}× | ${(sh.new / w.new).toFixed(1)}× | ${fmt(proc.old)} | ${fmt(proc.new)} | ${same ? 'yes' : 'NO'} |`,
      );
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const head = [
    `Old: ${dirs.old}, new: ${dirs.new}; ${rounds} warm rounds, ${shots} one-shot processes per build and case; medians, ms.`,
    '',
    '| case | formulation | steps | warm old | warm new | one-shot old | one-shot new | one-shot/warm old | one-shot/warm new | process old | process new | same result |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  process.stdout.write(`${[...head, ...rows].join('\n')}\n`);
}

await main();
