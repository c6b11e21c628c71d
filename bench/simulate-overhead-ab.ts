/**
 * The fixed cost of a `simulate` call outside the integration, old build vs new build.
 * 1. Check (always first): both builds' `simulate` on a set of problems (logistic, square,
 *    regression, cross-entropy; K = 1 and K > 1; formulations reduced, low-rank, full; every
 *    method; events; saveAt grids; freeze; normalisations) must give the same result JSON bit for
 *    bit (wall times excluded; numbers compared through their float64 bits, so −0 ≠ 0) and the
 *    same accepted-step times (onProgress, which gives the first step h0 too); bad inputs must
 *    throw the same error class and message. Exits 1 on any difference.
 * 2. Warm: both builds loaded in this process, interleaved rounds (old, new; new, old; …) after
 *    warm-up; median time of the whole call and median stats.wallTimeMs (the solve). Then each
 *    build alone in its own child process (alternating), since in one process a build also pays
 *    for collecting the other's garbage.
 * 3. One-shot: fresh `node dist/src/cli/main.js simulate --problem P --method dop853 --rtol 1e-8
 *    --atol 1e-10 --t-end T --save-at 0,T --json` processes, alternating builds; median process
 *    wall time and median stats.wallTimeMs.
 * Cases: logistic 16×64, 64×512, 256×2048 (t = 1e5; aScale 0) and square 64×512 (t = 1000;
 * aScale 0.5), randomProblem({ loss, d, n, seed: 1, vScale: 0.1, aScale }) as in
 * bench/flow.bench.ts.
 *
 * Usage (both checkouts built): npx tsx bench/simulate-overhead-ab.ts --old /work/main [--new .]
 *   [--rounds 15] [--shots 7] [--solo-processes 3] [--check-only] [--ignore-keys key1,key2]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, arg, fmtMs as fmt } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

type Lib = {
  simulate: (problem: unknown, options: Record<string, unknown>) => Record<string, unknown> & { stats: { wallTimeMs: number } };
  randomProblem: (o: Record<string, unknown>) => Record<string, unknown>;
};

/**
 * Keys left out of the comparison (`--ignore-keys a,b`): e.g. a config field that only the new
 * build records (`stallSteps`, added with the stall check), so that the numbers are still compared.
 */
const IGNORED = new Set((process.argv.find((a, i) => process.argv[i - 1] === '--ignore-keys') ?? '').split(',').filter(Boolean));

/** JSON of a result with wall times (and the ignored keys) removed and every number written as its float64 bits. */
function canonical(x: unknown): string {
  const bits = new DataView(new ArrayBuffer(8));
  return JSON.stringify(x, (key, v: unknown) => {
    if (key === 'wallTimeMs' || key === 'createdAt' || key === 'startedAt' || IGNORED.has(key)) return undefined;
    if (typeof v === 'number') {
      bits.setFloat64(0, v);
      return `f${bits.getBigUint64(0).toString(16)}`;
    }
    if (v instanceof Float64Array) return Array.from(v);
    return v;
  });
}

interface CheckCase {
  label: string;
  problem: (lib: Lib) => unknown;
  options: Record<string, unknown>;
}

function checkCases(): CheckCase[] {
  const fig3 = JSON.parse(readFileSync(join(ROOT, 'sims/data/fig3-regression-kappa5.json'), 'utf8')) as unknown;
  const rp = (o: Record<string, unknown>) => (lib: Lib) => lib.randomProblem({ seed: 3, vScale: 0.3, aScale: 0.5, ...o });
  const T = { tEnd: 50, saveAt: [0, 1, 10, 50] };
  const out: CheckCase[] = [];
  const probs: [string, (lib: Lib) => unknown][] = [
    ['logistic 16×64', rp({ loss: 'logistic', d: 16, n: 64 })],
    ['logistic 8×32 K=3', rp({ loss: 'logistic', d: 8, n: 32, samples: 3 })],
    ['square 16×32', rp({ loss: 'square', d: 16, n: 32 })],
    ['square 6×10 K=2', rp({ loss: 'square', d: 6, n: 10, samples: 2 })],
    ['regression 5×12 K=2', rp({ loss: 'regression', d: 5, n: 12, samples: 2 })],
    ['cross-entropy 4×9', rp({ loss: 'cross-entropy', d: 4, n: 9 })],
    ['square 5×8 relu', rp({ loss: 'square', d: 5, n: 8, normalization: 'relu' })],
    ['logistic 4×8 sigmoid', rp({ loss: 'logistic', d: 4, n: 8, normalization: 'sigmoid' })],
    ['fig3 regression', () => fig3],
  ];
  for (const [label, problem] of probs) {
    for (const formulation of ['auto', 'full', 'low-rank', 'reduced']) {
      for (const method of ['dop853', 'dopri5']) out.push({ label: `${label} ${method} ${formulation}`, problem, options: { method, rtol: 1e-8, atol: 1e-10, formulation, ...T } });
    }
    out.push({ label: `${label} default grid`, problem, options: { tEnd: 20, saveAt: undefined } });
    out.push({ label: `${label} log grid dopri5`, problem, options: { method: 'dopri5', rtol: 1e-6, atol: 1e-9, tEnd: 30, saveAt: { log: [0.01, 30, 7] } } });
    out.push({ label: `${label} rk4`, problem, options: { method: 'rk4', dt: 0.5, ...T } });
    out.push({ label: `${label} gd`, problem, options: { method: 'gd', lr: 0.1, ...T } });
    out.push({ label: `${label} cash-karp`, problem, options: { method: 'cash-karp', rtol: 1e-7, atol: 1e-9, ...T } });
    out.push({ label: `${label} freeze a`, problem, options: { method: 'dop853', freeze: ['a'], ...T } });
    out.push({ label: `${label} until-loss`, problem, options: { method: 'dop853', untilLoss: 1e-3, tEnd: 1e4, saveAt: [0, 1e4] } });
    out.push({ label: `${label} until-entropy`, problem, options: { method: 'dop853', untilEntropy: 0.5, tEnd: 1e4, saveAt: [0, 1e4] } });
    out.push({ label: `${label} until-max-prob gd`, problem, options: { method: 'gd', lr: 0.2, untilMaxProb: 0.9, tEnd: 1e3, saveAt: [0, 1e3] } });
    out.push({ label: `${label} custom event`, problem, options: { method: 'dop853', tEnd: 100, saveAt: [0, 100], events: [{ name: 'a0', fn: (_t: number, y: Float64Array) => y[y.length - 1]! - 0.2 }] } });
    out.push({ label: `${label} max-steps return`, problem, options: { method: 'dop853', tEnd: 1e5, maxSteps: 5, onFailure: 'return', saveAt: [0, 1e5] } });
  }
  return out;
}

/** Bad inputs: each build must throw the same class and message. */
function badInputs(): { label: string; problem: unknown; options?: Record<string, unknown> }[] {
  const ok = { loss: 'square', V: [[1, 0], [0, 1]], a: [0, 0], y: [1, 0] };
  const lg = { loss: 'logistic', V: [[0.1, 0, -0.1], [0, 0.2, 0]], a: [0, 0, 0], beta: [1, 0] };
  return [
    { label: 'V NaN', problem: { ...ok, V: [[1, NaN], [0, 1]] } },
    { label: 'V Infinity', problem: { ...ok, V: [[1, 0], [Infinity, 1]] } },
    { label: 'V string', problem: { ...ok, V: [[1, '0'], [0, 1]] } },
    { label: 'V ragged', problem: { ...ok, V: [[1, 0], [0]] } },
    { label: 'V empty', problem: { ...ok, V: [] } },
    { label: 'V empty row', problem: { ...ok, V: [[]] } },
    { label: 'V vector', problem: { ...ok, V: [1, 2] } },
    { label: 'V holey', problem: { ...ok, V: [[1, , 0], [0, 1, 0]] } },
    { label: 'V typed', problem: { ...ok, V: [new Float64Array([1, 0]), [0, 1]] } },
    { label: 'a wrong length', problem: { ...ok, a: [0, 0, 0] } },
    { label: 'a NaN', problem: { ...ok, a: [0, NaN] } },
    { label: 'a mixed', problem: { ...ok, a: [[0, 0], 1] } },
    { label: 'a string', problem: { ...ok, a: 'x' } },
    { label: 'y missing', problem: { loss: 'square', V: ok.V, a: ok.a } },
    { label: 'y bad', problem: { ...ok, y: [1, null] } },
    { label: 'unknown field', problem: { ...ok, beta: [1, 0] } },
    { label: 'typo field', problem: { ...ok, Vv: [[1]] } },
    { label: 'unknown field + NaN', problem: { ...ok, V: [[NaN, 0], [0, 1]], zz: 1 } },
    { label: 'beta missing', problem: { ...lg, beta: undefined } },
    { label: 'beta short', problem: { ...lg, beta: [1] } },
    { label: 'beta NaN', problem: { ...lg, beta: [1, NaN] } },
    { label: 'labels bad', problem: { ...lg, labels: [2] } },
    { label: 'p negative', problem: { loss: 'cross-entropy', V: ok.V, a: ok.a, p: [1.5, -0.5] } },
    { label: 'p -0', problem: { loss: 'cross-entropy', V: ok.V, a: ok.a, p: [1, -0] } },
    { label: 'p not summing', problem: { loss: 'cross-entropy', V: ok.V, a: ok.a, p: [0.5, 0.4] } },
    { label: 'X ragged', problem: { loss: 'regression', V: ok.V, a: ok.a, X: [[1, 0], [1]], y: [1, 0] } },
    { label: 'loss bad', problem: { ...ok, loss: 'hinge' } },
    { label: 'not object', problem: [1, 2] },
    { label: 'null proto', problem: Object.assign(Object.create(null), ok) },
    { label: 'getter V', problem: Object.defineProperty({ ...ok }, 'V', { get: () => [[1, 0], [0, NaN]], enumerable: true }) },
    { label: 'seed string', problem: { ...ok, seed: 'x' } },
    { label: 'normalization bad', problem: { ...ok, normalization: 'max' } },
    { label: 'sum zero', problem: { ...ok, normalization: 'sum' } },
    { label: 'overflow start', problem: { ...ok, V: [[1e200, 1e200], [1e200, 1e200]] } },
    { label: 'atol vector bad', problem: ok, options: { atol: [1, 2] } },
    { label: 'atol entry bad', problem: ok, options: { atol: [1e-9, 1e-9, -1, 1e-9, 1e-9, 1e-9] } },
    { label: 'rtol bad', problem: ok, options: { rtol: 2 } },
    { label: 'events bad', problem: ok, options: { events: [{ name: 1 }] } },
    { label: 'formulation bad', problem: ok, options: { formulation: 'reduced' } },
    { label: 'unknown option', problem: ok, options: { tEndd: 1 } },
  ];
}

function runCaught(lib: Lib, problem: unknown, options: Record<string, unknown>): string {
  try {
    return canonical(lib.simulate(problem, options));
  } catch (e) {
    const err = e as Error & { partial?: unknown };
    return `throw ${err.constructor.name}: ${err.message} ${err.partial === undefined ? '' : canonical(err.partial)}`;
  }
}

function check(oldLib: Lib, newLib: Lib): boolean {
  let bad = 0;
  let n = 0;
  for (const c of checkCases()) {
    const steps = (lib: Lib): string => {
      const ts: number[] = [];
      const r = runCaught(lib, c.problem(lib), { ...c.options, onProgress: (t: number) => ts.push(t) });
      return `${r}|${canonical(ts)}`;
    };
    const a = runCaught(oldLib, c.problem(oldLib), c.options) + steps(oldLib);
    const b = runCaught(newLib, c.problem(newLib), c.options) + steps(newLib);
    n++;
    if (a !== b) {
      bad++;
      console.log(`DIFF ${c.label}\n  old ${a.slice(0, 300)}\n  new ${b.slice(0, 300)}`);
    }
  }
  for (const c of badInputs()) {
    const a = runCaught(oldLib, c.problem, { tEnd: 1, saveAt: [0, 1], ...c.options });
    const b = runCaught(newLib, c.problem, { tEnd: 1, saveAt: [0, 1], ...c.options });
    n++;
    if (a !== b) {
      bad++;
      console.log(`DIFF bad input ${c.label}\n  old ${a.slice(0, 300)}\n  new ${b.slice(0, 300)}`);
    }
  }
  console.log(`check: ${n - bad}/${n} identical (results bit for bit, step times, error messages)`);
  return bad === 0;
}

interface Case {
  label: string;
  loss: string;
  d: number;
  n: number;
  tEnd: number;
  aScale: number;
}

const CASES: Case[] = [
  { label: 'logistic 16×64', loss: 'logistic', d: 16, n: 64, tEnd: 1e5, aScale: 0 },
  { label: 'logistic 64×512', loss: 'logistic', d: 64, n: 512, tEnd: 1e5, aScale: 0 },
  { label: 'logistic 256×2048', loss: 'logistic', d: 256, n: 2048, tEnd: 1e5, aScale: 0 },
  { label: 'square 64×512', loss: 'square', d: 64, n: 512, tEnd: 1000, aScale: 0.5 },
];

const load = async (dir: string): Promise<Lib> => (await import(pathToFileURL(join(dir, 'dist/src/index.js')).href)) as Lib;

/** Interleaved warm rounds of `libs` over CASES: per case and build, [median whole ms, median stats.wallTimeMs]. */
function warm(libs: [string, Lib][], rounds: number): Record<string, Record<string, [number, number]>> {
  const out: Record<string, Record<string, [number, number]>> = {};
  for (const c of CASES) {
    const spec = libs[0]![1].randomProblem({ loss: c.loss, d: c.d, n: c.n, seed: 1, vScale: 0.1, aScale: c.aScale });
    const opts = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd: c.tEnd, saveAt: [0, c.tEnd] };
    const whole: Record<string, number[]> = Object.fromEntries(libs.map(([name]) => [name, []]));
    const solveMs: Record<string, number[]> = Object.fromEntries(libs.map(([name]) => [name, []]));
    const r = c.d * c.n > 1e5 ? Math.max(3, Math.ceil(rounds / 3)) : rounds;
    // Warm-up: enough calls for the small cases' JIT tiers (a fresh child process starts cold).
    const warmups = c.d * c.n <= 1e4 ? 40 : c.d * c.n <= 1e5 ? 10 : 3;
    for (const [, lib] of libs) for (let i = 0; i < warmups; i++) lib.simulate(spec, opts);
    for (let i = 0; i < r; i++) {
      const order = i % 2 === 0 ? libs : [...libs].reverse();
      for (const [name, lib] of order) {
        const t0 = performance.now();
        const res = lib.simulate(spec, opts);
        whole[name]!.push(performance.now() - t0);
        solveMs[name]!.push(res.stats.wallTimeMs);
      }
    }
    out[c.label] = Object.fromEntries(libs.map(([name]) => [name, [median(whole[name]!), median(solveMs[name]!)]]));
  }
  return out;
}

function printTable(rows: Record<string, Record<string, [number, number]>>): void {
  for (const c of CASES) {
    const line = (name: string): string => {
      const [w, s] = rows[c.label]![name]!;
      return `${name} ${fmt(w)} / ${fmt(s)} (${(w / s).toFixed(2)}×)`;
    };
    console.log(`  ${c.label.padEnd(18)} ${line('old')}   ${line('new')}`);
  }
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '15'));
  const soloDir = arg('solo', undefined);
  if (soloDir !== undefined) {
    // Child mode: one build alone, its warm medians as one JSON line.
    const rows = warm([['solo', await load(resolve(soloDir))]], rounds);
    console.log(JSON.stringify(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.solo]))));
    return;
  }
  if (arg('old', undefined) === undefined) throw new Error('--old /path/to/old/checkout is required');
  const oldDir = resolve(arg('old', '')!);
  const newDir = resolve(arg('new', ROOT)!);
  const shots = Number(arg('shots', '7'));
  const solo = Number(arg('solo-processes', '3'));
  const oldLib = await load(oldDir);
  const newLib = await load(newDir);
  const same = check(oldLib, newLib);
  if (!same) process.exitCode = 1;
  if (process.argv.includes('--check-only')) return;

  console.log(`\nwarm, both builds in this process (${rounds} interleaved rounds, 256×2048 a third; median ms): whole call / stats.wallTimeMs`);
  printTable(warm([['old', oldLib], ['new', newLib]], rounds));

  // Each build alone in its own process (alternating): neither pays for the other's garbage (the
  // old build allocates several more d·n arrays per call, collected during later calls).
  console.log(`\nwarm, each build alone (${solo} alternating processes per build; median of their medians, ms): whole call / stats.wallTimeMs`);
  const runs: Record<string, Record<string, [number, number][]>> = { old: {}, new: {} };
  for (let i = 0; i < solo; i++) {
    const order: [string, string][] = i % 2 === 0 ? [['old', oldDir], ['new', newDir]] : [['new', newDir], ['old', oldDir]];
    for (const [name, dir] of order) {
      const p = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--solo', dir, '--rounds', String(rounds)], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`solo ${name} failed: ${p.stderr}`);
      const got = JSON.parse(p.stdout.trim().split('\n').pop()!) as Record<string, [number, number]>;
      for (const [label, v] of Object.entries(got)) (runs[name]![label] ??= []).push(v);
    }
  }
  const soloRows: Record<string, Record<string, [number, number]>> = {};
  for (const c of CASES) {
    soloRows[c.label] = Object.fromEntries(['old', 'new'].map((name) => {
      const rs = runs[name]![c.label]!;
      return [name, [median(rs.map((r) => r[0])), median(rs.map((r) => r[1]))]];
    }));
  }
  printTable(soloRows);

  console.log(`\none-shot (fresh CLI processes, ${shots} each, alternating; median ms): process wall / stats.wallTimeMs`);
  const tmp = mkdtempSync(join(tmpdir(), 'vsflow-overhead-'));
  try {
    for (const c of CASES) {
      const spec = newLib.randomProblem({ loss: c.loss, d: c.d, n: c.n, seed: 1, vScale: 0.1, aScale: c.aScale });
      const file = join(tmp, `${c.loss}-${c.d}x${c.n}.json`);
      writeFileSync(file, JSON.stringify(spec));
      const wall: Record<string, number[]> = { old: [], new: [] };
      const solveMs: Record<string, number[]> = { old: [], new: [] };
      for (let i = 0; i < shots; i++) {
        const order: [string, string][] = i % 2 === 0 ? [['old', oldDir], ['new', newDir]] : [['new', newDir], ['old', oldDir]];
        for (const [name, dir] of order) {
          const t0 = performance.now();
          const p = spawnSync(process.execPath, [join(dir, 'dist/src/cli/main.js'), 'simulate', '--problem', file, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(c.tEnd), '--save-at', `0,${c.tEnd}`, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
          wall[name]!.push(performance.now() - t0);
          if (p.status !== 0) throw new Error(`${name} CLI failed: ${p.stderr}`);
          solveMs[name]!.push((JSON.parse(p.stdout) as { stats: { wallTimeMs: number } }).stats.wallTimeMs);
        }
      }
      const line = (name: string): string => `${name} ${fmt(median(wall[name]!))} / ${fmt(median(solveMs[name]!))}`;
      console.log(`  ${c.label.padEnd(18)} ${line('old')}   ${line('new')}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
