/**
 * Fingerprints of the low-rank formulation (src/integrators/low-rank-stages.ts) of a checkout:
 * per case the status, steps, rejections, RHS evaluations and a SHA-256 (first 16 hex digits)
 * of the bits of the final state, the records and the event times. Run it on two checkouts (or
 * with kernels on and off) and diff the output (ignoring the last column, the wall ms) to check
 * that a change keeps every bit. Cases: square 16×64 and 64×512 (t = 1000), K = 3 with dense
 * output, K = 2 with l2sq normalisation, the Fig-3 regression (t = 300, with and without dense
 * output), regression K = 2, K = 4 with an entropy event; dop853 and dopri5, rtol 1e-8 atol 1e-10.
 *
 * Usage: `npx tsx bench/low-rank-bits.ts <checkout root> [kernels 1|0]`, e.g.
 * `diff <(npx tsx bench/low-rank-bits.ts /path/a | cut -d' ' -f1-8) <(npx tsx bench/low-rank-bits.ts /path/b | cut -d' ' -f1-8)`.
 * Not part of `npm run bench`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? '.');
const kernelsOn = process.argv[3] !== '0';
const load = async (rel: string): Promise<Record<string, (...args: never[]) => unknown>> => (await import(pathToFileURL(join(root, rel)).href)) as Record<string, (...args: never[]) => unknown>;
const { simulate } = (await load('src/experiments/simulate.ts')) as unknown as { simulate: (p: unknown, o: unknown) => Run };
const { randomProblem } = (await load('src/models/random-problem.ts')) as unknown as { randomProblem: (o: object) => unknown };
const { setWasmKernelsEnabled } = (await load('src/wasm/kernels.ts')) as unknown as { setWasmKernelsEnabled: (on: boolean) => void };
interface Run {
  config: { formulation: string };
  status: string;
  stats: { steps: number; rejected: number; rhsEvals: number; wallTimeMs: number };
  state: unknown;
  records: unknown;
  events: { t: number }[];
}
setWasmKernelsEnabled(kernelsOn);
const fig3 = JSON.parse(readFileSync(join(root, 'sims/data/fig3-regression-kappa5.json'), 'utf8')) as unknown;
const cases: [string, unknown, object][] = [];
for (const method of ['dop853', 'dopri5']) {
  const o = { method, rtol: 1e-8, atol: 1e-10, formulation: 'low-rank' };
  cases.push([`${method}:square-16x64`, randomProblem({ loss: 'square', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0.5 }), { ...o, tEnd: 1000, saveAt: [0, 1000] }]);
  cases.push([`${method}:square-64x512`, randomProblem({ loss: 'square', d: 64, n: 512, seed: 1, vScale: 0.1, aScale: 0.5 }), { ...o, tEnd: 1000, saveAt: [0, 1000] }]);
  cases.push([`${method}:square-7x13-K3-dense`, randomProblem({ loss: 'square', d: 7, n: 13, samples: 3, seed: 2, vScale: 0.3, aScale: 0.5 }), { ...o, tEnd: 50, saveAt: [0, 0.3, 1.7, 5, 20, 50] }]);
  cases.push([`${method}:square-9x10-K2-l2sq`, randomProblem({ loss: 'square', d: 9, n: 10, samples: 2, seed: 3, vScale: 0.3, aScale: 0.5, normalization: 'l2sq' }), { ...o, tEnd: 20, saveAt: [0, 3, 20] }]);
  cases.push([`${method}:fig3`, fig3, { ...o, tEnd: 300, saveAt: [0, 300] }]);
  cases.push([`${method}:fig3-dense`, fig3, { ...o, tEnd: 300, saveAt: [0, 1, 10, 100, 300] }]);
  cases.push([`${method}:regression-6x11-K2`, randomProblem({ loss: 'regression', d: 6, n: 11, samples: 2, seed: 4, vScale: 0.3, aScale: 0.5 }), { ...o, tEnd: 100, saveAt: [0, 7, 100] }]);
  cases.push([`${method}:square-5x9-K4-event`, randomProblem({ loss: 'square', d: 5, n: 9, samples: 4, seed: 5, vScale: 0.3, aScale: 0.5 }), { ...o, tEnd: 100, saveAt: [0, 100], untilEntropy: 1.5 }]);
}
for (const [label, problem, options] of cases) {
  const r = simulate(problem, options);
  const numbers: number[] = [];
  const collect = (x: unknown): void => {
    if (typeof x === 'number') numbers.push(x);
    else if (Array.isArray(x)) x.forEach(collect);
    else if (x !== null && typeof x === 'object') Object.values(x).forEach(collect);
  };
  collect(r.state);
  collect(r.records);
  collect(r.events.map((e) => e.t));
  const hash = createHash('sha256').update(new Uint8Array(Float64Array.from(numbers).buffer)).digest('hex').slice(0, 16);
  console.log(label, r.config.formulation, r.status, r.stats.steps, r.stats.rejected, r.stats.rhsEvals, hash, r.stats.wallTimeMs.toFixed(1));
}
