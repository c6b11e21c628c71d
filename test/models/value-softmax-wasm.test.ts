/**
 * The full-state flow's WebAssembly sweeps (vsForward, vsBackward, vsSoftmaxVjp in
 * src/wasm/asm/kernels.ts, used by valueSoftmaxRhs) against the TypeScript loops they replace:
 * the same bits for the RHS, the loss and the negative gradient, every loss × normalisation,
 * K = 1 and 3, n ≡ 0..3 (mod 4), nothing / V / a frozen, one flow with the kernels switched off
 * and on between calls; flows of growing sizes evaluated in turn on the instance they share (its
 * memory grows under the smaller ones' views); simulate's records, steps and final state with the
 * kernels on and off (full, low-rank, reduced formulations, gd, an event).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { LOSSES, resolveProblem } from '../../src/models/problem.js';
import { NORMALIZATIONS } from '../../src/models/normalizations.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { SHARED_FLOW_KERNEL_MAX_SIZE, valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { wasmKernels } from '../../src/wasm/kernels.js';
import { simulate } from '../../src/experiments/simulate.js';
import { withoutKernels } from '../helpers/kernels.js';

function sameBits(got: Float64Array | number, want: Float64Array | number, label: string): void {
  if (typeof got === 'number' || typeof want === 'number') {
    assert.ok(Object.is(got, want), `${label}: kernels ${got} vs TypeScript ${want}`);
    return;
  }
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${label}, index ${i}: kernels ${got[i]} vs TypeScript ${want[i]}`);
}


test('valueSoftmaxRhs: RHS, loss and −∇L with the WebAssembly sweeps equal the TypeScript loops bit for bit', { skip: wasmKernels() === undefined && 'no WebAssembly SIMD' }, () => {
  const rng = new Rng(11);
  const d = 9;
  let checked = 0;
  for (const loss of LOSSES) {
    for (const normalization of NORMALIZATIONS) {
      for (const K of [1, 3]) {
        for (const n of [32, 33, 34, 35]) {
          const spec = randomProblem({ loss, normalization, d, n, samples: K, seed: checked + 1, vScale: 0.5, aScale: 0.7 });
          const P = resolveProblem(spec);
          for (const freeze of [[], ['a'], ['V']] as const) {
            const flow = valueSoftmaxRhs(P, { freeze });
            const size = flow.layout.size;
            const y = Float64Array.from(flow.y0);
            // A perturbed state (still valid for every normalisation: the logits keep their signs).
            for (let q = 0; q < d * n; q++) y[q] = y[q]! + 0.3 * rng.normal();
            for (let q = d * n; q < size; q++) y[q] = y[q]! * (1 + 0.1 * rng.uniform());
            const label = `${loss}/${normalization}, ${d}×${n}, K = ${K}, freeze [${freeze.join(',')}]`;
            for (let round = 0; round < 2; round++) {
              const on = new Float64Array(size);
              flow.rhs(0, y, on);
              const off = withoutKernels(() => {
                const o = new Float64Array(size);
                flow.rhs(0, y, o);
                return o;
              });
              sameBits(on, off, `${label}: rhs`);
              assert.ok(on.some((v) => v !== 0), `${label}: a nonzero derivative`);
              if (freeze.length === 0) {
                sameBits(flow.loss(y), withoutKernels(() => flow.loss(y)), `${label}: loss`);
                const gOn = new Float64Array(size);
                const lOn = flow.negGradient(y, gOn);
                const gOff = new Float64Array(size);
                const lOff = withoutKernels(() => flow.negGradient(y, gOff));
                sameBits(lOn, lOff, `${label}: negGradient loss`);
                sameBits(gOn, gOff, `${label}: negGradient`);
              }
              // A second round on a state with one entry changed: buffers carried between calls.
              y[1] = y[1]! * 0.5;
            }
            checked++;
          }
        }
      }
    }
  }
  assert.equal(checked, LOSSES.length * NORMALIZATIONS.length * 2 * 4 * 3);
});

test('valueSoftmaxRhs: a fresh flow evaluated first with the kernels off, then on, and a flow built with them off', { skip: wasmKernels() === undefined && 'no WebAssembly SIMD' }, () => {
  const P = resolveProblem(randomProblem({ loss: 'square', d: 24, n: 37, samples: 2, seed: 5, vScale: 0.2, aScale: 0.5 }));
  const size = P.d * P.n + P.K * P.n;
  const ref = withoutKernels(() => {
    const f = valueSoftmaxRhs(P);
    const o = new Float64Array(size);
    f.rhs(0, f.y0, o);
    return o;
  });
  const flow = valueSoftmaxRhs(P);
  const a = withoutKernels(() => {
    const o = new Float64Array(size);
    flow.rhs(0, flow.y0, o);
    return o;
  });
  const b = new Float64Array(size);
  flow.rhs(0, flow.y0, b);
  sameBits(a, ref, 'off first');
  sameBits(b, ref, 'then on');
  // A state of another length takes the TypeScript loops (no copy into the instance).
  const longer = new Float64Array(size + 3);
  longer.set(flow.y0);
  const c = new Float64Array(size + 3);
  flow.rhs(0, longer, c);
  sameBits(c.subarray(0, size), ref, 'longer arrays');
});

test('valueSoftmaxRhs: flows of growing sizes in turn on the shared instance give the TypeScript bits', { skip: wasmKernels() === undefined && 'no WebAssembly SIMD' }, () => {
  const rng = new Rng(4);
  const flows = [[2, 3, 1], [30, 41, 2], [3, 7, 2], [200, 301, 1], [5, 5, 3]].map(([d, n, K], i) => valueSoftmaxRhs(resolveProblem(randomProblem({ loss: 'cross-entropy', d: d!, n: n!, samples: K!, seed: 6 + i, vScale: 0.8, aScale: 1 }))));
  for (let round = 0; round < 3; round++) {
    // Each round evaluates every flow: the larger ones grow the shared memory (first round) and
    // detach the views the smaller ones made before.
    for (const [i, flow] of flows.entries()) {
      const size = flow.layout.size;
      const y = Float64Array.from(flow.y0, (v) => v + 0.2 * rng.normal());
      const want = withoutKernels(() => {
        const o = new Float64Array(size);
        flow.rhs(0, y, o);
        return o;
      });
      const got = new Float64Array(size);
      flow.rhs(0, y, got);
      sameBits(got, want, `round ${round}, flow ${i}`);
      sameBits(flow.loss(y), withoutKernels(() => flow.loss(y)), `round ${round}, flow ${i}: loss`);
    }
  }
});

test('simulate: records, step counts and final state are the same with the kernels on and off', () => {
  const cases: [string, Parameters<typeof randomProblem>[0], Record<string, unknown>][] = [
    ['square full', { loss: 'square', d: 12, n: 33, seed: 1, vScale: 0.1, aScale: 0.5 }, { formulation: 'full', tEnd: 50 }],
    ['square low-rank', { loss: 'square', d: 12, n: 33, seed: 1, vScale: 0.1, aScale: 0.5 }, { formulation: 'low-rank', tEnd: 50 }],
    ['logistic reduced', { loss: 'logistic', d: 16, n: 40, seed: 2, vScale: 0.1, aScale: 0 }, { formulation: 'reduced', tEnd: 1e3 }],
    ['logistic full, dopri5', { loss: 'logistic', d: 16, n: 40, seed: 2, vScale: 0.1, aScale: 0 }, { formulation: 'full', method: 'dopri5', tEnd: 1e3 }],
    ['cross-entropy K = 2, until-loss', { loss: 'cross-entropy', d: 9, n: 31, samples: 2, seed: 3, vScale: 0.5, aScale: 0.5 }, { untilLoss: 0.5, tEnd: 100 }],
    ['regression, a frozen, gd', { loss: 'regression', d: 10, n: 30, seed: 4, vScale: 0.3, aScale: 0.3 }, { method: 'gd', lr: 0.05, freeze: ['a'], tEnd: 5 }],
  ];
  for (const [label, spec, options] of cases) {
    const o = { rtol: 1e-8, atol: 1e-10, saveAt: undefined, ...options };
    const on = simulate(randomProblem(spec), o);
    const off = withoutKernels(() => simulate(randomProblem(spec), o));
    assert.equal(on.config.formulation, off.config.formulation, label);
    assert.deepEqual([on.stats.steps, on.stats.accepted, on.stats.rejected, on.stats.rhsEvals], [off.stats.steps, off.stats.accepted, off.stats.rejected, off.stats.rhsEvals], `${label}: steps`);
    assert.equal(JSON.stringify(on.records), JSON.stringify(off.records), `${label}: records`);
    assert.equal(JSON.stringify(on.state), JSON.stringify(off.state), `${label}: final state`);
    assert.equal(JSON.stringify(on.events), JSON.stringify(off.events), `${label}: events`);
    assert.ok(on.records.length > 2, `${label}: records saved`);
  }
});

test('valueSoftmaxRhs above SHARED_FLOW_KERNEL_MAX_SIZE: its own instance, the TypeScript bits', { skip: wasmKernels() === undefined && 'no WebAssembly SIMD' }, () => {
  const d = 1024;
  const n = Math.ceil(SHARED_FLOW_KERNEL_MAX_SIZE / d) + 1;
  const P = resolveProblem(randomProblem({ loss: 'square', d, n, seed: 2, vScale: 0.1, aScale: 0.5 }));
  const flow = valueSoftmaxRhs(P);
  const size = flow.layout.size;
  assert.ok(size > SHARED_FLOW_KERNEL_MAX_SIZE);
  const got = new Float64Array(size);
  flow.rhs(0, flow.y0, got);
  const want = withoutKernels(() => {
    const o = new Float64Array(size);
    flow.rhs(0, flow.y0, o);
    return o;
  });
  sameBits(got, want, `${d}×${n}`);
});
