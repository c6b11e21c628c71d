/**
 * Warm A/B of two built checkouts on one case: both checkouts' dist `simulate` in one process
 * (dop853 rtol 1e-8 atol 1e-10, saveAt [0, t], the default formulation), 150 warm-up solves each
 * (64×512: 15), then `rounds` interleaved rounds of 50 solves (64×512: 5) per checkout; prints
 * the median over rounds of each round's median stats.wallTimeMs and A/B. Cases: `DxN` (square,
 * randomProblem seed 1 vScale 0.1 aScale 0.5, t = 1000) or `fig3` (t = 300).
 *
 * Usage: `node bench/low-rank-warm-ab.mjs <checkout A> <checkout B> [case=16x64] [rounds=15]`.
 * Not part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [A, Bp, which = '16x64', roundsS = '15'] = process.argv.slice(2);
const load = async (r) => (await import(pathToFileURL(r + '/dist/src/experiments/simulate.js').href)).simulate;
const sims = [await load(A), await load(Bp)];
const { randomProblem } = await import(pathToFileURL(A + '/dist/src/models/random-problem.js').href);
let spec, tEnd = 1000;
if (which === 'fig3') { spec = JSON.parse(readFileSync(A + '/sims/data/fig3-regression-kappa5.json', 'utf8')); tEnd = 300; }
else { const [d, n] = which.split('x').map(Number); spec = randomProblem({ loss: 'square', d, n, seed: 1, vScale: 0.1, aScale: 0.5 }); }
const o = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd, saveAt: [0, tEnd] };
const per = which === "64x512" ? 5 : 50;
for (let i = 0; i < 3 * per; i++) for (const s of sims) s(spec, o);
const med = (x) => { const s = [...x].sort((a, b) => a - b); return s[s.length >> 1]; };
const res = [[], []];
for (let r = 0; r < Number(roundsS); r++) for (let v = 0; v < 2; v++) { const w = []; for (let i = 0; i < per; i++) w.push(sims[v](spec, o).stats.wallTimeMs); res[v].push(med(w)); }
const a = med(res[0]), b = med(res[1]);
console.log(`${which}: A ${a.toFixed(3)} ms, B ${b.toFixed(3)} ms, A/B ${(a / b).toFixed(3)}`);
