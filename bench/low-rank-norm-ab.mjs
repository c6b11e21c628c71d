/**
 * One-shot and warm A/B of the low-rank evaluator between two built checkouts for the
 * normalisations other than softmax (the one-call stage and attempt kernels with lrNormalize /
 * lrNormVjp). Problem per normalisation: randomProblem({ loss, d, n, seed: 2, vScale: 0.3,
 * aScale, normalization }), dop853 rtol 1e-8 atol 1e-10, t = T, saveAt [0, T], formulation
 * low-rank; aScale 0.5 and T from the arguments unless a kind says `name:aScale:T` (default l1
 * and sum at aScale 0.2, t = 20: at aScale 0.5, t = 300, some sum logits start below 0, and l1
 * logits reach 0 near t = 5, where the controller grinds on the kink; at aScale 0.2 they do so
 * near t = 21). One-shot: the CLI in fresh processes (`simulate --problem FILE --method
 * dop853 --rtol 1e-8 --atol 1e-10 --t-end T --save-at 0,T --formulation low-rank --json`),
 * stats.wallTimeMs (the solve; process start-up and imports excluded), the two checkouts
 * alternating, median of `shots`. Warm: both checkouts' dist `simulate` in one process, 30
 * warm-up solves each, then `shots` interleaved rounds of 20 solves per checkout, the median of
 * the round medians. Also prints whether A and B give the same final state bit for bit (l1,
 * l2sq, relu, sum should; sigmoid changes at round-off where B uses vsflow's exp), and the
 * largest relative difference of the final states.
 *
 * Usage: `node bench/low-rank-norm-ab.mjs <checkout A> <checkout B> [shots=7] [loss=square]
 * [DxN=16x64] [T=300] [kinds=l1:0.2:20,l2sq,sigmoid,relu,sum:0.2:20]` (both built with `npm run build`).
 * Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [A = '/work/main', B = '.', shotsS = '7', loss = 'square', size = '16x64', tS = '300', kindsS = 'l1:0.2:20,l2sq,sigmoid,relu,sum:0.2:20'] = process.argv.slice(2);
const roots = [resolve(A), resolve(B)];
const shots = Number(shotsS);
const [d, n] = size.split('x').map(Number);
const dir = resolve('.scratch');
mkdirSync(dir, { recursive: true });
const load = async (r, p) => import(pathToFileURL(join(r, 'dist/src', p)).href);
const sims = [(await load(roots[0], 'experiments/simulate.js')).simulate, (await load(roots[1], 'experiments/simulate.js')).simulate];
const { randomProblem } = await load(roots[1], 'models/random-problem.js');
const median = (x) => {
  const s = [...x].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const flat = (x) => (Array.isArray(x) ? x.flatMap(flat) : typeof x === 'number' ? [x] : typeof x === 'object' && x !== null ? Object.values(x).flatMap(flat) : []);

console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}; A = ${roots[0]}, B = ${roots[1]}; ${loss} ${size}, shots ${shots}`);
for (const kind of kindsS.split(',')) {
  const [normalization, aS = '0.5', tK = tS] = kind.split(':');
  const aScale = Number(aS);
  const tEnd = Number(tK);
  const spec = randomProblem({ loss, d, n, seed: 2, vScale: 0.3, aScale, normalization });
  const file = join(dir, `norm-ab-${loss}-${size}-${normalization}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const args = ['simulate', '--problem', file, '--method', 'dop853', '--rtol', '1e-8', '--atol', '1e-10', '--t-end', String(tEnd), '--save-at', `0,${tEnd}`, '--formulation', 'low-rank', '--json'];
  const one = [[], []];
  const states = [];
  let info = '';
  for (let i = 0; i < shots; i++) {
    for (let v = 0; v < 2; v++) {
      const p = spawnSync(process.execPath, [join(roots[v], 'dist/src/cli/main.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (p.status !== 0) throw new Error(`${normalization}: ${p.stderr}`);
      const j = JSON.parse(p.stdout);
      one[v].push(j.stats.wallTimeMs);
      if (i === 0) states[v] = flat(j.state);
      info = `${j.status}, ${j.stats.steps} steps, ${j.stats.rhsEvals} stages`;
    }
  }
  const same = states[0].length === states[1].length && states[0].every((x, q) => Object.is(x, states[1][q]));
  let rel = 0;
  const scale = Math.max(...states[0].map(Math.abs));
  states[0].forEach((x, q) => (rel = Math.max(rel, Math.abs(x - states[1][q]) / scale)));
  const o = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd, saveAt: [0, tEnd], formulation: 'low-rank' };
  for (let i = 0; i < 30; i++) for (const s of sims) s(spec, o);
  const warm = [[], []];
  for (let r = 0; r < shots; r++) {
    for (let v = 0; v < 2; v++) {
      const w = [];
      for (let i = 0; i < 20; i++) w.push(sims[v](spec, o).stats.wallTimeMs);
      warm[v].push(median(w));
    }
  }
  const [a1, b1, aw, bw] = [median(one[0]), median(one[1]), median(warm[0]), median(warm[1])];
  console.log(`${normalization} aScale ${aScale} t = ${tEnd} (${info}): one-shot A ${a1.toFixed(2)} B ${b1.toFixed(2)} ms (A/B ${(a1 / b1).toFixed(2)}×); warm A ${aw.toFixed(3)} B ${bw.toFixed(3)} ms (A/B ${(aw / bw).toFixed(2)}×); final state ${same ? 'same bits' : `differs, max |ΔA−B|/max|A| ${rel.toExponential(2)}`}`);
}
console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
