/**
 * The cold-start kernels of src/wasm/asm/kernels.ts against their TypeScript twins, bit for bit
 * (Object.is) on seeded random arrays of odd and even lengths with values over many magnitudes,
 * zeros of both signs and a NaN: initStepSums / initialSums, eulerTrial, initStepDiff /
 * initialDiffSum (step-control.ts); logisticStepSums / logisticVSums, logisticTrialU,
 * logisticStepDiff / logisticVDiff (logistic-initial-step.ts); normAndVtBeta / normAndVtBetaTwin
 * (observables.ts); sameF64 / sameEntries (linear-algebra.ts) against Object.is; the scratch cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { initialDiffSum, initialSums } from '../../src/integrators/step-control.js';
import { logisticTrialU, logisticVDiff, logisticVSums } from '../../src/integrators/logistic-initial-step.js';
import { normAndVtBetaTwin } from '../../src/analysis/observables.js';
import { SCRATCH_MAX_LENGTH, sameEntries, scratchRegions } from '../../src/wasm/linear-algebra.js';
import { setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';

const skip = wasmKernels() === undefined && 'no WebAssembly SIMD';

function same(got: ArrayLike<number> | number, want: ArrayLike<number> | number, label: string): void {
  if (typeof got === 'number' || typeof want === 'number') {
    assert.ok(Object.is(got, want), `${label}: kernel ${got} vs twin ${want}`);
    return;
  }
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${label}, index ${i}: kernel ${got[i]} vs twin ${want[i]}`);
}

/** Random entries over 12 decades, signs mixed. */
function wide(rng: Rng, len: number): Float64Array {
  return Float64Array.from({ length: len }, () => rng.normal() * 10 ** (12 * rng.uniform() - 6));
}

/** Runs `f` with views on fresh kernel memory for the given arrays (copied in), then releases. */
function onKernels<T>(arrays: Float64Array[], extra: number[], f: (ptrs: number[], view: (p: number, len: number) => Float64Array) => T): T {
  const k = wasmKernels()!;
  const top = k.mark();
  try {
    const ptrs = [...arrays.map((a) => k.allocF64(Math.max(a.length, 1))), ...extra.map((l) => k.allocF64(l))];
    arrays.forEach((a, i) => k.f64(ptrs[i]!, a.length).set(a));
    return f(ptrs, (p, len) => Float64Array.from(k.f64(p, len)));
  } finally {
    k.release(top);
  }
}

test('initStepSums, eulerTrial, initStepDiff equal initialSums, the Euler loop and initialDiffSum', { skip }, () => {
  const rng = new Rng(5);
  for (const n of [1, 2, 7, 64, 257, 1000]) {
    const y0 = wide(rng, n);
    const f0 = wide(rng, n);
    const f1 = Float64Array.from(f0, (v) => v * (1 + 1e-3 * rng.normal()));
    const atol = Float64Array.from({ length: n }, () => 10 ** (-12 + 6 * rng.uniform()));
    if (n > 2) {
      y0[1] = -0;
      f0[2] = 0;
    }
    for (const rtol of [0, 1e-8, 1e-3]) {
      const want = new Float64Array(2);
      initialSums(y0, f0, atol, rtol, n, want);
      const h = 1e-3 * (1 + rng.uniform());
      const got = onKernels([y0, f0, atol, f1], [2, n], ([py, pf, pa, p1, po, pw], view) => {
        const x = wasmKernels()!.exports;
        x.initStepSums(py!, pf!, pa!, rtol, n, po!);
        x.eulerTrial(py!, pf!, h, n, pw!);
        return { sums: view(po!, 2), work: view(pw!, n), s2: x.initStepDiff(py!, pf!, p1!, pa!, rtol, n) };
      });
      same(got.sums, want, `n=${n} rtol=${rtol}: sums`);
      same(got.work, Float64Array.from(y0, (v, i) => v + h * f0[i]!), `n=${n}: Euler state`);
      same(got.s2, initialDiffSum(y0, f0, f1, atol, rtol, n), `n=${n} rtol=${rtol}: difference sum`);
    }
  }
});

test('logisticStepSums, logisticTrialU, logisticStepDiff equal their twins', { skip }, () => {
  const rng = new Rng(8);
  for (const [d, n] of [[1, 1], [3, 5], [8, 33], [17, 64]] as const) {
    const y0 = wide(rng, d * n);
    const atol = Float64Array.from({ length: d * n }, () => 10 ** (-12 + 6 * rng.uniform()));
    const b = wide(rng, d);
    const sig0 = Float64Array.from({ length: n }, () => rng.uniform());
    const sig1 = Float64Array.from(sig0, (v) => v * (1 + 1e-4 * rng.normal()));
    const [c0, c1] = [-0.3 * rng.uniform(), -0.3 * rng.uniform()];
    const h0 = 10 ** (-6 + 3 * rng.uniform());
    for (const rtol of [0, 1e-8]) {
      const want = new Float64Array(2);
      logisticVSums(y0, atol, rtol, sig0, b, c0, d, n, want);
      const u1 = new Float64Array(n).fill(7); // the twin zeroes it first
      logisticTrialU(y0, b, sig0, c0, h0, d, n, u1);
      const got = onKernels([y0, atol, b, sig0, sig1], [2, n], ([pV, pa, pb, ps0, ps1, po, pu], view) => {
        const x = wasmKernels()!.exports;
        x.logisticStepSums(pV!, pa!, rtol, ps0!, pb!, c0, d, n, po!);
        x.logisticTrialU(pV!, pb!, ps0!, c0, h0, d, n, pu!);
        return { sums: view(po!, 2), u: view(pu!, n), s2: x.logisticStepDiff(pV!, pa!, rtol, ps0!, ps1!, pb!, c0, c1, d, n) };
      });
      same(got.sums, want, `${d}×${n} rtol=${rtol}: sums`);
      same(got.u, u1, `${d}×${n}: u1`);
      same(got.s2, logisticVDiff(y0, atol, rtol, sig0, sig1, b, c0, c1, d, n), `${d}×${n} rtol=${rtol}: difference sum`);
    }
  }
});

test('normAndVtBeta equals normAndVtBetaTwin, with and without β', { skip }, () => {
  const rng = new Rng(13);
  for (const [d, n] of [[1, 1], [2, 3], [16, 65], [64, 512]] as const) {
    const V = wide(rng, d * n);
    const b = wide(rng, d);
    for (const beta of [undefined, b]) {
      const u = new Float64Array(n);
      const want = normAndVtBetaTwin(V, d, n, beta, u);
      const got = onKernels([V, b], [n], ([pV, pb, pu], view) => {
        const nv = wasmKernels()!.exports.normAndVtBeta(pV!, pb!, beta === undefined ? 0 : 1, d, n, pu!);
        return { nv, u: view(pu!, n) };
      });
      same(got.nv, want, `${d}×${n}, β ${beta === undefined ? 'absent' : 'given'}: ‖V‖²`);
      if (beta !== undefined) same(got.u, u, `${d}×${n}: u`);
    }
  }
});

test('sameEntries (kernel sameF64 from 256 entries) answers as Object.is entry by entry', { skip }, () => {
  const rng = new Rng(2);
  const edit = (x: Float64Array, i: number, v: number): Float64Array => {
    const y = Float64Array.from(x);
    y[i] = v;
    return y;
  };
  for (const n of [3, 255, 256, 1001]) {
    const x = wide(rng, n);
    const nan = edit(x, n - 1, NaN);
    // Another NaN bit pattern (sign bit set): Object.is still calls them equal.
    const nan2 = Float64Array.from(nan);
    new Uint8Array(nan2.buffer)[nan2.length * 8 - 1]! ^= 0x80;
    const zero = edit(x, 0, 0);
    const checks: [string, Float64Array, Float64Array, boolean][] = [
      ['copy', x, Float64Array.from(x), true],
      ['NaN payloads', nan, nan2, true],
      ['0 vs −0', zero, edit(x, 0, -0), false],
      ['one ulp', x, edit(x, n >> 1, x[n >> 1]! * (1 + 2 ** -52)), false],
      ['a number vs NaN', x, nan, false],
      ['lengths', x, x.subarray(1), false],
    ];
    for (const [label, a, b, want] of checks) {
      assert.equal(sameEntries(a, b), want, `${label}, n=${n}`);
      setWasmKernelsEnabled(false);
      try {
        assert.equal(sameEntries(a, b), want, `${label}, n=${n}, TypeScript`);
      } finally {
        setWasmKernelsEnabled(true);
      }
    }
  }
});

test('scratchRegions refuses lengths over SCRATCH_MAX_LENGTH (callers then take the loops: same answers)', { skip }, () => {
  assert.equal(scratchRegions([SCRATCH_MAX_LENGTH + 1]), undefined);
  const s = scratchRegions([SCRATCH_MAX_LENGTH, 3]);
  assert.ok(s !== undefined && s.ptrs[1]! - s.ptrs[0]! === 8 * SCRATCH_MAX_LENGTH);
  s.release();
  const x = new Float64Array(SCRATCH_MAX_LENGTH + 1).fill(0.5);
  const y = Float64Array.from(x);
  assert.equal(sameEntries(x, y), true);
  y[SCRATCH_MAX_LENGTH] = -0.5;
  assert.equal(sameEntries(x, y), false);
});
