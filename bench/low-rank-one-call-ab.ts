/**
 * One-shot and warm A/B of the low-rank stage evaluator between two built checkouts (e.g.
 * /work/main vs this one, for the one-call stage kernel `lrStageOne`). One-shot: the CLI in
 * fresh processes, `simulate --problem P --method dop853 --rtol 1e-8 --atol 1e-10 --t-end T
 * --save-at 0,T --json`, stats.wallTimeMs (the solve, process start-up and imports excluded),
 * the two checkouts alternating, median of `shots`. Warm: both checkouts' dist `simulate` in one
 * process, 10 warm-up solves each, then `shots`·3 alternating solves, median wallTimeMs.
 * Cases: square 24×96 (seed 7, t = 500), square 16×64 (seed 1, t = 1000), square 64×512
 * (seed 1, t = 1000), all vScale 0.1 aScale 0.5, and the Fig-3 regression (t = 300).
 *
 * Usage: `npx tsx bench/low-rank-one-call-ab.ts <checkout A> <checkout B> [shots=7]` (both built).
 * Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomProblem } from '../src/models/random-problem.js';

const roots = [resolve(process.argv[2] ?? '/work/main'), resolve(process.argv[3] ?? '.')];
const shots = Number(process.argv[4] ?? 7);
const dir = resolve('.scratch');
mkdirSync(dir, { recursive: true });
const cases: { label: string; file: string; tEnd: number }[] = [];
const add = (label: string, spec: unknown, tEnd: number): void => {
  const file = join(dir, `one-call-${label}.json`);
  writeFileSync(file, JSON.stringify(spec));
  cases.push({ label, file, tEnd });
};
add('square-24x96-s7', randomProblem({ loss: 'square', d: 24, n: 96, seed: 7, vScale: 0.1, aScale: 0.5 }), 500);
add('square-16x64-s1', randomProblem({ loss: 'square', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0.5 }), 1000);
add('square-64x512-s1', randomProblem({ loss: 'square', d: 64, n: 512, seed: 1, vScale: 0.1, aScale: 0.5 }), 1000);
add('fig3-regression', JSON.parse(readFileSync('sims/data/fig3-regression-kappa5.json', 'utf8')), 300);

const median = (x: number[]): number => {
  const s = [...x].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const args = (c: (typeof cases)[number]): string[] => ['simulate', '--problem', c.file, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(c.tEnd), '--save-at', `0,${c.tEnd}`, '--json'];

console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; A = ${roots[0]}, B = ${roots[1]}; shots ${shots}`);
type Sim = (p: unknown, o: unknown) => { stats: { wallTimeMs: number; rhsEvals: number; steps: number }; config: { formulation: string } };
const sims: Sim[] = [];
for (const r of roots) sims.push(((await import(pathToFileURL(join(r, 'dist/src/experiments/simulate.js')).href)) as { simulate: Sim }).simulate);
for (const c of cases) {
  const one: number[][] = [[], []];
  let info = '';
  for (let i = 0; i < shots; i++) {
    for (let v = 0; v < 2; v++) {
      const p = spawnSync(process.execPath, [join(roots[v]!, 'dist/src/cli/main.js'), ...args(c)], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (p.status !== 0) throw new Error(`${c.label}: ${p.stderr}`);
      const j = JSON.parse(p.stdout) as { stats: { wallTimeMs: number; rhsEvals: number; steps: number }; config: { formulation: string } };
      one[v]!.push(j.stats.wallTimeMs);
      info = `${j.config.formulation}, ${j.stats.steps} steps, ${j.stats.rhsEvals} stages`;
    }
  }
  const spec = JSON.parse(readFileSync(c.file, 'utf8')) as unknown;
  const o = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd: c.tEnd, saveAt: [0, c.tEnd] };
  for (let i = 0; i < 10; i++) for (const s of sims) s(spec, o);
  const warm: number[][] = [[], []];
  for (let i = 0; i < 3 * shots; i++) for (let v = 0; v < 2; v++) warm[v]!.push(sims[v]!(spec, o).stats.wallTimeMs);
  const [a1, b1, aw, bw] = [median(one[0]!), median(one[1]!), median(warm[0]!), median(warm[1]!)];
  console.log(`${c.label} (${info}): one-shot A ${a1.toFixed(1)} B ${b1.toFixed(1)} ms (A/B ${(a1 / b1).toFixed(2)}×); warm A ${aw.toFixed(2)} B ${bw.toFixed(2)} ms (A/B ${(aw / bw).toFixed(2)}×)`);
}
console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
