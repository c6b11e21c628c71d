/**
 * Where a warm low-rank solve spends its time: runs `simulate` from a built checkout's dist/
 * (dop853 rtol 1e-8 atol 1e-10, saveAt [0, t]) `count` times to warm up, then `count` times
 * under `node --cpu-prof --cpu-prof-interval 20`, and prints the self time of the samples under
 * the measured loop per function, the kernels' `wasm-function[i]` named by the module's export
 * section. Cases: `DxN` (square, randomProblem seed 1 vScale 0.1 aScale 0.5, t = 1000) or
 * `fig3` (sims/data/fig3-regression-kappa5.json, t = 300).
 *
 * Usage: `node bench/low-rank-profile.mjs [checkout=.] [case=16x64] [count=500] [rows=20]`.
 * Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [rootArg = '.', which = '16x64', countArg = '500', rowsArg = '20', child] = process.argv.slice(2);
const root = resolve(rootArg);
const count = Number(countArg);

/** The solves (in the profiled child process). */
async function measure() {
  const { simulate } = await import(pathToFileURL(join(root, 'dist/src/experiments/simulate.js')).href);
  const { randomProblem } = await import(pathToFileURL(join(root, 'dist/src/models/random-problem.js')).href);
  let spec;
  let tEnd = 1000;
  if (which === 'fig3') {
    spec = JSON.parse(readFileSync(join(root, 'sims/data/fig3-regression-kappa5.json'), 'utf8'));
    tEnd = 300;
  } else {
    const [d, n] = which.split('x').map(Number);
    spec = randomProblem({ loss: 'square', d, n, seed: 1, vScale: 0.1, aScale: 0.5 });
  }
  const o = { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd, saveAt: [0, tEnd] };
  for (let i = 0; i < count; i++) simulate(spec, o);
  const measured = () => {
    const w = [];
    for (let i = 0; i < count; i++) w.push(simulate(spec, o).stats.wallTimeMs);
    return w.sort((a, b) => a - b);
  };
  const w = measured();
  console.log(`${which}: median ${w[w.length >> 1].toFixed(3)} ms per solve (under the profiler)`);
}

/** Function index → export name of the compiled kernel module (its export section). */
async function wasmNames() {
  const { KERNELS_WASM_BASE64 } = await import(pathToFileURL(join(root, 'dist/src/wasm/kernels-wasm.generated.js')).href);
  const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
  const names = new Map();
  let p = 8;
  const leb = () => {
    let r = 0;
    let s = 0;
    let b;
    do {
      b = bytes[p++];
      r |= (b & 127) << s;
      s += 7;
    } while (b & 128);
    return r;
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const len = leb();
    const end = p + len;
    if (id === 7) {
      for (let n = leb(), i = 0; i < n; i++) {
        const l = leb();
        const name = bytes.subarray(p, p + l).toString();
        p += l;
        const kind = bytes[p++];
        const idx = leb();
        if (kind === 0) names.set(idx, name);
      }
    }
    p = end;
  }
  return names;
}

if (child === '--child') {
  await measure();
} else {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-prof-'));
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '20', '--cpu-prof-dir', dir, fileURLToPath(import.meta.url), root, which, String(count), rowsArg, '--child'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  process.stdout.write(r.stdout);
  const prof = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  const names = await wasmNames();
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const under = new Map();
  const isUnder = (id) => {
    if (under.has(id)) return under.get(id);
    const f = byId.get(id).callFrame.functionName;
    const v = f === 'measured' ? true : parent.has(id) ? isUnder(parent.get(id)) : false;
    under.set(id, v);
    return v;
  };
  const self = new Map();
  let total = 0;
  for (const id of prof.samples) {
    if (!isUnder(id)) continue;
    const cf = byId.get(id).callFrame;
    const m = /^wasm-function\[(\d+)\]$/.exec(cf.functionName);
    const key = m !== null ? `${names.get(Number(m[1])) ?? cf.functionName} (wasm)` : `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    total++;
  }
  console.log(`${total} samples under the measured loop; self time:`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg))) console.log(`${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}
