/**
 * The low-rank stage evaluator (src/integrators/low-rank-stages.ts) gives the same bits with the
 * WebAssembly kernels and with their TypeScript twins: square, regression and cross-entropy
 * losses, every normalisation, K = 1 and K > 1, dopri5 and dop853, saveAt between steps (dense output) and an event; and it stays
 * bitwise the same when the kernels' memory grows between steps (views detached), when another
 * owner takes the kernels' slot between steps or between a step and its dense output, and when
 * scratch held by the caller keeps it from claiming the slot (then it runs the twins); and one
 * dop853 attempt's error norm (the fused pass's E2 = B − Σ h·bhh_j k_j) equals the full-state
 * evaluator's (Σ e2_j k_j) where the norm is above round-off. Against the full-state path over
 * whole solves: test/experiments/simulate-formulation.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { simulate, type SimulateOptions, type SimulateResult } from '../../src/experiments/simulate.js';
import { randomProblem } from '../../src/models/random-problem.js';
import type { ProblemSpec } from '../../src/models/problem.js';
import { setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';
import { FullStateStages } from '../../src/integrators/full-state-stages.js';
import { LowRankStages } from '../../src/integrators/low-rank-stages.js';
import { DOP853 } from '../../src/integrators/tableaus/dop853.js';
import { resolveProblem } from '../../src/models/problem.js';
import { valueSoftmaxRhs } from '../../src/models/value-softmax.js';

const FIG3 = JSON.parse(readFileSync(new URL('../../sims/data/fig3-regression-kappa5.json', import.meta.url), 'utf8')) as ProblemSpec;

/** Everything a run returns except its wall time. */
function fingerprint(r: SimulateResult): unknown {
  return { status: r.status, records: r.records, state: r.state, events: r.events, stats: { ...r.stats, wallTimeMs: 0 } };
}

function run(spec: ProblemSpec, o: Partial<SimulateOptions>, wasm: boolean): unknown {
  setWasmKernelsEnabled(wasm);
  try {
    return fingerprint(simulate(spec, { ...o, formulation: 'low-rank' }));
  } finally {
    setWasmKernelsEnabled(true);
  }
}

const CASES: { label: string; spec: ProblemSpec; tEnd: number }[] = [
  { label: 'square 7×13, K = 1', spec: randomProblem({ loss: 'square', d: 7, n: 13, seed: 3, aScale: 0.5 }), tEnd: 20 },
  { label: 'square 6×9, K = 3', spec: randomProblem({ loss: 'square', d: 6, n: 9, samples: 3, seed: 4, aScale: 0.5 }), tEnd: 20 },
  { label: 'regression 5×8, K = 2, sigmoid', spec: randomProblem({ loss: 'regression', d: 5, n: 8, samples: 2, seed: 5, normalization: 'sigmoid', aScale: 0.5 }), tEnd: 20 },
  { label: 'regression 20×20 (Fig 3), K = 1', spec: FIG3, tEnd: 300 },
  // The other normalisations (one-call kernels with WebAssembly, the twins' multi-call path without).
  { label: 'square 6×11, K = 2, l1', spec: randomProblem({ loss: 'square', d: 6, n: 11, samples: 2, seed: 21, aScale: 0.5, normalization: 'l1' }), tEnd: 2 },
  { label: 'cross-entropy 5×9, K = 1, l2sq', spec: randomProblem({ loss: 'cross-entropy', d: 5, n: 9, seed: 42, vScale: 0.5, aScale: 0.5, normalization: 'l2sq' }), tEnd: 40 },
  { label: 'square 6×9, K = 3, sigmoid', spec: randomProblem({ loss: 'square', d: 6, n: 9, samples: 3, seed: 23, aScale: 0.5, normalization: 'sigmoid' }), tEnd: 20 },
  { label: 'regression 5×8, K = 2, relu', spec: randomProblem({ loss: 'regression', d: 5, n: 8, samples: 2, seed: 33, aScale: 0.5, normalization: 'relu' }), tEnd: 20 },
  { label: 'cross-entropy 5×9, K = 3, sum', spec: randomProblem({ loss: 'cross-entropy', d: 5, n: 9, samples: 3, seed: 44, vScale: 0.5, aScale: 0.5, normalization: 'sum' }), tEnd: 10 },
];

const hasWasm = wasmKernels() !== undefined;

for (const c of CASES) {
  for (const method of ['dopri5', 'dop853'] as const) {
    test(`low-rank: WebAssembly = TypeScript twins bit for bit, ${c.label}, ${method}, saveAt + event`, { skip: hasWasm ? false : 'no WebAssembly SIMD' }, () => {
      const v0 = c.spec.V[0]![0]!;
      const o: Partial<SimulateOptions> = {
        method,
        rtol: 1e-9,
        atol: 1e-11,
        tEnd: c.tEnd,
        saveAt: [0, 0.013 * c.tEnd, 0.31 * c.tEnd, 0.77 * c.tEnd, c.tEnd],
        events: [{ name: 'v00', fn: (_t, y) => y[0]! - 0.9 * v0, terminal: false }],
      };
      const a = run(c.spec, o, true);
      const b = run(c.spec, o, false);
      assert.deepEqual(a, b);
      assert.equal((a as { status: string }).status, 'success');
    });
  }
}

test('low-rank: same bits when the kernels memory grows, another owner takes the slot, or scratch blocks it', { skip: hasWasm ? false : 'no WebAssembly SIMD' }, () => {
  const wk = wasmKernels()!;
  const spec = randomProblem({ loss: 'square', d: 12, n: 30, samples: 2, seed: 6, aScale: 0.5 });
  const o: Partial<SimulateOptions> = { method: 'dop853', rtol: 1e-9, atol: 1e-11, tEnd: 30, saveAt: [0, 3.3, 17, 30] };
  const ref = run(spec, o, false);
  assert.deepEqual(run(spec, o, true), ref, 'plain run');
  // Memory growth between steps: every step allocates past the end of the memory and releases.
  let grown = 0;
  const grow = fingerprint(
    simulate(spec, {
      ...o,
      formulation: 'low-rank',
      onStep: () => {
        const before = wk.exports.memory.buffer.byteLength;
        const top = wk.mark();
        wk.allocF64(before / 8 + 8192);
        wk.release(top);
        if (wk.exports.memory.buffer.byteLength > before) grown++;
      },
    }),
  );
  assert.ok(grown > 3, `memory grew ${grown} times`);
  assert.deepEqual(grow, ref, 'memory grown between steps');
  // Another owner claims the slot between steps (its data overwrites the evaluator's).
  let claims = 0;
  const steal = fingerprint(
    simulate(spec, {
      ...o,
      formulation: 'low-rank',
      onStep: () => {
        const other = {};
        const s = wk.claimSlot(other, 4096);
        if (s !== undefined) {
          wk.f64(s.ptr, 4096).fill(Number.NaN);
          claims++;
        }
      },
    }),
  );
  assert.ok(claims > 3, `slot taken ${claims} times`);
  assert.deepEqual(steal, ref, 'slot taken between steps');
  // ... and between a step and its dense output (an event function runs after the step, before
  // the saves interpolate): the evaluator re-evaluates the step's stages, same bits and counts.
  let denseClaims = 0;
  const stealDense = fingerprint(
    simulate(spec, {
      ...o,
      formulation: 'low-rank',
      events: [
        {
          name: 'steal',
          fn: () => {
            const s = wk.claimSlot({}, 4096);
            if (s !== undefined) {
              wk.f64(s.ptr, 4096).fill(Number.NaN);
              denseClaims++;
            }
            return 1;
          },
          terminal: false,
        },
      ],
    }),
  );
  assert.ok(denseClaims > 3, `slot taken ${denseClaims} times`);
  assert.deepEqual(stealDense, ref, 'slot taken between a step and its dense output');
  // Scratch held by the caller: the evaluator cannot claim the slot and runs the twins.
  const other = {};
  wk.claimSlot(other, 16);
  const top = wk.mark();
  wk.allocF64(16);
  try {
    assert.deepEqual(fingerprint(simulate(spec, { ...o, formulation: 'low-rank' })), ref, 'slot blocked by scratch');
  } finally {
    wk.release(top);
  }
});

test('low-rank dop853: the error norm of one attempt equals that of the full-state evaluator (kernels on and off)', () => {
  // Steps whose norm is 1e-4 to 1e6, far above the estimators' round-off (at norms near 1e-12
  // both paths' norms are round-off and differ by O(1)); measured agreement 4e-13 to 8e-8, so
  // 1e-6 relative. A wrong E2 (e.g. s2 not divided by h²) moves the norm by O(1) at these steps.
  const cases: { spec: ProblemSpec; hs: number[] }[] = [
    { spec: randomProblem({ loss: 'square', d: 7, n: 13, seed: 3, aScale: 0.5 }), hs: [1, 3] },
    { spec: randomProblem({ loss: 'square', d: 6, n: 9, samples: 3, seed: 4, aScale: 0.5 }), hs: [3] },
    { spec: randomProblem({ loss: 'regression', d: 5, n: 8, samples: 3, seed: 5, normalization: 'sigmoid', aScale: 0.5 }), hs: [0.01, 0.1] },
    { spec: randomProblem({ loss: 'cross-entropy', d: 6, n: 10, samples: 2, seed: 6, aScale: 0.5 }), hs: [3] },
  ];
  for (const wasm of hasWasm ? [true, false] : [false]) {
    setWasmKernelsEnabled(wasm);
    try {
      for (const { spec, hs } of cases) {
        const P = resolveProblem(spec);
        const flow = valueSoftmaxRhs(P);
        const y0 = flow.y0;
        const atol = new Float64Array(y0.length).fill(1e-10);
        for (const h of hs) {
          const yl = new Float64Array(y0.length);
          const yf = new Float64Array(y0.length);
          const el = new LowRankStages(P, DOP853, 0, y0, 1e-8, atol).attempt(0, h, h, y0, yl);
          const ef = new FullStateStages(DOP853, flow.rhs, 0, y0, 1e-8, atol, undefined).attempt(0, h, h, y0, yf);
          const label = `${P.loss} K = ${P.K} ${P.normalization}, h = ${h}, kernels ${wasm ? 'on' : 'off'}`;
          assert.ok(ef > 1e-4 && ef < 1e6, `${label}: full-state norm ${ef}`);
          assert.ok(Math.abs(el - ef) <= 1e-6 * ef, `${label}: low-rank norm ${el}, full-state ${ef}, relative difference ${Math.abs(el - ef) / ef}, tolerance 1e-6`);
        }
      }
    } finally {
      setWasmKernelsEnabled(true);
    }
  }
});
