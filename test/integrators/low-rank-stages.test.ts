/**
 * The low-rank stage evaluator (src/integrators/low-rank-stages.ts) gives the same bits with the
 * WebAssembly kernels and with their TypeScript twins: square and regression losses, K = 1 and
 * K > 1, dopri5 and dop853, saveAt between steps (dense output) and an event; and it stays
 * bitwise the same when the kernels' memory grows between steps (views detached), when another
 * owner takes the kernels' slot between steps or between a step and its dense output, and when
 * scratch held by the caller keeps it from claiming the slot (then it runs the twins). Against the full-state path:
 * test/experiments/simulate-formulation.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { simulate, type SimulateOptions, type SimulateResult } from '../../src/experiments/simulate.js';
import { randomProblem } from '../../src/models/random-problem.js';
import type { ProblemSpec } from '../../src/models/problem.js';
import { setWasmKernelsEnabled, wasmKernels } from '../../src/wasm/kernels.js';

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
