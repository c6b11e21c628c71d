/**
 * Micro-benchmark of the low-rank fused pass (src/wasm/asm/low-rank.ts) between two built
 * checkouts: `lrFused` (dop853's update and two error sums) and `lrFused2` (dopri5's update and
 * one sum) of checkout A (old signature: C with [update, E1, E2] per term) and checkout B (C
 * with [update, E1], E2 = B − T over M = 3 subtracted terms, the dop853 case), d×n with R = 8
 * rank terms (dop853, K = 1), uniform atol; each kernel on its own instance's memory, warm
 * (300 calls), then 9 interleaved rounds of ~2e6/(d·n) calls; median and min µs per call.
 *
 * Usage: `npx tsx bench/low-rank-fused-micro.ts <checkout A> <checkout B> [d=64] [n=512]`.
 * Not part of `npm run bench`.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './stats.js';

interface Instance {
  exports: Record<string, (...args: number[]) => void>;
  allocF64(length: number): number;
  f64(ptr: number, length: number): Float64Array;
}
const load = async (root: string): Promise<Instance> => ((await import(pathToFileURL(join(resolve(root), 'dist/src/wasm/kernels.js')).href)) as { wasmKernels: () => Instance }).wasmKernels();
const [A, B] = [await load(process.argv[2] ?? '/work/main'), await load(process.argv[3] ?? '.')];
const d = Number(process.argv[4] ?? 64);
const n = Number(process.argv[5] ?? 512);
const R = 8;
const M = 3;

/** A workspace with V, Vn, C (d·R·3 + 2R), Nt, atol (uniform) and the sums; smooth inputs. */
function setup(k: Instance): Record<'V' | 'Vn' | 'C' | 'Ch' | 'Ti' | 'Nt' | 'at' | 'out', number> {
  const len = 2 * d * n + d * R * 3 + 2 * R + R * n + 8;
  const p = k.allocF64(len);
  const m = k.f64(p, len);
  for (let i = 0; i < len; i++) m[i] = 0.1 * Math.sin(i);
  const V = p;
  const Vn = V + 8 * d * n;
  const C = Vn + 8 * d * n;
  const Ch = C + 8 * d * R * 2;
  const Ti = Ch + 8 * d * M;
  const Nt = C + 8 * (d * R * 3 + 2 * R);
  const at = Nt + 8 * R * n;
  const f = (x: number): number => (x - p) / 8;
  m[f(at)] = 1e-10;
  m[f(at) + 1] = 1e-10;
  m.set([0, 4, 7], f(Ti));
  return { V, Vn, C, Ch, Ti, Nt, at, out: at + 16 };
}
const a = setup(A);
const b = setup(B);
const kernels: [string, () => void][] = [
  ['A lrFused', () => A.exports.lrFused!(a.V, a.Vn, a.C, a.Nt, R, d, n, a.at, 0, 1e-8, a.out)],
  ['B lrFused', () => B.exports.lrFused!(b.V, b.Vn, b.C, b.Nt, R, b.Ch, b.Ti, M, b.Ti + 8 * M, d, n, b.at, 0, 1e-8, b.out)],
  ['A lrFused2', () => A.exports.lrFused2!(a.V, a.Vn, a.C, a.Nt, R, d, n, a.at, 0, 1e-8, a.out)],
  ['B lrFused2', () => B.exports.lrFused2!(b.V, b.Vn, b.C, b.Nt, R, d, n, b.at, 0, 1e-8, b.out)],
];
for (const [, f] of kernels) for (let i = 0; i < 300; i++) f();
const reps = Math.max(20, Math.round(2e6 / (d * n)));
const us = new Map<string, number[]>(kernels.map(([k]) => [k, []]));
for (let r = 0; r < 9; r++) {
  for (const [name, f] of kernels) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    us.get(name)!.push(((performance.now() - t0) / reps) * 1000);
  }
}
console.log(`${d}×${n}, R = ${R}, M = ${M}: µs per call, median (min) of 9 rounds of ${reps}`);
for (const [name, t] of us) console.log(`${name}: ${median(t).toFixed(1)} (${Math.min(...t).toFixed(1)})`);
