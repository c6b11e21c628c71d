/**
 * The check an outside reviewer would run: problems that are not in the flow benchmark (other
 * seeds and sizes, K > 1 for the square and logistic losses, the cross-entropy loss), each solved by fresh `vsflow simulate`
 * processes and by scipy's solve_ivp, with both final states compared against an independent
 * reference (scipy DOP853 at rtol 1e-13, atol 1e-15, on its own numpy RHS: not vsflow's).
 *
 * Per case: vsflow CLI (dist/src/cli/main.js, default formulation) dop853 at rtol 1e-8,
 * atol 1e-10, saveAt [0, t]: the median stats.wallTimeMs of `shots` fresh processes (what a
 * user of `vsflow simulate` gets; module loading excluded, as in the result's stats) and the
 * median of 9 warm in-process solves after a JIT warm-up (≥ 5 solves and ≥ 100 ms of them; this
 * process, from src/ through tsx); scipy (bench/peers/flow_scipy.py, one BLAS/OpenMP thread) DOP853 and RK45 at the same
 * tolerances, the faster one's process_time (median of 3 runs in one process). Error: max |y −
 * y_ref| / max |y_ref| over the final state. Ratios: scipy best CPU ms / vsflow ms.
 *
 * With `--saves default`, both record the CLI's default save times instead (0 and 60 log-spaced
 * times up to t: vsflow without --save-at, scipy with t_eval = vsflow's record times), so both
 * interpolate inside steps, as a user's run does.
 *
 * Usage (after `npm run build`): `npx tsx bench/independent-check.ts [--shots 3] [--only TEXT]
 * [--saves two|default] [--out FILE.md]`. About 1–2 minutes. Not part of `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimulateResult } from '../src/experiments/simulate.js';
import { loadSimulate } from './built-package.js';
import { randomProblem } from '../src/models/random-problem.js';
import type { LossName, ProblemSpec } from '../src/models/problem.js';
import { writeFileAtomic } from '../src/core/atomic-write.js';
import { arg, median, fmtMs, ONE_BLAS_THREAD, relErr, stateOf } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
// In-process solves time the built package, as the fresh processes do (bench/built-package.ts).
const { simulate, from } = await loadSimulate();
const SHOTS = Number(arg('shots', '3'));
const ONLY = arg('only', undefined);
const OUT = arg('out', undefined);
const SAVES = arg('saves', 'two');
if (SAVES !== 'two' && SAVES !== 'default') throw new Error(`--saves: expected two or default, received ${SAVES}`);
const ENV = { ...process.env, ...ONE_BLAS_THREAD };

interface Case {
  loss: LossName;
  d: number;
  n: number;
  K: number;
  seed: number;
  vScale: number;
  aScale: number;
  tEnd: number;
}

// Seeds and sizes other than the flow benchmark's (randomProblem seed 1 at 2×8, 16×64, 64×512,
// 256×2048, and the Fig-3 file).
const CASES: Case[] = [
  { loss: 'square', d: 4, n: 12, K: 1, seed: 21, vScale: 0.1, aScale: 0.5, tEnd: 800 },
  { loss: 'square', d: 24, n: 96, K: 1, seed: 7, vScale: 0.1, aScale: 0.5, tEnd: 500 },
  { loss: 'square', d: 40, n: 200, K: 1, seed: 11, vScale: 0.1, aScale: 0.3, tEnd: 300 },
  { loss: 'square', d: 96, n: 384, K: 1, seed: 29, vScale: 0.1, aScale: 0.5, tEnd: 200 },
  { loss: 'square', d: 128, n: 64, K: 1, seed: 19, vScale: 0.3, aScale: 0.5, tEnd: 200 },
  { loss: 'square', d: 16, n: 64, K: 4, seed: 9, vScale: 0.3, aScale: 0.5, tEnd: 500 },
  { loss: 'square', d: 32, n: 256, K: 3, seed: 13, vScale: 0.3, aScale: 0.5, tEnd: 300 },
  { loss: 'logistic', d: 6, n: 20, K: 1, seed: 23, vScale: 0.1, aScale: 0, tEnd: 3e4 },
  { loss: 'logistic', d: 48, n: 300, K: 1, seed: 3, vScale: 0.1, aScale: 0, tEnd: 1e4 },
  { loss: 'logistic', d: 16, n: 64, K: 4, seed: 41, vScale: 0.1, aScale: 0, tEnd: 1e4 },
  { loss: 'logistic', d: 48, n: 300, K: 3, seed: 43, vScale: 0.1, aScale: 0, tEnd: 1e4 },
  { loss: 'logistic', d: 128, n: 1000, K: 1, seed: 5, vScale: 0.1, aScale: 0, tEnd: 1e4 },
  { loss: 'regression', d: 10, n: 30, K: 1, seed: 37, vScale: 0.1, aScale: 0.5, tEnd: 300 },
  { loss: 'cross-entropy', d: 8, n: 32, K: 2, seed: 17, vScale: 0.3, aScale: 0.5, tEnd: 1000 },
  { loss: 'cross-entropy', d: 16, n: 64, K: 1, seed: 3, vScale: 0.3, aScale: 0.5, tEnd: 500 },
  { loss: 'cross-entropy', d: 40, n: 160, K: 1, seed: 5, vScale: 0.3, aScale: 0.5, tEnd: 300 },
];

const label = (c: Case): string => `${c.loss} ${c.d}×${c.n}${c.K > 1 ? ` K=${c.K}` : ''} seed ${c.seed}, t=${c.tEnd}`;

interface ScipyRun {
  method: string;
  cpu_s: number[];
  nfev: number;
  y_end: number[];
  status: number;
}

function scipy(spec: ProblemSpec, tEnd: number, runs: { method: string; rtol: number; atol: number }[], repeats: number, tEval?: number[]): ScipyRun[] {
  const out = execFileSync('python3', [join(ROOT, 'bench/peers/flow_scipy.py')], { input: JSON.stringify({ problem: spec, tEnd, runs, repeats, ...(tEval === undefined ? {} : { tEval }) }), env: ENV, maxBuffer: 1 << 28, encoding: 'utf8' });
  return (JSON.parse(out) as { runs: ScipyRun[] }).runs;
}



const dir = mkdtempSync(join(tmpdir(), 'vsflow-independent-'));
const rows: string[] = [];
const oneShotRatios: number[] = [];
const warmRatios: number[] = [];
try {
  for (const c of CASES) {
    if (ONLY !== undefined && !label(c).includes(ONLY)) continue;
    const spec = randomProblem({ loss: c.loss, d: c.d, n: c.n, samples: c.K, seed: c.seed, vScale: c.vScale, aScale: c.aScale });
    const file = join(dir, 'problem.json');
    writeFileSync(file, JSON.stringify(spec));
    const [ref] = scipy(spec, c.tEnd, [{ method: 'DOP853', rtol: 1e-13, atol: 1e-15 }], 1);
    const shots: number[] = [];
    let cli: SimulateResult | undefined;
    const saveFlags = SAVES === 'two' ? ['--save-at', `0,${c.tEnd}`] : [];
    for (let i = 0; i < SHOTS; i++) {
      const out = execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'simulate', '--problem', file, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(c.tEnd), ...saveFlags, '--json'], { maxBuffer: 1 << 28, encoding: 'utf8' });
      cli = JSON.parse(out) as SimulateResult;
      shots.push(cli.stats.wallTimeMs);
    }
    const tEval = SAVES === 'two' ? undefined : cli!.records.map((r) => r.t);
    const [d8, r8] = scipy(spec, c.tEnd, [{ method: 'DOP853', rtol: 1e-8, atol: 1e-10 }, { method: 'RK45', rtol: 1e-8, atol: 1e-10 }], 3, tEval);
    const o = { method: 'dop853' as const, rtol: 1e-8, atol: 1e-10, tEnd: c.tEnd, ...(SAVES === 'two' ? { saveAt: [0, c.tEnd] } : {}) };
    // JIT warm-up as in bench/flow.bench.ts: at least 5 solves and 100 ms of them.
    for (let i = 0, t0 = performance.now(); i < 5 || performance.now() - t0 < 100; i++) simulate(spec, o);
    const warm: number[] = [];
    for (let i = 0; i < 9; i++) warm.push(simulate(spec, o).stats.wallTimeMs);
    const yRef = ref!.y_end;
    const scBest = Math.min(median(d8!.cpu_s), median(r8!.cpu_s)) * 1000;
    const shot = median(shots);
    const w = median(warm);
    oneShotRatios.push(scBest / shot);
    warmRatios.push(scBest / w);
    rows.push(
      `| ${label(c)} | ${cli!.config.formulation} | ${fmtMs(shot)} | ${fmtMs(w)} | ${relErr(stateOf(cli!), yRef).toExponential(1)} (${cli!.stats.rhsEvals}) | ${fmtMs(median(d8!.cpu_s) * 1000)} / ${fmtMs(median(r8!.cpu_s) * 1000)} | ${relErr(d8!.y_end, yRef).toExponential(1)} (${d8!.nfev}) / ${relErr(r8!.y_end, yRef).toExponential(1)} (${r8!.nfev}) | ${(scBest / shot).toFixed(1)}× | ${(scBest / w).toFixed(1)}× |`,
    );
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const text = [
  `Independent check (\`npx tsx bench/independent-check.ts\`), ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'CPU'} ×${cpus().length}: dop853 / DOP853 and RK45 at rtol 1e-8, atol 1e-10, ${SAVES === 'two' ? 'saved at 0 and t' : 'saved at the CLI\'s default 61 times (scipy: t_eval)'}; reference scipy DOP853 at rtol 1e-13 on its own numpy RHS. vsflow one-shot = median stats.wallTimeMs of ${SHOTS} fresh \`vsflow simulate\` processes; warm = median of 9 in-process solves (${from === 'dist' ? 'the built package, dist/' : 'src/ through tsx'}); scipy = process_time of solve_ivp, median of 3, one BLAS thread.`,
  '',
  '| case | formulation | vsflow one-shot ms | vsflow warm ms | vsflow error (RHS) | scipy DOP853 / RK45 CPU ms | scipy errors (RHS) | scipy best / one-shot | scipy best / warm |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
  '',
  `scipy best / vsflow: one-shot median ${median(oneShotRatios).toFixed(1)}×, smallest ${Math.min(...oneShotRatios).toFixed(1)}×; warm median ${median(warmRatios).toFixed(1)}×, smallest ${Math.min(...warmRatios).toFixed(1)}×.`,
  '',
].join('\n');
process.stdout.write(text);
if (OUT !== undefined) writeFileAtomic(OUT, text);
