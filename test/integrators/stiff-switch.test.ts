/**
 * The stiff switch (method dop853-stiff): the Rosenbrock-W method's order conditions, the
 * Gauss–Newton W against a dense construction from its definition and against the flow's own
 * Jacobian at a fitted state, the Rosenbrock stepper on a stiff linear system (with the exact
 * W and with W = 0: a W-method keeps its order for any W), and `simulate` with dop853-stiff
 * against the independent scipy fixtures (square, K = 1 and 2), a tight dop853 reference (state,
 * records, a stopping event, the low-rank and full formulations, kernels on and off) and dop853
 * itself (far fewer RHS evaluations on a problem whose late phase is stiff); bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { assertClose } from '../helpers/tolerance.js';
import { checkRosenbrockW, ROS34PW2, RosenbrockStepper, type WOperator } from '../../src/integrators/rosenbrock-w.js';
import { gaussNewtonSquare } from '../../src/models/gauss-newton.js';
import { gaussNewtonSquareWasm } from '../../src/models/gauss-newton-wasm.js';
import { resolveProblem, type ProblemSpec } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { simulate, type SimulateResult } from '../../src/experiments/simulate.js';
import { OptionError } from '../../src/core/errors.js';
import { setWasmKernelsEnabled } from '../../src/wasm/kernels.js';
import { drive } from '../../src/integrators/driver.js';

const stateOf = (r: SimulateResult): number[] => [...r.state.V.flat(), ...(r.state.a as number[] | number[][]).flat()];
const relMax = (x: readonly number[], ref: readonly number[]): number => {
  let m = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    m = Math.max(m, Math.abs(x[i]! - ref[i]!));
    s = Math.max(s, Math.abs(ref[i]!));
  }
  return m / s;
};

test('ROS34PW2 satisfies the W-order conditions; corrupted coefficients are refused', () => {
  checkRosenbrockW(ROS34PW2);
  assert.throws(() => checkRosenbrockW({ ...ROS34PW2, b: [0.25, 0.25, 0.25, 0.25] }), /fails Σb α = 1\/2/);
  assert.throws(() => checkRosenbrockW({ ...ROS34PW2, gamma: ROS34PW2.gamma * (1 + 1e-10) }), /fails Σb γ' = −γ/);
  assert.throws(() => checkRosenbrockW({ ...ROS34PW2, bHat: [...ROS34PW2.bHat.slice(0, 3), ROS34PW2.bHat[3]! + 1e-9] }), /b̂ fails/);
});

/** W = −(1/K) BᵀB from its definition, dense (row-major N×N), for a state y of problem P. */
function denseW(spec: ProblemSpec, y: Float64Array): Float64Array {
  const P = resolveProblem(spec);
  const { d, n, K } = P;
  const dn = d * n;
  const N = dn + K * n;
  const B = new Float64Array(K * d * N);
  for (let k = 0; k < K; k++) {
    const a = Array.from(y.subarray(dn + k * n, dn + (k + 1) * n));
    const mx = Math.max(...a);
    const e = a.map((v) => Math.exp(v - mx));
    const sum = e.reduce((p, q) => p + q, 0);
    const s = e.map((v) => v / sum);
    for (let i = 0; i < d; i++) {
      const row = (k * d + i) * N;
      // ∂f_ki/∂V_ij = σ_kj; ∂f_ki/∂a_kj = Σ_l V_il (δ_lj σ_j − σ_l σ_j).
      for (let j = 0; j < n; j++) B[row + i * n + j] = s[j]!;
      let vs = 0;
      for (let l = 0; l < n; l++) vs += y[i * n + l]! * s[l]!;
      for (let j = 0; j < n; j++) B[row + dn + k * n + j] = (y[i * n + j]! - vs) * s[j]!;
    }
  }
  const W = new Float64Array(N * N);
  for (let r = 0; r < K * d; r++) for (let p = 0; p < N; p++) for (let q = 0; q < N; q++) W[p * N + q] = W[p * N + q]! - (B[r * N + p]! * B[r * N + q]!) / K;
  return W;
}

const matVec = (M: Float64Array, x: Float64Array): Float64Array => {
  const N = x.length;
  const out = new Float64Array(N);
  for (let p = 0; p < N; p++) {
    let acc = 0;
    for (let q = 0; q < N; q++) acc += M[p * N + q]! * x[q]!;
    out[p] = acc;
  }
  return out;
};

test('the Gauss–Newton W (TypeScript and kernels) equals −(1/K)BᵀB built from its definition: products, (I − cW)⁻¹, spectral radius', () => {
  for (const K of [1, 2]) {
    const spec = randomProblem({ loss: 'square', d: 3, n: 5, samples: K, seed: 7 + K, vScale: 0.7, aScale: 0.8 });
    const P = resolveProblem(spec);
    const y = valueSoftmaxRhs(P).y0;
    const N = y.length;
    const Wd = denseW(spec, y);
    const z = Float64Array.from({ length: N }, (_, i) => Math.sin(1 + 3 * i));
    const wasm = gaussNewtonSquareWasm(P);
    assert.ok(wasm !== undefined, 'the kernels are available on Node 20');
    for (const [name, W] of [['TypeScript', gaussNewtonSquare(P)], ['kernels', wasm]] as [string, WOperator][]) {
      W.prepare(y);
      const out = new Float64Array(N);
      W.apply(z, out);
      assertClose(Array.from(out), Array.from(matVec(Wd, z)), { rtol: 1e-13, atol: 1e-14, label: `${name} K=${K} W·z` });
      const c = 0.37;
      W.factor(c);
      const x = new Float64Array(N);
      W.solve(z, x);
      const back = matVec(Wd, x).map((v, i) => x[i]! - c * v);
      assertClose(Array.from(back), Array.from(z), { rtol: 1e-12, atol: 1e-13, label: `${name} K=${K} (I − cW)·solve(z)` });
      // ρ against power iteration on the dense −W.
      let u = new Float64Array(N).fill(1);
      let lam = 0;
      for (let it = 0; it < 2000; it++) {
        const v = matVec(Wd, u).map((q) => -q);
        lam = Math.hypot(...v);
        u = v.map((q) => q / lam);
      }
      assertClose(W.rho(), lam, { rtol: 1e-5, label: `${name} K=${K} ρ` });
      assertClose(W.stiffness(y), lam, { rtol: 0.05, label: `${name} K=${K} the switch's ρ` });
    }
    wasm.release();
  }
});

test('at a fitted state the Gauss–Newton W is the flow\'s Jacobian (central differences of the RHS)', () => {
  const spec = randomProblem({ loss: 'square', d: 4, n: 12, seed: 21, vScale: 0.1, aScale: 0.5 });
  const r = simulate(spec, { method: 'dop853', rtol: 1e-12, atol: 1e-14, tEnd: 2000, saveAt: [0, 2000] });
  assert.ok(r.records[1]!.loss < 1e-14 * r.records[0]!.loss, `fitted: loss ${r.records[1]!.loss}`);
  const P = resolveProblem(spec);
  const flow = valueSoftmaxRhs(P);
  const y = Float64Array.from(stateOf(r));
  const N = y.length;
  const z = Float64Array.from({ length: N }, (_, i) => Math.cos(2 + 5 * i));
  const eps = 1e-6;
  const fp = new Float64Array(N);
  const fm = new Float64Array(N);
  flow.rhs(0, y.map((v, i) => v + eps * z[i]!), fp);
  flow.rhs(0, y.map((v, i) => v - eps * z[i]!), fm);
  const jz = Array.from(fp, (v, i) => (v - fm[i]!) / (2 * eps));
  const W = gaussNewtonSquare(P);
  W.prepare(y);
  const wz = new Float64Array(N);
  W.apply(z, wz);
  assertClose(Array.from(wz), jz, { rtol: 1e-6, atol: 1e-8 * Math.max(...jz.map(Math.abs)), label: 'W·z against J·z' });
});

test('the Rosenbrock stepper on a stiff system with a moving slow manifold: accurate with the exact W, and with W = 0 (order for any W) as accurate in far more steps (explicit, stability-bound); its dense output matches the exact solution', () => {
  // y1' = −μ(y1 − y2), y2' = y3, y3' = −y2: y2 = cos t drives the stiff y1 (μ = 1000).
  const mu = 1000;
  const J = [[-mu, mu, 0], [0, 0, 1], [0, -1, 0]];
  const rhs = (_t: number, y: Float64Array, dy: Float64Array): void => {
    dy[0] = -mu * (y[0]! - y[1]!);
    dy[1] = y[2]!;
    dy[2] = -y[1]!;
  };
  const linearW = (scale: number): WOperator => {
    let inv = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    return {
      prepare: () => undefined,
      apply: (z, out) => {
        for (let i = 0; i < 3; i++) out[i] = scale * (J[i]![0]! * z[0]! + J[i]![1]! * z[1]! + J[i]![2]! * z[2]!);
      },
      factor(c) {
        // (I − c·scale·J)⁻¹ by Gauss–Jordan (3×3).
        const a = J.map((row, i) => [...row.map((v, j) => (i === j ? 1 : 0) - c * scale * v), ...[0, 1, 2].map((j) => (i === j ? 1 : 0))]);
        for (let col = 0; col < 3; col++) {
          const p = [col, 1, 2].slice(0, 3 - col).map((_, k) => col + k).reduce((best, r) => (Math.abs(a[r]![col]!) > Math.abs(a[best]![col]!) ? r : best), col);
          [a[col], a[p]] = [a[p]!, a[col]!];
          const d = a[col]![col]!;
          a[col] = a[col]!.map((v) => v / d);
          for (let r = 0; r < 3; r++) if (r !== col) a[r] = a[r]!.map((v, j) => v - a[r]![col]! * a[col]![j]!);
        }
        inv = a.map((row) => row.slice(3));
      },
      solve: (r, out) => {
        const x = [0, 1, 2].map((i) => inv[i]![0]! * r[0]! + inv[i]![1]! * r[1]! + inv[i]![2]! * r[2]!);
        out.set(x);
      },
      rho: () => mu * scale,
      stiffness: () => mu * scale,
    };
  };
  const exact = (t: number): number[] => {
    const p = (mu * mu * Math.cos(t) + mu * Math.sin(t)) / (mu * mu + 1);
    return [p + (1 - (mu * mu) / (mu * mu + 1)) * Math.exp(-mu * t), Math.cos(t), -Math.sin(t)];
  };
  const y0 = Float64Array.from([1, 1, 0]);
  const tEnd = 10;
  const run = (W: WOperator): { y: Float64Array; steps: number; mid: readonly Float64Array[] } => {
    const s = new RosenbrockStepper(rhs, W, y0, 1e-5, 1e-7, new Float64Array(3).fill(1e-10), 4);
    const saves = Float64Array.from([0, 2.5, Math.PI, 7.1, tEnd]);
    const sol = drive(s, { method: 'dop853', t0: 0, tEnd, saveTimes: saves, events: [], dense: false, maxSteps: 1e6, stallSteps: 0, onStep: undefined, signal: undefined, rhsEvals: () => s.rhsEvals, startMs: 0 });
    assert.equal(sol.status, 'success');
    return { y: sol.yEnd, steps: sol.stats.accepted, mid: sol.y };
  };
  const exactW = run(linearW(1));
  assertClose(Array.from(exactW.y), exact(tEnd), { rtol: 1e-5, atol: 1e-6, label: 'exact W' });
  [0, 2.5, Math.PI, 7.1, tEnd].forEach((t, i) => assertClose(Array.from(exactW.mid[i]!), exact(t), { rtol: 1e-5, atol: 1e-6, label: `exact W, saved at t = ${t}` }));
  const zeroW = run(linearW(0));
  assertClose(Array.from(zeroW.y), exact(tEnd), { rtol: 1e-5, atol: 1e-6, label: 'W = 0' });
  // Measured 4987 against 1153 steps.
  assert.ok(zeroW.steps > 3 * exactW.steps, `W = 0 ${zeroW.steps} steps against ${exactW.steps}: explicit, stability-bound`);
});

const FIX = new URL('../fixtures/flow/', import.meta.url);
const squareFixtures = readdirSync(FIX)
  .filter((f) => f.startsWith('square-k') && f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, FIX), 'utf8')) as { case: string; problem: ProblemSpec; tEnd: number; saveAt: number[]; records: { t: number; V: number[][]; a: number[] | number[][]; loss: number }[] });

test('dop853-stiff agrees with the scipy DOP853 (rtol 1e-12) square fixtures, K = 1 and 2', () => {
  assert.ok(squareFixtures.length >= 2);
  for (const fx of squareFixtures) {
    const r = simulate(fx.problem, { method: 'dop853-stiff', rtol: 1e-11, atol: 1e-13, tEnd: fx.tEnd, saveAt: fx.saveAt });
    assert.equal(r.status, 'success', r.message);
    assert.equal(r.config.method, 'dop853-stiff');
    r.records.forEach((rec, i) => {
      const ref = fx.records[i]!;
      const a = (rec.a as number[] | number[][]).flat();
      assertClose(a, (ref.a as number[] | number[][]).flat(), { rtol: 1e-6, atol: 1e-8, label: `${fx.case} a at t=${ref.t}` });
      assertClose(rec.loss, ref.loss, { rtol: 1e-6, atol: 1e-12, label: `${fx.case} loss at t=${ref.t}` });
    });
    assertClose(r.state.V.flat(), fx.records[fx.records.length - 1]!.V.flat(), { rtol: 1e-6, atol: 1e-8, label: `${fx.case} V(tEnd)` });
  }
});

test('dop853-stiff on problems stiff in their late phase: the error of dop853, records as accurate, a fraction of its RHS evaluations; both formulations, kernels on and off, a stopping event', () => {
  // RHS share: measured 0.19 (16×64, the flow benchmark's problem) and 0.55 (6×16 K = 2).
  for (const [spec, tEnd, share] of [
    [randomProblem({ loss: 'square', d: 16, n: 64, seed: 1, vScale: 0.1, aScale: 0.5 }), 1000, 0.3],
    [randomProblem({ loss: 'square', d: 6, n: 16, samples: 2, seed: 3, vScale: 0.1, aScale: 0.5 }), 1000, 0.7],
  ] as const) {
    const ref = simulate(spec, { method: 'dop853', rtol: 1e-13, atol: 1e-15, tEnd, formulation: 'full' });
    const yRef = stateOf(ref);
    const base = simulate(spec, { method: 'dop853', rtol: 1e-8, atol: 1e-10, tEnd });
    const stiff = simulate(spec, { method: 'dop853-stiff', rtol: 1e-8, atol: 1e-10, tEnd });
    const label = `${spec.V.length}×${spec.V[0]!.length}`;
    assert.equal(stiff.status, 'success', stiff.message);
    assert.equal(stiff.config.formulation, 'low-rank');
    const eBase = relMax(stateOf(base), yRef);
    const eStiff = relMax(stateOf(stiff), yRef);
    assert.ok(eStiff <= 2 * eBase, `${label}: final error ${eStiff} against dop853's ${eBase}`);
    assert.ok(stiff.stats.rhsEvals < share * base.stats.rhsEvals, `${label}: ${stiff.stats.rhsEvals} RHS evaluations against dop853's ${base.stats.rhsEvals}`);
    // Records at the default 61 save times (the Rosenbrock steps' cubic Hermite output included).
    const recErr = (r: SimulateResult, f: (x: SimulateResult['records'][number]) => number[]): number => Math.max(...r.records.map((x, i) => relMax(f(x), f(ref.records[i]!)) * Math.max(1, ...f(ref.records[i]!).map(Math.abs))));
    for (const [name, f] of [['entropy', (x: SimulateResult['records'][number]) => [x.entropy].flat()], ['normV', (x: SimulateResult['records'][number]) => [x.normV]], ['a', (x: SimulateResult['records'][number]) => (x.a as number[] | number[][]).flat()]] as const) {
      const es = recErr(stiff, f);
      const eb = recErr(base, f);
      assert.ok(es <= 2 * eb + 1e-9, `${label} records' ${name}: ${es} against dop853's ${eb}`);
    }
    const full = simulate(spec, { method: 'dop853-stiff', rtol: 1e-8, atol: 1e-10, tEnd, formulation: 'full', saveAt: [0, tEnd] });
    assert.ok(relMax(stateOf(full), yRef) <= 2 * eBase, `${label} full formulation`);
    setWasmKernelsEnabled(false);
    try {
      const ts = simulate(spec, { method: 'dop853-stiff', rtol: 1e-8, atol: 1e-10, tEnd, saveAt: [0, tEnd] });
      assert.ok(relMax(stateOf(ts), yRef) <= 2 * eBase, `${label} TypeScript twins`);
    } finally {
      setWasmKernelsEnabled(true);
    }
    // A stopping event in the stiff phase, located on the Rosenbrock steps' dense output.
    const L0 = ref.records[0]!.loss;
    const evRef = simulate(spec, { method: 'dop853', rtol: 1e-12, atol: 1e-14, tEnd, untilLoss: 1e-9 * L0 });
    const ev = simulate(spec, { method: 'dop853-stiff', rtol: 1e-8, atol: 1e-10, tEnd, untilLoss: 1e-9 * L0 });
    assert.equal(ev.status, 'terminated');
    assertClose(ev.events[0]!.t, evRef.events[0]!.t, { rtol: 1e-3, label: `${label} untilLoss time` });
  }
});

test('dop853-stiff refuses problems it does not cover, naming the option', () => {
  for (const [spec, extra] of [
    [randomProblem({ loss: 'logistic', d: 3, n: 4, seed: 1 }), {}],
    [randomProblem({ loss: 'regression', d: 3, n: 4, seed: 1 }), {}],
    [randomProblem({ loss: 'square', d: 3, n: 4, seed: 1, normalization: 'l2sq' }), {}],
    [randomProblem({ loss: 'square', d: 3, n: 4, seed: 1 }), { freeze: ['a'] }],
  ] as const) {
    assert.throws(() => simulate(spec, { method: 'dop853-stiff', tEnd: 10, ...extra }), (e: unknown) => e instanceof OptionError && e.option === 'method' && /square loss, the softmax normalisation and nothing frozen/.test(e.message));
  }
});
