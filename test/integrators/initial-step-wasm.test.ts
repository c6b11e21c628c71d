/**
 * Hairer's first step on the WebAssembly kernels (initStepSums, eulerTrial, initStepDiff for
 * step-control.ts `initialStep`; matTVec, logisticStepSums, logisticTrialU, logisticStepDiff for
 * logisticInitialStep) against the TypeScript loops: the same h bit for bit (Object.is), odd and
 * even sizes at and above INITIAL_STEP_KERNEL_MIN_SIZE, scalar-like and varied atol, both error
 * orders, a binding span and dtMax, non-finite entries; and the Euler trial state the RHS sees.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { logisticInitialStep } from '../../src/integrators/logistic-initial-step.js';
import { INITIAL_STEP_KERNEL_MIN_SIZE, initialStep } from '../../src/integrators/step-control.js';
import { resolveProblem } from '../../src/models/problem.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { wasmKernels } from '../../src/wasm/kernels.js';
import { withoutKernels } from '../helpers/kernels.js';


const skip = wasmKernels() === undefined && 'no WebAssembly SIMD';

test('initialStep: kernels and TypeScript loops give the same h and the same trial state', { skip }, () => {
  const rng = new Rng(3);
  let cases = 0;
  for (const N of [INITIAL_STEP_KERNEL_MIN_SIZE, INITIAL_STEP_KERNEL_MIN_SIZE + 1, 1001, 4096]) {
    const y0 = Float64Array.from({ length: N }, () => rng.normal() * 10 ** (3 * rng.uniform() - 2));
    // Stiffness up to 50: the Euler difference term d2 decides h in some cases, d1 in others.
    const w = Float64Array.from({ length: N }, () => 50 * rng.uniform() * rng.normal());
    // A nonlinear RHS that records the state it was called with.
    const seen: Float64Array[] = [];
    const rhs = (_t: number, y: Float64Array, dy: Float64Array): void => {
      seen.push(Float64Array.from(y));
      for (let i = 0; i < N; i++) dy[i] = -w[i]! * y[i]! + Math.sin(y[i]!);
    };
    const f0 = new Float64Array(N);
    rhs(0, y0, f0);
    for (const order of [4, 7]) {
      for (const [rtol, span, dtMax] of [[1e-8, 1e5, Infinity], [1e-3, 1e-4, Infinity], [1e-10, 10, 1e-3]] as const) {
        const flat = new Float64Array(N).fill(1e-10);
        const varied = Float64Array.from({ length: N }, () => 1e-12 + 1e-6 * rng.uniform());
        for (const atol of [flat, varied]) {
          seen.length = 0;
          const got = initialStep(rhs, 0, y0, f0, span, dtMax, order, rtol, atol, new Float64Array(N), new Float64Array(N));
          const want = withoutKernels(() => initialStep(rhs, 0, y0, f0, span, dtMax, order, rtol, atol, new Float64Array(N), new Float64Array(N)));
          assert.ok(Object.is(got, want), `N=${N} order=${order} rtol=${rtol}: ${got} vs ${want}`);
          assert.equal(seen.length, 2);
          for (let i = 0; i < N; i++) assert.ok(Object.is(seen[0]![i], seen[1]![i]), `N=${N}: trial state index ${i}`);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 4 * 2 * 3 * 2);
});

test('initialStep on the value-softmax RHS and with a non-finite f0: same h on and off', { skip }, () => {
  const P = resolveProblem(randomProblem({ loss: 'square', d: 16, n: 33, samples: 2, seed: 9, vScale: 0.3, aScale: 0.5 }));
  const flow = valueSoftmaxRhs(P);
  const N = flow.layout.size;
  const y0 = flow.y0;
  const f0 = new Float64Array(N);
  flow.rhs(0, y0, f0);
  const atol = new Float64Array(N).fill(1e-10);
  const run = (): number => initialStep(flow.rhs, 0, y0, f0, 1000, Infinity, 7, 1e-8, atol, new Float64Array(N), new Float64Array(N));
  assert.ok(Object.is(run(), withoutKernels(run)));
  f0[5] = NaN;
  const h = run();
  assert.ok(Object.is(h, withoutKernels(run)));
  assert.ok(Number.isFinite(h) && h > 0, 'the small fallback step');
});

test('logisticInitialStep: kernels and TypeScript loops give the same h', { skip }, () => {
  const rng = new Rng(21);
  let cases = 0;
  for (const [d, n] of [[16, 16], [8, 33], [17, 64], [64, 65]] as const) {
    for (let seed = 1; seed <= 4; seed++) {
      // vScale 20 and 200: the Euler difference term d2 decides h (else d1 does, and the passes
      // after the trial step would not show in h).
      const spec = randomProblem({ loss: 'logistic', d, n, seed, vScale: [0.1, 2, 20, 200][seed - 1]!, aScale: seed === 2 ? 0 : 1.5 });
      if (seed === 3) spec.labels = [-1];
      const P = resolveProblem(spec);
      const y0 = valueSoftmaxRhs(P).y0;
      const size = y0.length;
      assert.ok(d * n >= INITIAL_STEP_KERNEL_MIN_SIZE);
      for (const order of [4, 7]) {
        for (const [rtol, span, dtMax] of [[1e-8, 1e5, Infinity], [1e-3, 1e-4, Infinity], [1e-10, 10, 1e-3]] as const) {
          const flat = new Float64Array(size).fill(1e-10);
          const varied = Float64Array.from({ length: size }, () => 1e-12 + 1e-6 * rng.uniform());
          for (const atol of [flat, varied]) {
            const got = logisticInitialStep(P, y0, span, dtMax, order, rtol, atol);
            const want = withoutKernels(() => logisticInitialStep(P, y0, span, dtMax, order, rtol, atol));
            assert.ok(Object.is(got, want), `d=${d} n=${n} seed=${seed} order=${order} rtol=${rtol}: ${got} vs ${want}`);
            cases++;
          }
        }
      }
    }
  }
  assert.equal(cases, 4 * 4 * 2 * 3 * 2);
});
