/**
 * A/B of the low-rank stage evaluator (src/integrators/low-rank-stages.ts): this checkout with
 * the WebAssembly kernels, this checkout with their TypeScript twins, and the evaluator of a
 * baseline commit (its file taken with `git show` into .scratch/, imports pointed at this
 * checkout's src/), in one process, rounds interleaved. Cases: square 16×64 and 64×512
 * (randomProblem seed 1, vScale 0.1, aScale 0.5, t = 1000) and the Fig-3 regression (t = 300),
 * dop853 rtol 1e-8 atol 1e-10, saveAt [0, t], the solve as simulate's low-rank path runs it
 * (full-RHS first step, then the engine's driver). Prints the median CPU ms per solve (warm: two
 * warm-up solves per variant, then `rounds` rounds, each solve repeated to ≥ 25 ms), the
 * first-solve wall and CPU ms in fresh processes (`oneShots` per variant and case, alternating),
 * the largest final-state difference to the baseline and whether wasm and twins agree bit for bit.
 *
 * Usage: `nice -n 10 npx tsx bench/low-rank-ab.ts [rounds=7] [baseline=37e9772] [oneShots=5]`.
 * Not part of `npm run bench`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { drive, STALL_STEPS } from '../src/integrators/driver.js';
import { DOP853_CONTROL } from '../src/integrators/dop853.js';
import { lowRankStepper } from '../src/integrators/low-rank-stages.js';
import { initialStep } from '../src/integrators/step-control.js';
import { resolveProblem, type ProblemSpec } from '../src/models/problem.js';
import { randomProblem } from '../src/models/random-problem.js';
import { valueSoftmaxRhs } from '../src/models/value-softmax.js';
import { setWasmKernelsEnabled } from '../src/wasm/kernels.js';
import { nowMs } from '../src/core/clock.js';
import { median } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
type Factory = typeof lowRankStepper;
type Variant = 'baseline' | 'wasm' | 'twins';
const VARIANTS: readonly Variant[] = ['baseline', 'wasm', 'twins'];

function cases(): { label: string; spec: ProblemSpec; tEnd: number }[] {
  const fig3 = JSON.parse(readFileSync(join(ROOT, 'sims/data/fig3-regression-kappa5.json'), 'utf8')) as ProblemSpec;
  return [
    { label: 'square 16×64', spec: randomProblem({ loss: 'square', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
    { label: 'square 64×512', spec: randomProblem({ loss: 'square', d: 64, n: 512, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
    { label: 'regression 20×20 (Fig 3)', spec: fig3, tEnd: 300 },
  ];
}

/** The baseline commit's evaluator, its relative imports pointed at this checkout's src/. */
async function baselineFactory(ref: string): Promise<Factory> {
  const text = execFileSync('git', ['show', `${ref}:src/integrators/low-rank-stages.ts`], { cwd: ROOT, encoding: 'utf8' });
  const src = pathToFileURL(join(ROOT, 'src/')).href;
  const rewritten = text.replace(/from '\.\.\//g, `from '${src}`).replace(/from '\.\//g, `from '${src}integrators/`);
  const dir = join(ROOT, '.scratch/low-rank-ab');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `low-rank-stages-${ref}.ts`);
  writeFileSync(file, rewritten);
  return ((await import(pathToFileURL(file).href)) as { lowRankStepper: Factory }).lowRankStepper;
}

/** One solve as simulate's low-rank path runs it; returns the final state. */
function solveWith(factory: Factory, spec: ProblemSpec, tEnd: number): Float64Array {
  const P = resolveProblem(spec);
  const flow = valueSoftmaxRhs(P);
  const size = flow.layout.size;
  const rtol = 1e-8;
  const atol = new Float64Array(size).fill(1e-10);
  const f0 = new Float64Array(size);
  flow.rhs(0, flow.y0, f0);
  const dt0 = initialStep(flow.rhs, 0, flow.y0, f0, tEnd, Infinity, DOP853_CONTROL.errorOrder, rtol, atol, new Float64Array(size), new Float64Array(size));
  const { stepper, stages } = factory(P, 0, flow.y0, { method: 'dop853', rtol, atol, dt0, dtMax: Infinity });
  const sol = drive(stepper, {
    method: 'dop853',
    t0: 0,
    tEnd,
    saveTimes: Float64Array.from([0, tEnd]),
    events: [],
    dense: false,
    maxSteps: 1e6,
    stallSteps: STALL_STEPS,
    onStep: undefined,
    signal: undefined,
    rhsEvals: () => stages.rhsEvals + 1,
    startMs: nowMs(),
  });
  if (sol.status !== 'success') throw new Error(`solve failed: ${sol.message}`);
  return sol.yEnd;
}

function runVariant(v: Variant, base: Factory, spec: ProblemSpec, tEnd: number): Float64Array {
  setWasmKernelsEnabled(v !== 'twins');
  try {
    return solveWith(v === 'baseline' ? base : lowRankStepper, spec, tEnd);
  } finally {
    setWasmKernelsEnabled(true);
  }
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const argv = process.argv.slice(2);
if (argv[0] === '--one-shot') {
  // Child: one solve in a fresh process, its wall and CPU ms.
  const [, ref, caseIdx, v] = argv as [string, string, string, Variant];
  const base = await baselineFactory(ref);
  const c = cases()[Number(caseIdx)]!;
  const w0 = nowMs();
  const c0 = cpuMs();
  runVariant(v, base, c.spec, c.tEnd);
  process.stdout.write(JSON.stringify({ wall: nowMs() - w0, cpu: cpuMs() - c0 }));
} else {
  const rounds = Number(argv[0] ?? 7);
  const ref = argv[1] ?? '37e9772';
  const oneShots = Number(argv[2] ?? 5);
  const base = await baselineFactory(ref);
  const loads: number[] = [loadavg()[0]!];
  const rows: string[] = [];
  for (const [ci, c] of cases().entries()) {
    const finals = new Map<Variant, Float64Array>();
    const reps = new Map<Variant, number>();
    for (const v of VARIANTS) {
      runVariant(v, base, c.spec, c.tEnd);
      const c0 = cpuMs();
      finals.set(v, runVariant(v, base, c.spec, c.tEnd));
      reps.set(v, Math.max(1, Math.ceil(25 / Math.max(cpuMs() - c0, 0.1))));
    }
    const cpu = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    for (let r = 0; r < rounds; r++) {
      for (const v of VARIANTS) {
        const k = reps.get(v)!;
        const c0 = cpuMs();
        for (let q = 0; q < k; q++) runVariant(v, base, c.spec, c.tEnd);
        cpu.get(v)!.push((cpuMs() - c0) / k);
      }
      loads.push(loadavg()[0]!);
    }
    const shots = new Map<Variant, { wall: number[]; cpu: number[] }>(VARIANTS.map((v) => [v, { wall: [], cpu: [] }]));
    for (let s = 0; s < oneShots; s++) {
      for (const v of VARIANTS) {
        const out = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one-shot', ref, String(ci), v], { cwd: ROOT, encoding: 'utf8' });
        if (out.status !== 0) throw new Error(`one-shot ${v} failed: ${out.stderr}`);
        const r = JSON.parse(out.stdout) as { wall: number; cpu: number };
        shots.get(v)!.wall.push(r.wall);
        shots.get(v)!.cpu.push(r.cpu);
      }
    }
    const a = finals.get('wasm')!;
    const b = finals.get('twins')!;
    const o = finals.get('baseline')!;
    const bitwise = a.every((x, i) => Object.is(x, b[i]));
    let diff = 0;
    let scale = 0;
    a.forEach((x, i) => {
      diff = Math.max(diff, Math.abs(x - o[i]!));
      scale = Math.max(scale, Math.abs(o[i]!));
    });
    const m = (v: Variant): number => median(cpu.get(v)!);
    const sh = (v: Variant): string => `${median(shots.get(v)!.wall).toFixed(1)} / ${median(shots.get(v)!.cpu).toFixed(1)}`;
    rows.push(
      `| ${c.label} | ${m('baseline').toFixed(2)} | ${m('wasm').toFixed(2)} | ${m('twins').toFixed(2)} | ${(m('baseline') / m('wasm')).toFixed(2)}× | ${sh('baseline')} | ${sh('wasm')} | ${sh('twins')} | ${(diff / scale).toExponential(1)} | ${bitwise ? 'yes' : 'NO'} |`,
    );
  }
  console.log(`baseline ${ref}; ${rounds} rounds; load average (1 min) ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}; ${new Date().toISOString()}`);
  console.log('| case | baseline ms | wasm ms | twins ms | baseline/wasm | one-shot baseline wall/CPU ms | one-shot wasm | one-shot twins | final state vs baseline (rel.) | wasm = twins bitwise |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}
