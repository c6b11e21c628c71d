/**
 * The pool of private kernel instances (src/wasm/kernels.ts `privateKernels` / `releaseKernels`):
 * an instance is never in two owners' hands (two at once, nested solves from a user RHS and from
 * an event function), a released one is reused, a solve that throws drops its instances, the
 * bounds hold (at most 4 wait, memories over 16 MiB are dropped). Then the stale-memory hazard:
 * with every handed-out memory filled with a NaN pattern (`setKernelPoison`), simulate
 * (reduced, full, low-rank; dopri5, dop853, rk4, gd; K = 1 and K > 1; events; saveAt) and
 * solve with dense output and an error-norm hook give the same bits as runs on fresh, zeroed
 * instances (the pool emptied before each): nothing reads kernel memory it did not write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearKernelPool, kernelPoolStats, privateKernels, releaseKernels, setKernelPoison, setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';
import { simulate, type SimulateOptions } from '../../src/experiments/simulate.js';
import { solve } from '../../src/integrators/solve.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem, type ProblemSpec } from '../../src/models/problem.js';
import { valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { reducedFlow } from '../../src/models/reduced-flow.js';
import type { Solution } from '../../src/integrators/types.js';

const haveKernels = wasmKernels() !== undefined;

/** JSON of a result with wall times removed and every number as its float64 bits (−0 ≠ 0, NaN kept). */
function bits(x: unknown): string {
  const view = new DataView(new ArrayBuffer(8));
  return JSON.stringify(x, (key, v: unknown) => {
    if (key === 'wallTimeMs' || key === 'meta') return undefined;
    if (typeof v === 'number') {
      view.setFloat64(0, v);
      return view.getBigUint64(0).toString(16);
    }
    if (v instanceof Float64Array) return Array.from(v);
    return v;
  });
}

/** A solution's arrays and stats as bits, plus its dense output at `at` when it has one. */
function solutionBits(s: Solution, at: readonly number[] = []): string {
  return bits({ t: s.t, y: s.y, yEnd: s.yEnd, tEnd: s.tEnd, events: s.events, stats: s.stats, status: s.status, dense: s.interpolate === undefined ? null : at.map((t) => s.interpolate!(t)) });
}

test('privateKernels: two live instances are distinct, a released one is reused, double release does nothing', { skip: !haveKernels }, () => {
  clearKernelPool();
  const a = privateKernels(1 << 17)!;
  const b = privateKernels(1 << 17)!;
  assert.notEqual(a, b);
  assert.notEqual(a.memory, b.memory);
  releaseKernels(a);
  releaseKernels(a);
  assert.equal(kernelPoolStats().free, 1, 'released twice, pooled once');
  const c = privateKernels(1 << 16)!;
  assert.equal(c, a, 'the free instance is handed out again');
  assert.notEqual(c, b);
  assert.equal(kernelPoolStats().free, 0);
  releaseKernels(wasmKernels()!.exports);
  assert.equal(kernelPoolStats().free, 0, 'the shared instance is not the pool’s');
  // The smallest instance that fits is chosen; a larger request grows one.
  releaseKernels(b);
  releaseKernels(c);
  const big = privateKernels(1 << 20)!;
  assert.ok(big.memory.buffer.byteLength >= 1 << 20);
  assert.ok(big === b || big === c);
  releaseKernels(big);
});

test('privateKernels: at most 4 wait in the pool, memories over 16 MiB are dropped', { skip: !haveKernels }, () => {
  clearKernelPool();
  const xs = Array.from({ length: 6 }, () => privateKernels(1 << 16)!);
  xs.forEach(releaseKernels);
  assert.equal(kernelPoolStats().free, 4);
  clearKernelPool();
  const huge = privateKernels((16 << 20) + 65536)!;
  releaseKernels(huge);
  assert.equal(kernelPoolStats().free, 0, 'a 16 MiB + 64 KiB memory is not kept');
  setWasmKernelsEnabled(false);
  try {
    assert.equal(privateKernels(1 << 16), undefined);
  } finally {
    setWasmKernelsEnabled(true);
  }
});

const sq = (d: number, n: number, samples = 1, extra: Partial<Parameters<typeof randomProblem>[0]> = {}): ProblemSpec => randomProblem({ loss: 'square', d, n, samples, seed: 5, vScale: 0.3, aScale: 0.5, ...extra });
const lg = (d: number, n: number, samples = 1, extra: Partial<Parameters<typeof randomProblem>[0]> = {}): ProblemSpec => randomProblem({ loss: 'logistic', d, n, samples, seed: 6, vScale: 0.3, aScale: 0.5, ...extra });

test('nested solves (a user RHS and an event that call simulate) give the same bits as separate runs', { skip: !haveKernels }, () => {
  const inner = lg(3, 6, 2);
  const innerOpts: Partial<SimulateOptions> = { method: 'dop853', rtol: 1e-9, atol: 1e-11, tEnd: 20, saveAt: [0, 20] };
  const innerAlone = bits(simulate(inner, innerOpts));
  const f = (_t: number, y: Float64Array, dy: Float64Array): void => {
    dy[0] = -y[0]! + y[1]!;
    dy[1] = -y[1]! * y[1]!;
  };
  const opts = { method: 'dop853' as const, rtol: 1e-9, atol: 1e-12, dense: true };
  const alone = solutionBits(solve(f, [1, 2], 0, 3, opts), [0.5, 2.5]);
  let calls = 0;
  const nested = solve(
    (t, y, dy) => {
      // Every 7th evaluation runs a whole reduced solve (its own pooled instances) in the middle
      // of this one's stage evaluation.
      if (calls++ % 7 === 0) assert.equal(bits(simulate(inner, innerOpts)), innerAlone, 'inner solve');
      f(t, y, dy);
    },
    [1, 2],
    0,
    3,
    opts,
  );
  assert.equal(solutionBits(nested, [0.5, 2.5]), alone, 'outer solve');
  // An event function of a full-path simulate that runs a full-path and a reduced simulate.
  const outer = sq(4, 6, 2);
  const outerOpts: Partial<SimulateOptions> = { method: 'dopri5', rtol: 1e-8, atol: 1e-10, tEnd: 30, saveAt: [0, 1, 30], formulation: 'full' };
  const fullInner: Partial<SimulateOptions> = { ...innerOpts, formulation: 'full' };
  const fullAlone = bits(simulate(inner, fullInner));
  const ev = { name: 'never', fn: (_t: number, y: Float64Array) => 1 + y[0]! * 0 };
  const outerAlone = bits(simulate(outer, { ...outerOpts, events: [ev] }));
  let evs = 0;
  const nestedEv = {
    name: 'never',
    fn: (_t: number, y: Float64Array): number => {
      if (evs++ % 5 === 0) {
        assert.equal(bits(simulate(inner, fullInner)), fullAlone, 'inner full solve');
        assert.equal(bits(simulate(inner, innerOpts)), innerAlone, 'inner reduced solve');
      }
      return 1 + y[0]! * 0;
    },
  };
  assert.equal(bits(simulate(outer, { ...outerOpts, events: [nestedEv] })), outerAlone, 'outer simulate');
  assert.ok(evs > 5 && calls > 7);
});

test('a solve that throws drops its instances; the next solves are unchanged', { skip: !haveKernels }, () => {
  const spec = sq(3, 5);
  const opts: Partial<SimulateOptions> = { method: 'dop853', rtol: 1e-9, atol: 1e-11, tEnd: 40, saveAt: [0, 40], formulation: 'full' };
  const before = bits(simulate(spec, opts));
  clearKernelPool();
  const boom = { name: 'boom', fn: (t: number) => { if (t > 1) throw new Error('boom'); return 1; } };
  assert.throws(() => simulate(spec, { ...opts, events: [boom] }), /boom/);
  assert.equal(kernelPoolStats().free, 0, 'the thrown solve’s instance is not returned');
  assert.throws(() => simulate(lg(3, 5), { ...opts, formulation: 'reduced', events: [boom] }), /boom/);
  assert.equal(kernelPoolStats().free, 0, 'nor the reduced flow’s');
  assert.equal(bits(simulate(spec, opts)), before);
  assert.ok(kernelPoolStats().free >= 1, 'a finished solve returns its instance');
});

/** The simulate runs of the poisoning check. */
function simulateCases(): { label: string; spec: ProblemSpec; o: Partial<SimulateOptions> }[] {
  const out: { label: string; spec: ProblemSpec; o: Partial<SimulateOptions> }[] = [];
  const probs: [string, ProblemSpec][] = [
    ['logistic 4×6', lg(4, 6)],
    ['logistic 5×7 K=3', lg(5, 7, 3)],
    ['logistic 4×6 K=2 sigmoid', lg(4, 6, 2, { normalization: 'sigmoid' })],
    ['square 3×8', sq(3, 8)],
    ['square 4×5 K=2', sq(4, 5, 2)],
    ['regression 3×6 K=2', randomProblem({ loss: 'regression', d: 3, n: 6, samples: 2, seed: 7, vScale: 0.3, aScale: 0.5 })],
    ['cross-entropy 3×5', randomProblem({ loss: 'cross-entropy', d: 3, n: 5, seed: 8, vScale: 0.3, aScale: 0.5 })],
  ];
  const ev = { name: 'a-last', fn: (_t: number, y: Float64Array) => y[y.length - 1]! - 0.1, terminal: false };
  for (const [label, spec] of probs) {
    const logistic = label.startsWith('logistic');
    for (const formulation of logistic ? (['full', 'reduced', 'low-rank'] as const) : (['full', 'low-rank'] as const)) {
      for (const method of ['dopri5', 'dop853'] as const) {
        out.push({ label: `${label} ${formulation} ${method}`, spec, o: { method, formulation, rtol: 1e-9, atol: 1e-11, tEnd: 50, saveAt: [0, 0.5, 7, 50], events: [ev] } });
      }
    }
    out.push({ label: `${label} auto rk4 with event`, spec, o: { method: 'rk4', dt: 0.25, tEnd: 20, saveAt: [0, 3.1, 20], events: [ev] } });
    out.push({ label: `${label} auto gd`, spec, o: { method: 'gd', lr: 0.1, tEnd: 20, saveAt: [0, 5, 20] } });
    out.push({ label: `${label} auto gd with event`, spec, o: { method: 'gd', lr: 0.1, tEnd: 20, saveAt: [0, 5, 20], events: [ev] } });
    out.push({ label: `${label} auto until-loss`, spec, o: { method: 'dop853', tEnd: 1e3, untilLoss: 1e-3, saveAt: [0, 1e3] } });
  }
  return out;
}

/** Solve-level runs: dense output, per-component atol, an error-norm hook (the reduced flow's). */
function solveRuns(): { label: string; run: () => string }[] {
  const P = resolveProblem(sq(4, 6, 2));
  const flow = valueSoftmaxRhs(P);
  const atol = Array.from({ length: flow.layout.size }, (_, i) => 1e-11 * (1 + (i % 3)));
  const at = [0.1, 1.7, 9.9];
  const L = resolveProblem(lg(5, 6, 2));
  const lflow = valueSoftmaxRhs(L);
  const R = reducedFlow(L);
  return [
    ...(['dopri5', 'dop853', 'rk4'] as const).map((method) => ({
      label: `solve ${method} dense, atol vector`,
      run: () => solutionBits(solve(flow.rhs, flow.y0, 0, 10, { method, rtol: 1e-9, atol, dt: method === 'rk4' ? 0.05 : undefined, dense: true }), at),
    })),
    {
      label: 'solve dop853 dense, reduced error norm',
      run: () => {
        const s = solve(R.rhs, R.y0, 0, 10, { method: 'dop853', rtol: 1e-9, atol: 0, dt0: 1e-3, dense: true, errorNorm: R.errorNorm(new Float64Array(lflow.layout.size).fill(1e-11), 1e-9) });
        R.release();
        return solutionBits(s, at);
      },
    },
  ];
}

test('stale memory: poisoned, reused instances give the bits of fresh ones (reduced, full, low-rank; every method; K = 1 and K > 1; events; dense output)', { skip: !haveKernels }, () => {
  const sims = simulateCases();
  const solves = solveRuns();
  const fresh = (): string[] => {
    setKernelPoison(false);
    return [
      ...sims.map((c) => {
        clearKernelPool();
        return bits(simulate(c.spec, c.o));
      }),
      ...solves.map((s) => {
        clearKernelPool();
        return s.run();
      }),
    ];
  };
  const want = fresh();
  setKernelPoison(true);
  try {
    const created = kernelPoolStats().created;
    // Twice through with the pool kept: the second pass takes every instance from the pool.
    for (let pass = 0; pass < 2; pass++) {
      const before = kernelPoolStats().reused;
      const got = [...sims.map((c) => bits(simulate(c.spec, c.o))), ...solves.map((s) => s.run())];
      const labels = [...sims.map((c) => c.label), ...solves.map((s) => s.label)];
      got.forEach((g, i) => assert.equal(g, want[i], `${labels[i]} (pass ${pass + 1})`));
      assert.ok(kernelPoolStats().reused > before, 'instances were reused');
    }
    assert.ok(kernelPoolStats().created - created <= 8, `at most a few new instances (${kernelPoolStats().created - created})`);
  } finally {
    setKernelPoison(false);
  }
  // The fresh runs are themselves reproducible (the check can fail only through the memory).
  assert.deepEqual(fresh(), want);
});
