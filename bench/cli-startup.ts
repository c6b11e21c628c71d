/**
 * Start-up cost of fresh `vsflow` processes, old build vs new build: for each command, fresh
 * `node dist/src/cli/main.js …` processes alternating old/new (old, new; then new, old; …),
 * median wall time of the whole process (spawn to exit). Before timing, every command is run once
 * by both builds and must give the same exit code, the same stderr and the same stdout (for the
 * simulate JSON: wall times, timestamps and the run's start time removed); exits 1 on any
 * difference.
 * Commands: the one-shot solve of docs/benchmarks (Fig-3 regression 20×20, dop853, rtol 1e-8,
 * atol 1e-10, t = 300, saved at 0 and 300), a seeded random problem with the default grid,
 * `simulate --help`, `--version`, `--help`, `check --help`, and two bad inputs (an unknown
 * option; a problem file with a non-finite entry) whose one-line errors must match.
 *
 * Usage (both checkouts built with `npm run build`):
 *   npx tsx bench/cli-startup.ts --old /work/main [--new .] [--shots 11] [--only LABEL-PART]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, arg, fmtMs as fmt } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Case {
  label: string;
  args: string[];
}

function cases(tmp: string): Case[] {
  const fig3 = join(ROOT, 'sims/data/fig3-regression-kappa5.json');
  const bad = join(tmp, 'bad-problem.json');
  const spec = JSON.parse(readFileSync(fig3, 'utf8')) as { V: number[][] };
  spec.V[0]![1] = 1e999; // JSON.stringify writes null: "V[0][1]: expected a finite number, received null"
  writeFileSync(bad, JSON.stringify(spec));
  return [
    { label: 'simulate Fig-3 dop853 --json', args: ['simulate', '--problem', fig3, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', '300', '--save-at', '0,300', '--json'] },
    { label: 'simulate random 4×8 (table)', args: ['simulate', '--loss', 'square', '--dim', '4', '--tokens', '8', '--seed', '1', '--t-end', '10'] },
    { label: 'simulate --help', args: ['simulate', '--help'] },
    { label: '--version', args: ['--version'] },
    { label: '--help', args: ['--help'] },
    { label: 'check --help', args: ['check', '--help'] },
    { label: 'simulate --bogus (exit 2)', args: ['simulate', '--bogus'] },
    { label: 'simulate bad problem (exit 2)', args: ['simulate', '--problem', bad, '--t-end', '1'] },
  ];
}

interface Shot {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

function shot(dir: string, args: string[]): Shot {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(dir, 'dist/src/cli/main.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms: performance.now() - t0, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** stdout with what differs between two identical runs removed (times of the run). */
function comparable(stdout: string): string {
  const strip = (text: string): string => text.replace(/\(\d+ steps, (\d+) RHS evaluations, [\d.]+ ms\)/g, '($1 RHS evaluations)');
  try {
    return JSON.stringify(JSON.parse(stdout), (key, v: unknown) => (key === 'wallTimeMs' || key === 'createdAt' || key === 'startedAt' ? undefined : v));
  } catch {
    return strip(stdout);
  }
}

const oldDir = resolve(arg('old', undefined) ?? '');
const newDir = resolve(arg('new', '.')!);
const shots = Number(arg('shots', '11'));
const only = arg('only', undefined);
if (!arg('old', undefined)) throw new Error('usage: npx tsx bench/cli-startup.ts --old DIR [--new DIR] [--shots N] [--only LABEL-PART]');

const tmp = mkdtempSync(join(tmpdir(), 'vsflow-cli-startup-'));
let differ = false;
try {
  const all = cases(tmp).filter((c) => only === undefined || c.label.includes(only));
  for (const c of all) {
    const a = shot(oldDir, c.args);
    const b = shot(newDir, c.args);
    if (a.status !== b.status || a.stderr !== b.stderr || comparable(a.stdout) !== comparable(b.stdout)) {
      differ = true;
      console.log(`DIFFERENT: ${c.label}\n  old exit ${a.status}, stderr ${JSON.stringify(a.stderr.slice(0, 300))}\n  new exit ${b.status}, stderr ${JSON.stringify(b.stderr.slice(0, 300))}`);
    }
  }
  if (differ) process.exit(1);
  console.log(`same exit codes, stderr and stdout for ${all.length} commands; ${shots} fresh processes per build and command (node ${process.version})`);
  console.log('command                          old ms   new ms   new/old');
  for (const c of all) {
    const t: Record<'old' | 'new', number[]> = { old: [], new: [] };
    for (let i = 0; i < shots; i++) {
      const order: ('old' | 'new')[] = i % 2 === 0 ? ['old', 'new'] : ['new', 'old'];
      for (const which of order) t[which].push(shot(which === 'old' ? oldDir : newDir, c.args).ms);
    }
    const o = median(t.old);
    const n = median(t.new);
    console.log(`${c.label.padEnd(32)} ${fmt(o).padStart(6)}   ${fmt(n).padStart(6)}   ${(n / o).toFixed(2)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
