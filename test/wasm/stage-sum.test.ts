/**
 * The RK stage kernels (src/wasm/asm/stage-sum.ts: rkStageSum, rkErrorSquares, sumInOrder)
 * against their TypeScript twins (src/integrators/stage-sum.ts stageSum and fusedErrorSquares,
 * the written-out scaled squares for rows over eight terms, an in-order loop): bitwise equal on
 * seeded random rows of 1..20 terms, odd and even lengths, stage tables in shuffled order, and
 * special values (±0, ±∞, NaN, subnormals). Then the plain stage evaluator with the kernels
 * against itself without them (solve, every engine method, dense output, events, per-component
 * atol, an error-norm hook): the same bits; and the memory hazard: an RHS that grows the shared
 * kernel memory at every call, or runs a nested solve, changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { fusedErrorSquares, stageSum, stageTerms } from '../../src/integrators/stage-sum.js';
import { prepareKernels, privateKernels, setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';
import { solve } from '../../src/integrators/solve.js';
import { dop853Stepper } from '../../src/integrators/dop853.js';
import type { ErrorNorm } from '../../src/integrators/step-control.js';
import type { Rhs, Solution, SolveOptions } from '../../src/integrators/types.js';

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -2.2250738585072014e-308, 1e308, -1e-300];

/** A random value, now and then a special one. */
function value(rng: Rng, special: boolean): number {
  if (special && rng.uniform() < 0.05) return SPECIAL[rng.int(SPECIAL.length)]!;
  return rng.normal() * Math.exp(3 * rng.normal());
}

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${label}, index ${i}: kernel ${got[i]} vs twin ${want[i]}`);
}

/** A bump allocator over a private instance's memory (from 64 KiB, 16-aligned). */
function arena(bytes: number): { x: NonNullable<ReturnType<typeof privateKernels>>; f64(len: number): Float64Array; u32(len: number): Uint32Array; i32(len: number): Int32Array } {
  const x = privateKernels(bytes)!;
  let end = 65536;
  const take = (b: number): number => {
    const p = end;
    end += (b + 15) & ~15;
    assert.ok(end <= x.memory.buffer.byteLength, 'arena too small');
    return p;
  };
  return {
    x,
    f64: (len) => new Float64Array(x.memory.buffer, take(8 * len), len),
    u32: (len) => new Uint32Array(x.memory.buffer, take(4 * len), len),
    i32: (len) => new Int32Array(x.memory.buffer, take(4 * len), len),
  };
}

test('rkStageSum, rkErrorSquares, sumInOrder equal their TypeScript twins bit for bit', { skip: wasmKernels() === undefined && 'no WebAssembly SIMD' }, () => {
  const rng = new Rng(2026);
  const S = 24;
  let checked = 0;
  for (const n of [1, 2, 3, 7, 8, 9, 16, 17, 37]) {
    for (const special of [false, true]) {
      const A = arena(65536 + (S + 8) * (8 * n + 16) + 4096);
      const K = Array.from({ length: S }, () => A.f64(n));
      for (const k of K) for (let i = 0; i < n; i++) k[i] = value(rng, special);
      // The kernels find stage j through kTab[j]: a shuffled table checks the indirection.
      const slot = Array.from({ length: S }, (_, j) => j);
      for (let j = S - 1; j > 0; j--) {
        const r = rng.int(j + 1);
        [slot[j], slot[r]] = [slot[r]!, slot[j]!];
      }
      const kTab = A.u32(S);
      for (let j = 0; j < S; j++) kTab[j] = K[slot[j]!]!.byteOffset;
      const Kview = slot.map((q) => K[q]!);
      const base = A.f64(n);
      const y = A.f64(n);
      const yNew = A.f64(n);
      const atol = A.f64(n);
      const E2 = A.f64(n);
      // Zeroed here: a private instance may come from the pool with its last owner's data.
      const zero = A.f64(n).fill(0);
      for (let i = 0; i < n; i++) {
        base[i] = value(rng, special);
        y[i] = value(rng, special);
        yNew[i] = value(rng, special);
        atol[i] = 1e-10 * rng.uniform();
        E2[i] = value(rng, special);
      }
      const out = A.f64(n);
      const twin = new Float64Array(n);
      const res = A.u32(S);
      const sums = A.f64(2);
      const tw = new Float64Array(2);
      const idx = A.i32(S);
      const coef = A.f64(S);
      for (let m = 1; m <= 20; m++) {
        const row = new Array<number>(S).fill(0);
        const pool = Array.from({ length: S }, (_, j) => j);
        for (let j = S - 1; j > 0; j--) {
          const r = rng.int(j + 1);
          [pool[j], pool[r]] = [pool[r]!, pool[j]!];
        }
        for (const j of pool.slice(0, m)) row[j] = rng.normal();
        const terms = stageTerms(row);
        idx.set(terms.idx);
        coef.set(terms.coef);
        const h = rng.uniform() < 0.2 ? -0.3 : 0.1 + rng.uniform();
        A.x.rkStageSum(out.byteOffset, base.byteOffset, h, idx.byteOffset, coef.byteOffset, m, kTab.byteOffset, res.byteOffset, n);
        stageSum(twin, base, h, terms, Kview, n);
        sameBits(out, twin, `rkStageSum n = ${n}, m = ${m}`);
        for (const withE2 of [false, true]) {
          const rtol = 1e-8;
          A.x.rkErrorSquares(y.byteOffset, yNew.byteOffset, atol.byteOffset, rtol, h, idx.byteOffset, coef.byteOffset, m, kTab.byteOffset, res.byteOffset, E2.byteOffset, withE2 ? 1 : 0, n, sums.byteOffset);
          if (!fusedErrorSquares(y, yNew, atol, rtol, h, terms, Kview, zero, withE2 ? E2 : undefined, n, tw)) {
            // The evaluator's path for rows over eight terms: E1 = 0 + h·Σ, then Σ (E/sc)².
            const E1 = new Float64Array(n);
            stageSum(E1, zero, h, terms, Kview, n);
            let s1 = 0;
            let s2 = 0;
            for (let i = 0; i < n; i++) {
              const sc = atol[i]! + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
              const r1 = E1[i]! / sc;
              s1 += r1 * r1;
              if (withE2) {
                const r2 = E2[i]! / sc;
                s2 += r2 * r2;
              }
            }
            tw[0] = s1;
            tw[1] = s2;
          }
          sameBits(sums, tw, `rkErrorSquares n = ${n}, m = ${m}, E2 ${withE2}`);
        }
        checked++;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += base[i]!;
      assert.ok(Object.is(A.x.sumInOrder(base.byteOffset, n), s), `sumInOrder n = ${n}`);
    }
  }
  assert.equal(checked, 9 * 2 * 20);
});

/** A nonlinear test system (van der Pol plus a decaying pair). */
const vdp: Rhs = (_t, y, dy) => {
  dy[0] = y[1]!;
  dy[1] = 3 * (1 - y[0]! * y[0]!) * y[1]! - y[0]!;
  dy[2] = -0.5 * y[2]! + 0.1 * y[3]!;
  dy[3] = -y[3]!;
};
const Y0 = [2, 0, 1, -1];

function runs(rhs: Rhs, on: boolean): Solution[] {
  setWasmKernelsEnabled(on);
  try {
    const out: Solution[] = [];
    const common: Partial<SolveOptions> = { dense: true, events: [{ name: 'x0', fn: (_t, y) => y[0]!, terminal: false }] };
    for (const method of ['dopri5', 'dop853'] as const) {
      out.push(solve(rhs, Y0, 0, 12, { ...common, method, rtol: 1e-9, atol: [1e-10, 1e-9, 1e-12, 1e-11] }));
      out.push(solve(rhs, Y0, 0, 12, { method, rtol: 1e-7, atol: 1e-9, saveAt: [0.5, 3.3, 12] }));
      // An error-norm hook (weighted: a stand-in for a larger state) in place of the built-in norm.
      const norm: ErrorNorm = {
        size: 6,
        sums: (y, yNew, e1, e2, o) => {
          let s1 = 0;
          let s2 = 0;
          for (let i = 0; i < 4; i++) {
            const sc = 1e-9 + 1e-7 * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
            s1 += (1 + i) * (e1[i]! / sc) ** 2;
            if (e2 !== undefined) s2 += (1 + i) * (e2[i]! / sc) ** 2;
          }
          o[0] = s1;
          o[1] = s2;
        },
      };
      out.push(solve(rhs, Y0, 0, 12, { method, rtol: 1e-7, errorNorm: norm, saveAt: [1, 12] }));
    }
    for (const method of ['rk4', 'gd'] as const) out.push(solve(rhs, Y0, 0, 6, { ...common, method, dt: 0.01 }));
    return out;
  } finally {
    setWasmKernelsEnabled(true);
  }
}

function sameSolutions(a: Solution[], b: Solution[], label: string): void {
  assert.equal(a.length, b.length);
  for (let r = 0; r < a.length; r++) {
    const x = a[r]!;
    const y = b[r]!;
    const tag = `${label} run ${r} (${x.method})`;
    assert.deepEqual(x.stats.rhsEvals, y.stats.rhsEvals, `${tag}: rhsEvals`);
    assert.deepEqual([x.stats.steps, x.stats.rejected, x.status], [y.stats.steps, y.stats.rejected, y.status], tag);
    sameBits(x.t, y.t, `${tag} t`);
    for (let i = 0; i < x.y.length; i++) sameBits(x.y[i]!, y.y[i]!, `${tag} y[${i}]`);
    sameBits(x.events.map((e) => e.t), y.events.map((e) => e.t), `${tag} events`);
    if (x.interpolate !== undefined) for (const t of [0.37, 2.5, 5.9]) sameBits(x.interpolate(t), y.interpolate!(t), `${tag} dense at ${t}`);
  }
}

test('solve: the stage evaluator gives the same bits with and without the kernels (every engine method, dense, events, atol vector, norm hook)', () => {
  const on = runs(vdp, true);
  const off = runs(vdp, false);
  sameSolutions(on, off, 'kernels on/off');
  assert.ok(on[0]!.events.length > 0, 'the event fired');
});

test("solve counts the engine steppers' RHS evaluations without a wrapper: per attempt 6 (dopri5), 12 (dop853), 4 (rk4), 1 (gd), plus f(t0) and the first-step heuristic", () => {
  for (const [method, per, extra] of [['dopri5', 6, 2], ['dop853', 12, 2], ['rk4', 4, 1], ['gd', 1, 1]] as const) {
    let calls = 0;
    const counted: Rhs = (t, y, dy) => {
      calls++;
      vdp(t, y, dy);
    };
    const s = solve(counted, Y0, 0, 5, { method, rtol: 1e-8, dt: 0.01 });
    assert.equal(s.stats.rhsEvals, calls, `${method}: reported vs made`);
    assert.equal(s.stats.rhsEvals, per * s.stats.steps + extra, `${method}: ${per} per attempt + ${extra}`);
  }
});

test('an RHS that grows the shared kernel memory at every call, or runs a nested solve, leaves the results unchanged', { skip: wasmKernels() === undefined && 'no WebAssembly SIMD' }, () => {
  const ref = runs(vdp, false);
  let grown = 0;
  const growing: Rhs = (t, y, dy) => {
    const k = wasmKernels()!;
    const before = k.exports.memory.buffer;
    const top = k.mark();
    // Past the end of the shared memory: it grows and every old view on it is detached.
    k.allocF64((k.exports.memory.buffer.byteLength >> 3) + 1024);
    k.release(top);
    if (k.exports.memory.buffer !== before) grown++;
    vdp(t, y, dy);
  };
  sameSolutions(runs(growing, true), ref, 'growing shared memory');
  assert.ok(grown > 0, 'the shared memory grew');
  let inner = 0;
  const nesting: Rhs = (t, y, dy) => {
    if (inner++ % 50 === 0) solve(vdp, Y0, 0, 0.5, { method: 'dop853', rtol: 1e-6 });
    vdp(t, y, dy);
  };
  sameSolutions(runs(nesting, true), ref, 'nested solves');
});

test('the evaluator falls back to the twins for states outside its memory (same bits)', () => {
  const st = dop853Stepper(vdp, 0, Float64Array.from(Y0), 5, { rtol: 1e-8, atol: new Float64Array(4).fill(1e-10), dt0: 0.01, dtMax: Infinity });
  const ev = (st as unknown as { ev: { attempt(t: number, h: number, tNew: number, y: Float64Array, yNew: Float64Array): number } }).ev;
  const plainY = Float64Array.from(st.y);
  const plainNew = new Float64Array(4);
  const eInside = ev.attempt(0, 0.01, 0.01, st.y, (st as unknown as { yNew: Float64Array }).yNew);
  const inside = Float64Array.from((st as unknown as { yNew: Float64Array }).yNew);
  const ePlain = ev.attempt(0, 0.01, 0.01, plainY, plainNew);
  assert.ok(Object.is(eInside, ePlain), `error norm ${eInside} vs ${ePlain}`);
  sameBits(plainNew, inside, 'y_new');
});

test('prepareKernels (background compile) settles, and the kernels and private instances work after it', async () => {
  await prepareKernels();
  await prepareKernels();
  if (wasmKernels() === undefined) return;
  const x = privateKernels(1 << 17)!;
  assert.ok(x.memory.buffer.byteLength >= 1 << 17);
  const v = new Float64Array(x.memory.buffer, 65536, 3);
  v.set([1, 2, 3.5]);
  assert.equal(x.sumInOrder(65536, 3), 6.5);
});
