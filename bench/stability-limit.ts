/**
 * Accuracy or stability: what sets the step count of the flow benchmark's dop853 solves. For each
 * case (the flow benchmark's square cases, logistic 16×64 and the Fig-3 regression problem, same
 * problems and end times) and rtol ∈ {1e-6, 1e-8, 1e-10} (atol = rtol/100), the peer
 * bench/peers/stability_limit.py solves with scipy's DOP853 and measures, at the start of every
 * accepted step, the Jacobian's smallest eigenvalue λ (the flow is a gradient flow: its Jacobian
 * −∇²L is symmetric, its spectrum real) against DOP853's real stability boundary z* (≈ −6.39):
 * a step with h·|λ| ≥ 0.8·|z*| sits at the stability limit. Next to it, vsflow's own dop853 solve
 * of the same problem (the built package, default formulation): its accepted steps and RHS
 * evaluations, to show that vsflow takes the same step sequence (so the same limit applies).
 *
 * What it shows (docs/benchmarks.md, "Why the misses, and the floors"): when most steps are at the
 * limit, the number of RHS evaluations is fixed by λ and t1 and hardly depends on rtol; vsflow's
 * speed-up over scipy is then its cost per evaluation only.
 *
 * Then a prototype that is not part of vsflow (bench/peers/stiff_switch.py, numpy): the square
 * cases integrated by DOP853 up to t = 50 and by a Rosenbrock-W method (ROS34PW2) with the
 * Gauss–Newton Hessian as W from there, against DOP853 throughout: RHS evaluations, W-operations
 * and final-state error against a tight reference. It measures how much of the work the stability
 * limit costs, i.e. what a stiff-aware method could save.
 *
 * Usage (after `npm run build`): `npx tsx bench/stability-limit.ts [--out docs/benchmarks-stability.md]`.
 * About 2–4 minutes (the eigenvalue at every step is the peer's cost). Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomProblem } from '../src/models/random-problem.js';
import type { ProblemSpec } from '../src/models/problem.js';
import { writeFileAtomic } from '../src/core/atomic-write.js';
import { loadSimulate } from './built-package.js';
import { arg, ONE_BLAS_THREAD } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RTOLS = [1e-6, 1e-8, 1e-10];
const OUT = arg('out', undefined);

interface Case {
  label: string;
  problem: ProblemSpec;
  tEnd: number;
}

interface PeerRow {
  label: string;
  rtol: number;
  steps: number;
  nfev: number;
  limited: number;
  limited_nfev: number;
  median_ratio: number | null;
  lam_min: number;
  lam_max: number;
  t_limited: number | null;
}

const sq = (d: number, n: number): ProblemSpec => randomProblem({ loss: 'square', d, n, seed: 1, vScale: 0.1, aScale: 0.5 });
const CASES: Case[] = [
  { label: 'square 2×8, t=1000', problem: sq(2, 8), tEnd: 1000 },
  { label: 'square 16×64, t=1000', problem: sq(16, 64), tEnd: 1000 },
  { label: 'square 64×512, t=1000', problem: sq(64, 512), tEnd: 1000 },
  { label: 'logistic 16×64, t=1e5', problem: randomProblem({ loss: 'logistic', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0 }), tEnd: 1e5 },
  { label: 'regression 20×20 (Fig 3, κ = 5), t=300', problem: JSON.parse(readFileSync(join(ROOT, 'sims/data/fig3-regression-kappa5.json'), 'utf8')) as ProblemSpec, tEnd: 300 },
];

const r = spawnSync('python3', [join(ROOT, 'bench/peers/stability_limit.py')], {
  input: JSON.stringify({ cases: CASES.map((c) => ({ label: c.label, problem: c.problem, tEnd: c.tEnd })), rtols: RTOLS }),
  encoding: 'utf8',
  maxBuffer: 1 << 26,
  cwd: join(ROOT, 'bench/peers'),
  env: { ...process.env, ...ONE_BLAS_THREAD, PYTHONPATH: join(ROOT, 'bench/peers') },
});
if (r.status !== 0) {
  process.stderr.write(`bench/peers/stability_limit.py failed (python3 with numpy and scipy needed): ${r.stderr || r.error?.message}\n`);
  process.exit(1);
}
const peer = JSON.parse(r.stdout) as { boundary: number; versions: string; cases: PeerRow[] };

const { simulate } = await loadSimulate();
const fmt = (x: number, digits = 2): string => x.toExponential(digits);
const rows = peer.cases.map((p) => {
  const c = CASES.find((x) => x.label === p.label)!;
  const v = simulate(c.problem, { method: 'dop853', rtol: p.rtol, atol: p.rtol / 100, tEnd: c.tEnd, saveAt: [0, c.tEnd] });
  return `| ${p.label} | ${p.rtol.toExponential(0)} | ${p.steps} / ${p.nfev} | ${v.stats.accepted} / ${v.stats.rhsEvals} (${v.config.formulation}) | ${p.limited} (${(100 * p.limited / Math.max(1, p.steps - 1)).toFixed(0)} %) | ${(100 * p.limited_nfev).toFixed(0)} % | ${p.median_ratio === null ? '–' : p.median_ratio.toFixed(2)} | ${p.t_limited === null ? '–' : p.t_limited.toPrecision(3)} | ${fmt(p.lam_min)} / ${fmt(p.lam_max)} |`;
});

// The prototype: the square cases, switched to the Rosenbrock-W method at t = 50 (by hand, from
// the table above: every step of the 16×64 and 64×512 solves is at the limit from t ≈ 30–60).
const T_SWITCH = 50;
const squares = CASES.filter((c) => c.label.startsWith('square'));
const r2 = spawnSync('python3', [join(ROOT, 'bench/peers/stiff_switch.py')], {
  input: JSON.stringify({ cases: squares.map((c) => ({ label: c.label, problem: c.problem, tEnd: c.tEnd, tSwitch: T_SWITCH })), rtols: RTOLS }),
  encoding: 'utf8',
  maxBuffer: 1 << 26,
  cwd: join(ROOT, 'bench/peers'),
  env: { ...process.env, ...ONE_BLAS_THREAD, PYTHONPATH: join(ROOT, 'bench/peers') },
});
if (r2.status !== 0) {
  process.stderr.write(`bench/peers/stiff_switch.py failed: ${r2.stderr || r2.error?.message}\n`);
  process.exit(1);
}
interface SwitchRow {
  label: string;
  rtol: number;
  dop853: { nfev: number; err: number };
  switched: { tSwitch: number; nfev_dop853: number; steps: number; rejected: number; nfev: number; wops: number; err: number };
}
const proto = (JSON.parse(r2.stdout) as SwitchRow[]).map((p) => {
  const s = p.switched;
  // In RHS-evaluation equivalents (an evaluation: about two passes over V): a W-operation is about
  // four passes (B·z and Bᵀ·w), so 2; forming BBᵀ = ‖σ‖²I + QQᵀ is d²·n per step, so d/2.
  const d = (squares.find((c) => c.label === p.label)!.problem.V as number[][]).length;
  const work = s.nfev_dop853 + s.nfev + 2 * s.wops + (s.steps + s.rejected) * d / 2;
  return `| ${p.label} | ${p.rtol.toExponential(0)} | ${p.dop853.nfev} | ${fmt(p.dop853.err, 1)} | ${s.nfev_dop853} + ${s.nfev} (${s.steps} steps, ${s.rejected} rejected) | ${s.wops} | ${fmt(s.err, 1)} | ${(p.dop853.nfev / work).toFixed(1)}× |`;
});

const text = [
  '# What limits the dop853 steps: accuracy or stability',
  '',
  `Generated by \`npx tsx bench/stability-limit.ts\` on ${new Date().toISOString()}, Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'CPU'} ×${cpus().length}, ${peer.versions}, one BLAS thread. DOP853's real stability boundary (scipy's tableau): z* = ${peer.boundary.toFixed(4)}.`,
  '',
  'Per case and rtol (atol = rtol/100): scipy DOP853 accepted steps / RHS evaluations; vsflow dop853 (the built package, default formulation) accepted steps / RHS evaluations; the steps at the stability limit (h·|λ_min| ≥ 0.8·|z*|, λ_min the smallest eigenvalue of the Jacobian at the step start, by Lanczos on central differences; the last step, cut to end at t1, not counted) and the share of the RHS evaluations in them (12 per accepted step); the median h·|λ_min|/|z*| over them; the time from which every step is at the limit; the extreme eigenvalues at the last step start.',
  '',
  '| case | rtol | scipy steps / RHS | vsflow steps / RHS | steps at the limit | their RHS share | median h·\\|λ\\|/\\|z*\\| | limited from t | λ_min / λ_max at the end |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
  '',
  `## Prototype (numpy, not part of vsflow): the stiff phase by a Rosenbrock-W method`,
  '',
  `bench/peers/stiff_switch.py: scipy DOP853 on [0, ${T_SWITCH}], then ROS34PW2 (Rang & Angermann 2005; order 3 for any W, embedded order 2; same rtol, atol and error norm) with W = −BᵀB, the Gauss–Newton Hessian at the step start (rank d, applied and inverted by one pass over V each way and a d×d Cholesky, Woodbury), against DOP853 on the whole interval. Error: max-abs error of the final state relative to its max-abs entry, against scipy DOP853 at rtol 1e-13, atol 1e-15. Work ratio: DOP853's RHS evaluations over the switched run's work in RHS-evaluation equivalents (an evaluation is about two passes over V): its RHS evaluations, 2 per W-operation (B·z and Bᵀ·w, about four passes) and d/2 per Rosenbrock step attempt (forming BBᵀ, d²·n).`,
  '',
  '| case | rtol | DOP853 RHS | DOP853 error | switched: DOP853 RHS + Rosenbrock RHS | W-operations | switched error | work ratio |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...proto,
  '',
].join('\n');
process.stdout.write(text);
if (OUT !== undefined) writeFileAtomic(OUT, text);
