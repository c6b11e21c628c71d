/**
 * Value-softmax flow benchmark as work-precision: for each case and rtol ∈ {1e-6,
 * 1e-8, 1e-10} (atol = rtol/100), CPU time and final-state error of vsflow's `simulate` (each
 * formulation that applies, dopri5 and dop853, and dop853-stiff for the square cases) and of
 * scipy solve_ivp RK45/DOP853 (analytic
 * vectorised numpy RHS, OPENBLAS/OMP/MKL threads = 1, only the solve_ivp call timed, CPU time by
 * process_time), in interleaved rounds (one scipy round, then one vsflow round, repeated) so that
 * load on a shared machine hits both alike. Error = max-abs error of the final state relative to
 * its max-abs entry, against vsflow dop853 at rtol 1e-13/atol 1e-15 (reduced formulation for the
 * logistic cases, full-state otherwise; the formulations are tested against each other).
 *
 * Verdict per case and rtol: scipy's faster method at that rtol (time T, error E) against the
 * fastest vsflow run with the default formulation (`auto`, any of its methods, any of the three rtols)
 * whose error is ≤ E: ratio T / T_vsflow. One-shot: fresh `vsflow simulate` processes (the built
 * CLI, dist/), their stats.wallTimeMs, against the same solve warm in this process.
 * Gradient descent: the Fig-2 problem (d = n = 8, lr 0.1, 1e6 steps) against the authors' loop
 * in numpy (bench/peers/gd_numpy.py). Peers are skipped with a message if python3/scipy are missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solve } from '../src/integrators/solve.js';
import type { MethodName } from '../src/integrators/types.js';
import { resolveProblem, type ProblemSpec } from '../src/models/problem.js';
import { randomProblem } from '../src/models/random-problem.js';
import { valueSoftmaxRhs } from '../src/models/value-softmax.js';
import type { Formulation, SimulateResult } from '../src/experiments/simulate.js';
import { loadSimulate } from './built-package.js';
import type { BenchModule } from './types.js';
import { median, ONE_BLAS_THREAD, relErr, stateOf } from './stats.js';

const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RTOLS = [1e-6, 1e-8, 1e-10] as const;
const atolOf = (rtol: number): number => rtol * 1e-2;
/** vsflow's warm-up per configuration (see the warm-up loop): at least this many runs and this much CPU. */
const WARM_RUNS = 5;
const WARM_MS = 100;
/**
 * ... and until its last WARM_RUNS runs took at most this much CPU per wall time: the solve is
 * single-threaded, so more is V8 compiling on background threads (TurboFan compiles of the
 * functions each solve calls once, such as `simulate`, ~40 ms each, still landing after 30
 * square 64×512 solves), which a warm measurement must not include.
 */
const SETTLED_CPU_PER_WALL = 1.03;
/** The warm-up's cap per configuration, CPU ms (a machine that never settles still gets measured). */
const WARM_CAP_MS = 2000;


function pythonOk(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'python3 with numpy and scipy not available: peer columns skipped';
}

function peer<T>(script: string, job: unknown, timeoutMs: number): T {
  const r = spawnSync('python3', [`${PEERS}${script}`], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28, timeout: timeoutMs, env: { ...process.env, ...ONE_BLAS_THREAD } });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as T;
}

/** CPU milliseconds (user + system) of this process spent in `f`. */
function cpuMs<T>(f: () => T): [T, number] {
  const c = process.cpuUsage();
  const out = f();
  const u = process.cpuUsage(c);
  return [out, (u.user + u.system) / 1000];
}

/** CPU and wall milliseconds of `f` (CPU/wall > 1: another thread of this process was working). */
function cpuWallMs<T>(f: () => T): [T, number, number] {
  const w = performance.now();
  const [out, cpu] = cpuMs(f);
  return [out, cpu, performance.now() - w];
}

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const fmtE = (x: number): string => x.toExponential(1);
const fmtR = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)}×` : '–');

interface Case {
  label: string;
  spec: ProblemSpec;
  tEnd: number;
  /** vsflow formulations to time (auto's choice among them). */
  formulations: Exclude<Formulation, 'auto'>[];
  refFormulation: 'reduced' | 'full';
  /** vsflow methods to time: dopri5 and dop853, and dop853-stiff where it applies (square). */
  methods: RunMethod[];
}

type RunMethod = 'dopri5' | 'dop853' | 'dop853-stiff';

function cases(quick: boolean): Case[] {
  const out: Case[] = [];
  const sizes: [number, number][] = quick ? [[2, 8]] : [[2, 8], [16, 64], [64, 512]];
  for (const [d, n] of sizes) {
    // Square: a ~ 0.5·N(0,1), targets N(0,1); logistic: the Fig-2 initialisation (a = 0, V = 0.1·randn).
    out.push({ label: `square ${d}×${n}, t=1000`, spec: randomProblem({ loss: 'square', d, n, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000, formulations: ['low-rank', 'full'], refFormulation: 'full', methods: ['dopri5', 'dop853', 'dop853-stiff'] });
  }
  for (const [d, n] of quick ? sizes : [...sizes, [256, 2048] as [number, number]]) {
    // 256×2048: the full-state and low-rank paths take minutes per round there; reduced only.
    out.push({ label: `logistic ${d}×${n}, t=1e5`, spec: randomProblem({ loss: 'logistic', d, n, seed: 1, vScale: 0.1, aScale: 0 }), tEnd: 1e5, formulations: d * n > 1e5 ? ['reduced'] : ['reduced', 'low-rank', 'full'], refFormulation: 'reduced', methods: ['dopri5', 'dop853'] });
  }
  if (!quick) {
    const fig3 = JSON.parse(readFileSync(join(ROOT, 'sims/data/fig3-regression-kappa5.json'), 'utf8')) as ProblemSpec;
    out.push({ label: 'regression 20×20 (Fig 3, κ = 5), t=300', spec: fig3, tEnd: 300, formulations: ['low-rank', 'full'], refFormulation: 'full', methods: ['dopri5', 'dop853'] });
  }
  return out;
}

interface Run {
  formulation: Exclude<Formulation, 'auto'>;
  method: RunMethod;
  rtol: number;
  /** Runs per measurement (≥ 25 ms of CPU per measurement, so short solves rise above timer noise). */
  reps: number;
  cpu: number[];
  wall: number[];
  /** CPU/wall of each measurement (> 1: background work of this process in it). */
  cpuPerWall: number[];
  /** Warm-up runs, and whether the warm-up ended settled (not at its cap). */
  warmRuns: number;
  warmSettled: boolean;
  err: number;
  nfev: number;
}

const bench: BenchModule = async ({ quick, log }) => {
  const rounds = quick ? 2 : 3;
  const noPy = pythonOk();
  if (noPy) log(noPy);
  const blocks: string[] = [];
  const verdicts: { label: string; rtol: number; ratio: number; scipyMs: number; ourMs: number; ourCfg: string }[] = [];
  const oneShotRows: string[] = [];
  const oneShotRatios: number[] = [];
  const oneShotVsScipy: number[] = [];
  // Warm runs time the built package (bench/built-package.ts), as the one-shot runs do.
  const { simulate, from } = await loadSimulate();
  const cliBuilt = from === 'dist' && existsSync(join(ROOT, 'dist/src/cli/main.js'));
  if (!cliBuilt) log('dist/ not built (npm run build): warm runs time src/ through tsx; one-shot column skipped');
  const tmp = mkdtempSync(join(tmpdir(), 'vsflow-bench-'));

  for (const c of cases(quick)) {
    const base = { tEnd: c.tEnd, saveAt: [0, c.tEnd] };
    // Short scipy solves: 5 runs per round (the peer process is started once per round).
    const small = c.spec.V.length * c.spec.V[0]!.length <= 1024;
    const ref = stateOf(simulate(c.spec, { ...base, method: 'dop853', rtol: 1e-13, atol: 1e-15, formulation: c.refFormulation, maxSteps: 1e8 }));
    const runs: Run[] = [];
    for (const formulation of c.formulations) for (const method of c.methods) for (const rtol of RTOLS) runs.push({ formulation, method, rtol, reps: 1, cpu: [], wall: [], cpuPerWall: [], warmRuns: 0, warmSettled: false, err: NaN, nfev: 0 });
    const sRuns = RTOLS.flatMap((rtol) => (['RK45', 'DOP853'] as const).map((method) => ({ method, rtol, cpu: [] as number[], err: NaN, nfev: 0 })));
    // JIT warm-up, then the repetitions per measurement: each vsflow configuration runs until it
    // has had ≥ WARM_RUNS runs and ≥ WARM_MS of CPU (at most 2000 runs); the median of its last
    // WARM_RUNS runs sets the repetitions (≥ 25 ms of CPU per measurement, at most 1000 runs);
    // then one unmeasured round of every configuration with those repetitions, so the first
    // measured round does not see the code the other configurations' warm-ups left (a
    // configuration's warm-up can deoptimise code another one uses). Before 2026-12-01 23:00Z the
    // warm-up was two runs and the second, still partly interpreted, set the repetitions: 2–15 ms
    // of CPU per measurement instead of 25, including background JIT compiles, and the smallest
    // cases' times were 1.5–3× their steady-state time (docs/benchmarks.md).
    // Since 2026-12-02 also until the last WARM_RUNS runs are settled (CPU/wall ≤ SETTLED_CPU_PER_WALL,
    // at most WARM_CAP_MS of CPU): the runs before were measured with background TurboFan compiles
    // in them (CPU/wall up to 1.9 in some measured rounds).
    for (const r of runs) {
      const go = (): SimulateResult => simulate(c.spec, { ...base, method: r.method, rtol: r.rtol, atol: atolOf(r.rtol), formulation: r.formulation });
      const times: number[] = [];
      const walls: number[] = [];
      let total = 0;
      const settled = (): boolean => {
        const cpu = times.slice(-WARM_RUNS).reduce((a, b) => a + b, 0);
        const wall = walls.slice(-WARM_RUNS).reduce((a, b) => a + b, 0);
        return cpu <= SETTLED_CPU_PER_WALL * wall;
      };
      while ((times.length < WARM_RUNS || total < WARM_MS || !settled()) && times.length < 2000 && total < WARM_CAP_MS) {
        const [, ms, wall] = cpuWallMs(go);
        times.push(ms);
        walls.push(wall);
        total += ms;
      }
      r.reps = Math.min(1000, Math.max(1, Math.ceil(25 / Math.max(median(times.slice(-WARM_RUNS)), 0.01))));
      r.warmRuns = times.length;
      r.warmSettled = settled();
    }
    for (const r of runs) for (let q = 0; q < r.reps; q++) simulate(c.spec, { ...base, method: r.method, rtol: r.rtol, atol: atolOf(r.rtol), formulation: r.formulation });
    for (let round = 0; round < rounds; round++) {
      if (!noPy) {
        const out = peer<{ runs: { cpu_s: number[]; y_end: number[]; nfev: number }[] }>('flow_scipy.py', { problem: c.spec, tEnd: c.tEnd, runs: sRuns.map((s) => ({ method: s.method, rtol: s.rtol, atol: atolOf(s.rtol) })), repeats: small ? 5 : 1, warmup: small ? 1 : 0 }, 1_800_000);
        out.runs.forEach((o, i) => {
          const s = sRuns[i]!;
          for (const x of o.cpu_s) s.cpu.push(x * 1000);
          s.err = relErr(o.y_end, ref);
          s.nfev = o.nfev;
        });
      }
      for (const r of runs) {
        const [res, ms, wall] = cpuWallMs(() => {
          let last: SimulateResult | undefined;
          for (let q = 0; q < r.reps; q++) last = simulate(c.spec, { ...base, method: r.method, rtol: r.rtol, atol: atolOf(r.rtol), formulation: r.formulation });
          return last!;
        });
        r.cpu.push(ms / r.reps);
        r.cpuPerWall.push(ms / wall);
        r.wall.push(res.stats.wallTimeMs);
        r.err = relErr(stateOf(res), ref);
        r.nfev = res.stats.rhsEvals;
      }
    }
    const autoForm = simulate(c.spec, { ...base, method: 'dop853', rtol: 1e-8, atol: 1e-10 }).config.formulation;
    const lines = [
      `#### ${c.label} (auto formulation: ${autoForm})`,
      '',
      '| solver | rtol | CPU ms (median) | error | RHS evals | warm-up runs | CPU/wall of the measurements |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...runs.map((r) => `| vsflow ${r.formulation} ${r.method} | ${r.rtol} | ${fmtMs(median(r.cpu))} | ${fmtE(r.err)} | ${r.nfev} | ${r.warmRuns}${r.warmSettled ? '' : ' (cap)'} | ${r.cpuPerWall.map((x) => x.toFixed(2)).join(', ')} |`),
      ...(noPy ? [] : sRuns.map((s) => `| scipy ${s.method} | ${s.rtol} | ${fmtMs(median(s.cpu))} | ${fmtE(s.err)} | ${s.nfev} | – | – |`)),
    ];
    blocks.push(lines.join('\n'));
    if (!noPy) {
      const autos = runs.filter((r) => r.formulation === autoForm);
      for (const rtol of RTOLS) {
        const pair = sRuns.filter((s) => s.rtol === rtol);
        const best = pair.reduce((a, b) => (median(a.cpu) <= median(b.cpu) ? a : b));
        // "Equal" error: within 10 % (same step sequence, errors differing by round-off).
        const ok = autos.filter((r) => r.err <= 1.1 * best.err);
        const fastest = ok.length ? ok.reduce((a, b) => (median(a.cpu) <= median(b.cpu) ? a : b)) : undefined;
        const ratio = fastest ? median(best.cpu) / median(fastest.cpu) : NaN;
        verdicts.push({ label: c.label, rtol, ratio, scipyMs: median(best.cpu), ourMs: fastest ? median(fastest.cpu) : NaN, ourCfg: fastest ? `${fastest.method} rtol ${fastest.rtol}` : 'none as accurate' });
      }
    }
    // One-shot: fresh CLI processes, dop853 at rtol 1e-8, auto formulation, interleaved with warm runs.
    if (cliBuilt) {
      const file = join(tmp, 'problem.json');
      writeFileSync(file, JSON.stringify(c.spec));
      const shots: number[] = [];
      const warm: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const p = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'simulate', '--problem', file, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(c.tEnd), '--save-at', `0,${c.tEnd}`, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
        if (p.status !== 0) throw new Error(`vsflow simulate failed: ${p.stderr}`);
        shots.push((JSON.parse(p.stdout) as SimulateResult).stats.wallTimeMs);
        warm.push(simulate(c.spec, { ...base, method: 'dop853', rtol: 1e-8, atol: 1e-10 }).stats.wallTimeMs);
      }
      const ratio = median(shots) / median(warm);
      oneShotRatios.push(ratio);
      const sc = sRuns.filter((s) => s.rtol === 1e-8);
      const scBest = sc.length && !noPy ? Math.min(...sc.map((s) => median(s.cpu))) : NaN;
      if (Number.isFinite(scBest)) oneShotVsScipy.push(scBest / median(shots));
      oneShotRows.push(`| ${c.label} | ${fmtMs(median(shots))} | ${fmtMs(median(warm))} | ${ratio.toFixed(2)} | ${fmtMs(scBest)} | ${fmtR(scBest / median(shots))} |`);
    }
    log(`${c.label}: ${verdicts.filter((v) => v.label === c.label).map((v) => `rtol ${v.rtol} ${fmtR(v.ratio)}`).join(', ')}`);
  }

  // Gradient descent, Fig-2 problem.
  const steps = quick ? 1e5 : 1e6;
  const lr = 0.1;
  const gdRepeats = quick ? 2 : 3;
  let gdRow: string;
  let gdSpec: ProblemSpec;
  let numpy: { problem: ProblemSpec; cpu_s: number[]; W_end: number[][]; a_end: number[]; record_steps: number[] } | undefined;
  const gTimes: number[] = [];
  const gfTimes: number[] = [];
  const npTimes: number[] = [];
  if (!noPy) gdSpec = peer<NonNullable<typeof numpy>>('gd_numpy.py', { steps: 10, lr, records: 2, repeats: 1 }, 60_000).problem;
  else gdSpec = randomProblem({ seed: 123 }); // not numpy's draw: the peer is absent anyway
  const gflow = valueSoftmaxRhs(resolveProblem(gdSpec));
  let gEnd: number[] = [];
  for (let r = 0; r < gdRepeats; r++) {
    if (!noPy) {
      numpy = peer<NonNullable<typeof numpy>>('gd_numpy.py', { steps, lr, records: 200, repeats: 1 }, 1_800_000);
      npTimes.push(numpy.cpu_s[0]! * 1000);
    }
    const saveAt = [0, ...(numpy?.record_steps ?? [steps]).map((k) => k * lr)];
    const [res, ms] = cpuMs(() => simulate(gdSpec, { method: 'gd', lr, tEnd: steps * lr, saveAt }));
    gTimes.push(ms);
    gEnd = stateOf(res);
    const [, fms] = cpuMs(() => solve(gflow.rhs, gflow.y0, 0, steps * lr, { method: 'gd' as MethodName, dt: lr, saveAt }));
    gfTimes.push(fms);
  }
  const gMs = median(gTimes);
  const gfMs = median(gfTimes);
  let gdRatio = NaN;
  if (numpy) {
    const npMs = median(npTimes);
    gdRatio = npMs / gMs;
    const refEnd = [...numpy.W_end.flat(), ...numpy.a_end];
    gdRow = `| Fig 2 (logistic, d = n = 8), lr ${lr}, ${steps.toExponential(0)} steps | ${fmtMs(gMs)} | ${fmtMs(gfMs)} | ${fmtMs(npMs)} | ${fmtR(gdRatio)} | ${fmtR(npMs / gfMs)} | ${fmtE(relErr(gEnd, refEnd))} |`;
    log(`GD ${steps} steps: vsflow ${fmtMs(gMs)} ms (full-state solve gd ${fmtMs(gfMs)} ms), numpy ${fmtMs(npMs)} ms, ratio ${fmtR(gdRatio)}`);
  } else {
    gdRow = `| Fig 2 (logistic, d = n = 8), lr ${lr}, ${steps.toExponential(0)} steps | ${fmtMs(gMs)} | ${fmtMs(gfMs)} | – | – | – | – |`;
  }

  const ratios = verdicts.map((v) => v.ratio);
  const finite = ratios.filter(Number.isFinite);
  const med = finite.length ? median(ratios.map((r) => (Number.isFinite(r) ? r : 0))) : NaN;
  const min = ratios.length ? Math.min(...ratios.map((r) => (Number.isFinite(r) ? r : 0))) : NaN;
  const summary = verdicts.length
    ? `Warm, at equal or better final-state error: median ${fmtR(med)} over ${verdicts.length} (case, rtol) pairs, smallest ${fmtR(min)} (a pair with no vsflow run as accurate counts as 0×). Targets: median ≥ 20×, none below 5×.`
    : 'scipy peer skipped (python3/numpy/scipy not available).';
  log(summary);
  const shotSummary = oneShotRatios.length
    ? `One-shot / warm (stats.wallTimeMs, median of ${rounds}): median ${median(oneShotRatios).toFixed(2)}, largest ${Math.max(...oneShotRatios).toFixed(2)} (target ≤ 1.5). One-shot against scipy's faster method at rtol 1e-8 (scipy CPU time / vsflow one-shot wall time): median ${fmtR(median(oneShotVsScipy))}, smallest ${fmtR(Math.min(...oneShotVsScipy))}.`
    : '';
  if (shotSummary) log(shotSummary);
  const markdown = [
    `Work-precision: rtol ∈ {1e-6, 1e-8, 1e-10}, atol = rtol/100; CPU time of the whole \`simulate\` call (process user + system) of ${from === 'dist' ? 'the built package (dist/, what \`import \'vsflow\'\` loads; bench/built-package.ts)' : 'src/ through tsx (dist/ not built)'}; vsflow after a JIT warm-up per configuration of ≥ ${WARM_RUNS} runs and ≥ ${WARM_MS} ms of CPU and until its last ${WARM_RUNS} runs took ≤ ${SETTLED_CPU_PER_WALL}× their wall time in CPU (no background compiles; at most ${WARM_CAP_MS} ms, marked "cap"), then one unmeasured round), median of ${rounds} interleaved rounds (each round: one scipy process running every scipy configuration once, then every vsflow configuration once). scipy: solve_ivp with an analytic vectorised numpy RHS, one BLAS/OpenMP thread, only the solve_ivp call timed by process_time. Error = max-abs error of the final state relative to its max-abs entry, against vsflow dop853 at rtol 1e-13, atol 1e-15 (reduced formulation for logistic, full-state otherwise).${quick ? ' Quick mode: smallest sizes only.' : ''}`,
    '',
    '### Verdict per case and rtol',
    '',
    "scipy's faster method at that rtol against the fastest vsflow run (default formulation, any method timed for the case: dopri5, dop853, and dop853-stiff for the square cases; any of the three rtols) whose final-state error is at most scipy's (equal within 10 %: the same step sequence gives errors that differ by round-off). vsflow times below ~25 ms are per-run averages over repeated runs inside one measurement.",
    '',
    '| case | rtol | scipy best CPU ms | vsflow CPU ms | vsflow run | speed-up |',
    '|---|---:|---:|---:|---|---:|',
    ...verdicts.map((v) => `| ${v.label} | ${v.rtol} | ${fmtMs(v.scipyMs)} | ${fmtMs(v.ourMs)} | ${v.ourCfg} | ${fmtR(v.ratio)} |`),
    '',
    summary,
    '',
    '### One-shot (`vsflow simulate` in a fresh process) against warm',
    '',
    'dop853, rtol 1e-8, atol 1e-10, default formulation; `stats.wallTimeMs` of the result JSON (the solve itself, in the CLI\'s worker; process start-up excluded), interleaved with warm in-process runs.',
    '',
    '| case | one-shot ms | warm ms | one-shot / warm | scipy best CPU ms (rtol 1e-8) | scipy / one-shot |',
    '|---|---:|---:|---:|---:|---:|',
    ...oneShotRows,
    '',
    shotSummary,
    '',
    '### All runs',
    '',
    ...blocks.flatMap((b) => [b, '']),
    `### Gradient descent (flow time t = lr·k), median of ${gdRepeats} interleaved rounds, CPU time`,
    '',
    "| problem | vsflow ms (simulate gd: reduced, fused) | vsflow ms (solve gd, full state) | numpy ms | speed-up | speed-up (full-state) | final-state difference |",
    '|---|---:|---:|---:|---:|---:|---:|',
    gdRow,
    '',
    `The numpy loop is the authors' full-batch loop with hand-written gradients (bench/peers/gd_numpy.py), recording 200 log-spaced states; vsflow runs \`simulate(..., {method: 'gd'})\` with the same save steps (the reduced (u, a) state with the fused GD kernel; bitwise equal to solve's gd on that state, tested) and, for comparison, solve's gd on the full state. Target: ≥ 100×.`,
  ].join('\n');
  return { title: 'Value-softmax flow: vsflow vs scipy solve_ivp (work-precision) and numpy gradient descent', markdown };
};

export default bench;
