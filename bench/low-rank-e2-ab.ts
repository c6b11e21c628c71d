/**
 * A/B of the low-rank dop853 path between two built checkouts (e.g. /work/main and this one),
 * for a change that moves the error estimate at round-off (the fused pass's E2 = B − T).
 *
 * `--diff`: per problem (square, regression, cross-entropy; K = 1 and 3; softmax and l2sq / sigmoid
 * normalisation; dop853, rtol 1e-6 / 1e-8 / 1e-10, atol = rtol/100, saveAt [0, t], formulation
 * low-rank) the steps, rejections and stage counts of both checkouts, the largest relative
 * difference of the final states, max_i |a_i − b_i| / max_i |a_i|, and for scale each one's
 * error against a reference (checkout B, rtol 1e-13, atol 1e-15) in the same measure.
 *
 * Default (timing): warm CPU ms per solve (process.cpuUsage), both checkouts' dist `simulate`
 * in one process, `warm` warm-up solves each, then `rounds` interleaved rounds, each solve
 * repeated to ≥ 40 ms of CPU; medians and the per-round ratio's median. Cases: square 64×512 and
 * 16×64 (randomProblem seed 1, vScale 0.1, aScale 0.5, t = 1000) and the Fig-3 regression
 * (t = 300), dop853 rtol 1e-6 / 1e-8 / 1e-10, atol = rtol/100, saveAt [0, t].
 *
 * `--method dopri5` times dopri5 instead (the diff is always dop853).
 *
 * Usage: `nice -n 10 npx tsx bench/low-rank-e2-ab.ts <checkout A> <checkout B> [--diff] [--rounds 9] [--warm 3] [--method dop853]`
 * (both built). Not part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomProblem } from '../src/models/random-problem.js';
import type { ProblemSpec } from '../src/models/problem.js';
import { arg, median } from './stats.js';

interface Run {
  status: string;
  state: { V: number[][]; a: number[][] };
  stats: { steps: number; rejected: number; rhsEvals: number };
  config: { formulation: string };
}
type Sim = (p: ProblemSpec, o: object) => Run;

const roots = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').match(/^--(rounds|warm|method)$/));
const A = resolve(roots[0] ?? '/work/main');
const B = resolve(roots[1] ?? '.');
const sims: Sim[] = [];
for (const r of [A, B]) sims.push(((await import(pathToFileURL(join(r, 'dist/src/experiments/simulate.js')).href)) as { simulate: Sim }).simulate);
const FIG3 = JSON.parse(readFileSync(new URL('../sims/data/fig3-regression-kappa5.json', import.meta.url), 'utf8')) as ProblemSpec;
const RTOLS = [1e-6, 1e-8, 1e-10];
const opts = (tEnd: number, rtol: number, method = 'dop853'): object => ({ method, formulation: 'low-rank', rtol, atol: rtol / 100, tEnd, saveAt: [0, tEnd] });
const flat = (r: Run): number[] => [...r.state.V.flat(), ...r.state.a.flat()];

if (process.argv.includes('--diff')) {
  const cases: { label: string; spec: ProblemSpec; tEnd: number }[] = [
    { label: 'square 64×512', spec: randomProblem({ loss: 'square', d: 64, n: 512, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
    { label: 'square 16×64', spec: randomProblem({ loss: 'square', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
    { label: 'square 12×40 K=3', spec: randomProblem({ loss: 'square', d: 12, n: 40, samples: 3, seed: 2, aScale: 0.5 }), tEnd: 200 },
    { label: 'square 10×30 K=3 l2sq', spec: randomProblem({ loss: 'square', d: 10, n: 30, samples: 3, seed: 3, aScale: 0.5, normalization: 'l2sq' }), tEnd: 100 },
    { label: 'regression 20×20 (Fig 3)', spec: FIG3, tEnd: 300 },
    { label: 'regression 8×24 K=3 sigmoid', spec: randomProblem({ loss: 'regression', d: 8, n: 24, samples: 3, seed: 4, aScale: 0.5, normalization: 'sigmoid' }), tEnd: 100 },
    { label: 'cross-entropy 10×32 K=1', spec: randomProblem({ loss: 'cross-entropy', d: 10, n: 32, seed: 5, aScale: 0.5 }), tEnd: 100 },
    { label: 'cross-entropy 10×32 K=3', spec: randomProblem({ loss: 'cross-entropy', d: 10, n: 32, samples: 3, seed: 6, aScale: 0.5 }), tEnd: 100 },
  ];
  console.log(`A = ${A}, B = ${B}`);
  console.log('| case | rtol | A steps / rejected / stages | B steps / rejected / stages | final state, max rel. difference A vs B | A vs reference | B vs reference |');
  console.log('|---|---|---|---|---|---|---|');
  const rel = (x: number[], y: number[]): number => {
    let diff = 0;
    let scale = 0;
    x.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - y[i]!));
      scale = Math.max(scale, Math.abs(v));
    });
    return diff / scale;
  };
  for (const c of cases) {
    const ref = flat(sims[1]!(c.spec, { ...(opts(c.tEnd, 1e-13) as Record<string, unknown>), atol: 1e-15 }));
    for (const rtol of RTOLS) {
      const [a, b] = sims.map((s) => s(c.spec, opts(c.tEnd, rtol)));
      if (a!.status !== 'success' || b!.status !== 'success' || b!.config.formulation !== 'low-rank') throw new Error(`${c.label}: ${a!.status} ${b!.status} ${b!.config.formulation}`);
      const x = flat(a!);
      const y = flat(b!);
      const st = (r: Run): string => `${r.stats.steps} / ${r.stats.rejected} / ${r.stats.rhsEvals}`;
      console.log(`| ${c.label} | ${rtol.toExponential(0)} | ${st(a!)} | ${st(b!)} | ${rel(x, y).toExponential(1)} | ${rel(ref, x).toExponential(1)} | ${rel(ref, y).toExponential(1)} |`);
    }
  }
} else {
  const rounds = Number(arg('rounds', '9'));
  const warm = Number(arg('warm', '3'));
  const method = arg('method', 'dop853')!;
  const cases: { label: string; spec: ProblemSpec; tEnd: number }[] = [
    { label: 'square 64×512', spec: randomProblem({ loss: 'square', d: 64, n: 512, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
    { label: 'square 16×64', spec: randomProblem({ loss: 'square', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0.5 }), tEnd: 1000 },
    { label: 'regression 20×20 (Fig 3)', spec: FIG3, tEnd: 300 },
  ];
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const loads = [loadavg()[0]!];
  console.log(`A = ${A}, B = ${B}; ${method}; ${rounds} rounds, ${warm} warm-up solves; ${new Date().toISOString()}`);
  console.log('| case | rtol | A ms | B ms | A/B (median of per-round ratios) | A range | B range |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of cases) {
    for (const rtol of RTOLS) {
      const o = opts(c.tEnd, rtol, method);
      const reps: number[] = [];
      for (const s of sims) {
        for (let i = 0; i < warm; i++) s(c.spec, o);
        const c0 = cpu();
        s(c.spec, o);
        reps.push(Math.max(1, Math.ceil(40 / Math.max(cpu() - c0, 0.05))));
      }
      const ms: number[][] = [[], []];
      for (let r = 0; r < rounds; r++) {
        // Alternate which checkout goes first.
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const v of order) {
          const k = reps[v]!;
          const c0 = cpu();
          for (let q = 0; q < k; q++) sims[v]!(c.spec, o);
          ms[v]!.push((cpu() - c0) / k);
        }
        loads.push(loadavg()[0]!);
      }
      const ratio = median(ms[0]!.map((x, i) => x / ms[1]![i]!));
      const rng = (x: number[]): string => `${Math.min(...x).toFixed(2)}–${Math.max(...x).toFixed(2)}`;
      console.log(`| ${c.label} | ${rtol.toExponential(0)} | ${median(ms[0]!).toFixed(2)} | ${median(ms[1]!).toFixed(2)} | ${ratio.toFixed(3)}× | ${rng(ms[0]!)} | ${rng(ms[1]!)} |`);
    }
  }
  console.log(`load average (1 min) ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`);
}
