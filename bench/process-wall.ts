/**
 * What a user waits for: the whole process, side by side. For each case, fresh processes in
 * alternation (vsflow, scipy DOP853, scipy RK45; then the next round), each timed from spawn to
 * exit (wall clock, this process's `performance.now()` around a synchronous spawn):
 * - vsflow: `node dist/src/cli/main.js simulate --problem F --method dop853 --rtol 1e-8
 *   --atol 1e-10 --t-end T --save-at 0,T --json` (stdout to a pipe, parsed afterwards);
 * - scipy: `python3 bench/peers/flow_scipy.py` with the same problem on stdin, one solve_ivp at
 *   the same tolerances (one BLAS/OpenMP thread): Python start-up, `import numpy, scipy`, the
 *   JSON, the RHS set-up and the solve.
 * Also per case: the first solve inside each fresh process (vsflow `stats.wallTimeMs`, scipy the
 * solve_ivp call's wall time), and the two start-ups alone (`node -e 0`; `python3 -c "import
 * numpy, scipy.integrate, scipy.special"`). Ratios: scipy's faster method / vsflow, of medians.
 *
 * This is information beside the flow benchmark's targets (bench/flow.bench.ts, which compare
 * vsflow's `stats.wallTimeMs` with scipy's solve_ivp CPU time after warm-up): it changes none.
 *
 * Usage (after `npm run build`): `npx tsx bench/process-wall.ts [--rounds 7] [--only TEXT]
 * [--out docs/benchmarks-process.md]`. About 2–4 minutes. Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomProblem } from '../src/models/random-problem.js';
import type { ProblemSpec } from '../src/models/problem.js';
import { writeFileAtomic } from '../src/core/atomic-write.js';
import { arg, fmtMs, median, ONE_BLAS_THREAD } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const PEER = join(ROOT, 'bench/peers/flow_scipy.py');
const ROUNDS = Number(arg('rounds', '7'));
const ONLY = arg('only', undefined);
const OUT = arg('out', undefined);
const ENV = { ...process.env, ...ONE_BLAS_THREAD };

if (!existsSync(CLI)) {
  process.stderr.write('bench/process-wall.ts: dist/ is not built (run npm run build first)\n');
  process.exit(2);
}
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  process.stderr.write(`bench/process-wall.ts: --rounds: expected a positive integer, received ${arg('rounds', '')}\n`);
  process.exit(2);
}

interface Case {
  label: string;
  spec: ProblemSpec;
  tEnd: number;
}

const rp = (o: Parameters<typeof randomProblem>[0]): ProblemSpec => randomProblem(o);
// Three of the flow benchmark's cases, the Fig-3 problem and three of the independent check's.
const CASES: Case[] = [
  { label: 'logistic 2×8 (flow benchmark)', spec: rp({ loss: 'logistic', d: 2, n: 8, seed: 1, vScale: 0.1, aScale: 0 }), tEnd: 1e5 },
  { label: 'square 16×64 (flow benchmark)', spec: rp({ loss: 'square', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
  { label: 'regression 20×20 (Fig 3, κ = 5)', spec: JSON.parse(readFileSync(join(ROOT, 'sims/data/fig3-regression-kappa5.json'), 'utf8')) as ProblemSpec, tEnd: 300 },
  { label: 'square 64×512 (flow benchmark)', spec: rp({ loss: 'square', d: 64, n: 512, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
  { label: 'logistic 48×300 seed 3 (independent check)', spec: rp({ loss: 'logistic', d: 48, n: 300, seed: 3, vScale: 0.1, aScale: 0 }), tEnd: 1e4 },
  { label: 'square 40×200 seed 11 (independent check)', spec: rp({ loss: 'square', d: 40, n: 200, seed: 11, vScale: 0.1, aScale: 0.3 }), tEnd: 300 },
  { label: 'cross-entropy 16×64 seed 3 (independent check)', spec: rp({ loss: 'cross-entropy', d: 16, n: 64, seed: 3, vScale: 0.3, aScale: 0.5 }), tEnd: 500 },
];

/** Runs `cmd args` to exit with `input` on stdin; its wall time in ms and its stdout. Throws on failure. */
function timed(cmd: string, args: string[], input?: string): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { input, env: ENV, maxBuffer: 1 << 28, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const startNode = (): number => timed(process.execPath, ['-e', '0']).ms;
const startPython = (): number => timed('python3', ['-c', 'import numpy, scipy.integrate, scipy.special']).ms;

const dir = mkdtempSync(join(tmpdir(), 'vsflow-process-wall-'));
const rows: string[] = [];
const ratios: number[] = [];
const nodeStarts: number[] = [];
const pyStarts: number[] = [];
try {
  for (let i = 0; i < 3; i++) {
    nodeStarts.push(startNode());
    pyStarts.push(startPython());
  }
  for (const c of CASES) {
    if (ONLY !== undefined && !c.label.includes(ONLY)) continue;
    const file = join(dir, 'problem.json');
    writeFileSync(file, JSON.stringify(c.spec));
    const cliArgs = [CLI, 'simulate', '--problem', file, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(c.tEnd), '--save-at', `0,${c.tEnd}`, '--json'];
    const job = (method: string): string => JSON.stringify({ problem: c.spec, tEnd: c.tEnd, runs: [{ method, rtol: 1e-8, atol: 1e-10 }], repeats: 1 });
    // One untimed round: the file system's caches, and the user code cache if the shipped one is refused.
    timed(process.execPath, cliArgs);
    timed('python3', [PEER], job('DOP853'));
    const v: number[] = [];
    const vSolve: number[] = [];
    const py: Record<'DOP853' | 'RK45', { wall: number[]; solve: number[] }> = { DOP853: { wall: [], solve: [] }, RK45: { wall: [], solve: [] } };
    for (let r = 0; r < ROUNDS; r++) {
      const a = timed(process.execPath, cliArgs);
      v.push(a.ms);
      vSolve.push((JSON.parse(a.out) as { stats: { wallTimeMs: number } }).stats.wallTimeMs);
      for (const m of ['DOP853', 'RK45'] as const) {
        const b = timed('python3', [PEER], job(m));
        py[m].wall.push(b.ms);
        py[m].solve.push((JSON.parse(b.out) as { runs: { times_s: number[] }[] }).runs[0]!.times_s[0]! * 1000);
      }
      nodeStarts.push(startNode());
      pyStarts.push(startPython());
    }
    const best = median(py.DOP853.wall) <= median(py.RK45.wall) ? 'DOP853' : 'RK45';
    const ratio = median(py[best].wall) / median(v);
    ratios.push(ratio);
    rows.push(`| ${c.label} | ${fmtMs(median(v))} | ${fmtMs(median(vSolve))} | ${fmtMs(median(py.DOP853.wall))} / ${fmtMs(median(py.RK45.wall))} | ${fmtMs(median(py.DOP853.solve))} / ${fmtMs(median(py.RK45.solve))} | ${ratio.toFixed(1)}× |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const text = [
  '# A fresh process against a fresh process',
  '',
  `\`npx tsx bench/process-wall.ts\` (after \`npm run build\`), ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'CPU'} ×${cpus().length}, load average at the end ${loadavg()[0]!.toFixed(2)}. Each row: medians of ${ROUNDS} rounds, each round one fresh process of each, in turn; wall time from spawn to exit. vsflow: \`vsflow simulate --method dop853 --rtol 1e-8 --atol 1e-10 --save-at 0,t --json\` (its first solve: \`stats.wallTimeMs\`); scipy: a fresh \`python3 bench/peers/flow_scipy.py\` (start-up, \`import numpy, scipy\`, reading the problem, one \`solve_ivp\` at the same tolerances, one BLAS thread; its solve: the solve_ivp call's wall time).`,
  '',
  `Start-up alone, medians of ${nodeStarts.length}: \`node -e 0\` ${fmtMs(median(nodeStarts))} ms; \`python3 -c "import numpy, scipy.integrate, scipy.special"\` ${fmtMs(median(pyStarts))} ms.`,
  '',
  '| case | vsflow process ms | its solve ms | scipy process ms (DOP853 / RK45) | its solve ms (DOP853 / RK45) | scipy\'s faster process / vsflow |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
  '',
  `Whole process, scipy's faster method / vsflow: median ${median(ratios).toFixed(1)}×, smallest ${Math.min(...ratios).toFixed(1)}×. This is beside the flow benchmark's targets, which compare the solves (docs/benchmarks.md); it changes none of them.`,
  '',
].join('\n');
if (OUT !== undefined) writeFileAtomic(OUT, text);
process.stdout.write(text);
