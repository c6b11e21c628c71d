/**
 * The one-call kernels of the low-rank evaluator (`lrStageOne` per stage and
 * `lrAttemptOne` per step attempt, src/wasm/asm/low-rank-stage.ts: the square, regression
 * or cross-entropy loss with any normalisation) give the same bits as the multi-call kernel
 * sequence they replace (`setLowRankOneCall(false)`, the WebAssembly kernels one by one):
 * square, regression and cross-entropy, softmax and each other normalisation (l1, l2sq,
 * sigmoid, relu, sum), K = 1 and K > 1, dopri5 and dop853, saveAt between
 * steps (dense output) and an event; and the same bits with WebAssembly off (the twins). The
 * evaluator counts its one-call stages, so the tests see
 * that the kernel ran; and the comparison can fail: one ulp in one target gives other bits.
 * (Against the TypeScript twins: test/integrators/low-rank-stages.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { simulate, type SimulateOptions, type SimulateResult } from '../../src/experiments/simulate.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem, type ProblemSpec } from '../../src/models/problem.js';
import { packState } from '../../src/models/value-softmax.js';
import { LowRankStages, lowRankStepper, setLowRankOneCall } from '../../src/integrators/low-rank-stages.js';
import { DOP853 } from '../../src/integrators/tableaus/dop853.js';
import { wasmKernels } from '../../src/wasm/kernels.js';
import { withoutKernels } from '../helpers/kernels.js';

const FIG3 = JSON.parse(readFileSync(new URL('../../sims/data/fig3-regression-kappa5.json', import.meta.url), 'utf8')) as ProblemSpec;
const hasWasm = wasmKernels() !== undefined;

/** Everything a run returns except its wall time. */
function fingerprint(r: SimulateResult): unknown {
  return { status: r.status, records: r.records, state: r.state, events: r.events, stats: { ...r.stats, wallTimeMs: 0 } };
}

function run(spec: ProblemSpec, o: Partial<SimulateOptions>, oneCall: boolean): unknown {
  setLowRankOneCall(oneCall);
  try {
    return fingerprint(simulate(spec, { ...o, formulation: 'low-rank' }));
  } finally {
    setLowRankOneCall(true);
  }
}

const CASES: { label: string; spec: ProblemSpec; tEnd: number }[] = [
  { label: 'square 7×13, K = 1', spec: randomProblem({ loss: 'square', d: 7, n: 13, seed: 3, aScale: 0.5 }), tEnd: 20 },
  { label: 'square 6×9, K = 3', spec: randomProblem({ loss: 'square', d: 6, n: 9, samples: 3, seed: 4, aScale: 0.5 }), tEnd: 20 },
  { label: 'regression 5×8, K = 2', spec: randomProblem({ loss: 'regression', d: 5, n: 8, samples: 2, seed: 5, aScale: 0.5 }), tEnd: 20 },
  { label: 'regression 20×20 (Fig 3), K = 1', spec: FIG3, tEnd: 300 },
  { label: 'cross-entropy 7×12, K = 1', spec: randomProblem({ loss: 'cross-entropy', d: 7, n: 12, seed: 6, vScale: 0.5, aScale: 0.5 }), tEnd: 40 },
  { label: 'cross-entropy 5×9, K = 3', spec: randomProblem({ loss: 'cross-entropy', d: 5, n: 9, samples: 3, seed: 7, vScale: 0.5, aScale: 0.5 }), tEnd: 40 },
];
// The other normalisations (lrNormalize / lrNormVjp inside the one-call kernels), each with the
// three losses: square K = 1, regression K = 2, cross-entropy K = 3. For l1 and sum the ends
// stop before a logit reaches 0 (l1: a kink the controller grinds on; sum: a weight leaves
// [0, 1]), the same on the full-state path (regression: t ≈ 0.65, square ≈ 3, cross-entropy ≈ 20).
const KINDS = ['l1', 'l2sq', 'sigmoid', 'relu', 'sum'] as const;
KINDS.forEach((normalization, i) => {
  const kink = normalization === 'l1' || normalization === 'sum';
  CASES.push(
    { label: `square 6×11, K = 1, ${normalization}`, spec: randomProblem({ loss: 'square', d: 6, n: 11, seed: 20 + i, aScale: 0.5, normalization }), tEnd: kink ? 2 : 20 },
    { label: `regression 5×8, K = 2, ${normalization}`, spec: randomProblem({ loss: 'regression', d: 5, n: 8, samples: 2, seed: 30 + i, aScale: 0.5, normalization }), tEnd: kink ? 0.5 : 20 },
    { label: `cross-entropy 5×9, K = 3, ${normalization}`, spec: randomProblem({ loss: 'cross-entropy', d: 5, n: 9, samples: 3, seed: 40 + i, vScale: 0.5, aScale: 0.5, normalization }), tEnd: kink ? 10 : 40 },
  );
});

function options(spec: ProblemSpec, method: 'dopri5' | 'dop853', tEnd: number): Partial<SimulateOptions> {
  const v0 = spec.V[0]![0]!;
  return {
    method,
    rtol: 1e-9,
    atol: 1e-11,
    tEnd,
    saveAt: [0, 0.013 * tEnd, 0.31 * tEnd, 0.77 * tEnd, tEnd],
    events: [{ name: 'v00', fn: (_t, y) => y[0]! - 0.9 * v0, terminal: false }],
  };
}

for (const c of CASES) {
  for (const method of ['dopri5', 'dop853'] as const) {
    test(`low-rank one-call stage = multi-call kernels bit for bit, ${c.label}, ${method}, saveAt + event`, { skip: hasWasm ? false : 'no WebAssembly SIMD' }, () => {
      const o = options(c.spec, method, c.tEnd);
      const a = run(c.spec, o, true);
      const b = run(c.spec, o, false);
      assert.deepEqual(a, b);
      assert.equal((a as { status: string }).status, 'success');
      // And the TypeScript twins (WebAssembly off: the multi-call sequence on the twins).
      assert.deepEqual(withoutKernels(() => run(c.spec, o, true)), a, 'WebAssembly off');
    });
  }
}

test('low-rank one-call stage: it runs where it applies, and not for other normalisations or when off', { skip: hasWasm ? false : 'no WebAssembly SIMD' }, () => {
  const count = (spec: ProblemSpec): number => {
    const P = resolveProblem(spec);
    const y0 = packState(P);
    const st = new LowRankStages(P, DOP853, 0, y0, 1e-8, new Float64Array(y0.length).fill(1e-10));
    return st.oneCallEvals;
  };
  const sq = randomProblem({ loss: 'square', d: 6, n: 9, samples: 3, seed: 4, aScale: 0.5 });
  assert.equal(count(sq), 1, 'square: stage 0 by the one-call kernel');
  assert.equal(count(FIG3), 1, 'regression: stage 0 by the one-call kernel');
  assert.equal(count(randomProblem({ loss: 'cross-entropy', d: 5, n: 9, samples: 3, seed: 7, aScale: 0.5 })), 1, 'cross-entropy: stage 0 by the one-call kernel');
  for (const normalization of KINDS) assert.equal(count(randomProblem({ loss: 'square', d: 6, n: 9, seed: 4, aScale: 0.5, normalization })), 1, `${normalization}: stage 0 by the one-call kernel`);
  assert.equal(count(randomProblem({ loss: 'logistic', d: 6, n: 9, seed: 4, aScale: 0.5, normalization: 'relu' })), 0, 'logistic: multi-call');
  // Steps: every stage of every attempt (one call per attempt) is a one-call stage.
  for (const [method, spec] of [['dopri5', sq], ['dop853', sq], ['dopri5', randomProblem({ loss: 'regression', d: 5, n: 8, samples: 2, seed: 31, aScale: 0.5, normalization: 'l2sq' })], ['dop853', randomProblem({ loss: 'square', d: 6, n: 9, samples: 2, seed: 4, aScale: 0.5, normalization: 'sigmoid' })]] as const) {
    const P = resolveProblem(spec);
    const y0 = packState(P);
    const { stepper, stages } = lowRankStepper(P, 0, y0, { method, rtol: 1e-8, atol: new Float64Array(y0.length).fill(1e-10), dt0: 1e-3, dtMax: Infinity });
    let t = 0;
    for (let i = 0; i < 5; i++) t = stepper.step(t, 10);
    assert.ok(t > 0 && stages.rhsEvals > 5, `${method} ${P.normalization}: stepped`);
    assert.equal(stages.oneCallEvals, stages.rhsEvals, `${method} ${P.normalization}: all stages by the one-call kernels`);
  }
  setLowRankOneCall(false);
  try {
    assert.equal(count(sq), 0, 'off: multi-call');
  } finally {
    setLowRankOneCall(true);
  }
});

test('low-rank one-call stage: the bit comparison sees one ulp in one target', { skip: hasWasm ? false : 'no WebAssembly SIMD' }, () => {
  const spec = randomProblem({ loss: 'square', d: 6, n: 9, samples: 3, seed: 4, aScale: 0.5 });
  const y = spec.y as number[][];
  const y2 = y.map((row) => row.slice());
  const v = y2[1]![2]!;
  y2[1]![2] = v + Math.abs(v) * Number.EPSILON;
  assert.notEqual(y2[1]![2], v);
  const o = options(spec, 'dop853', 20);
  assert.notDeepEqual(run({ ...spec, y: y2 }, o, true), run(spec, o, false));
});

test('low-rank one-call stage: the cross-entropy comparison sees one ulp in one target probability', { skip: hasWasm ? false : 'no WebAssembly SIMD' }, () => {
  const spec = randomProblem({ loss: 'cross-entropy', d: 5, n: 9, samples: 3, seed: 7, vScale: 0.5, aScale: 0.5 });
  const p2 = (spec.p as number[][]).map((row) => row.slice());
  // The row's largest probability (0.43): one ulp of a tiny one can vanish in ps·softmax − p.
  const v = p2[2]![4]!;
  p2[2]![4] = v + v * Number.EPSILON;
  assert.notEqual(p2[2]![4], v);
  const o = options(spec, 'dop853', 40);
  assert.notDeepEqual(run({ ...spec, p: p2 }, o, true), run(spec, o, false));
});

test('low-rank one-call stage: the comparison sees one ulp in one logit (l1, relu) and in one target (sigmoid)', { skip: hasWasm ? false : 'no WebAssembly SIMD' }, () => {
  for (const normalization of ['l1', 'relu'] as const) {
    const spec = randomProblem({ loss: 'square', d: 6, n: 11, seed: 20, aScale: 0.5, normalization });
    const a2 = (spec.a as number[]).slice();
    const v = a2[3]!;
    a2[3] = v + Math.abs(v) * Number.EPSILON;
    assert.notEqual(a2[3], v);
    const o = options(spec, 'dop853', 4);
    assert.notDeepEqual(run({ ...spec, a: a2 }, o, true), run(spec, o, false), normalization);
  }
  const spec = randomProblem({ loss: 'regression', d: 5, n: 8, samples: 2, seed: 32, aScale: 0.5, normalization: 'sigmoid' });
  const y2 = (spec.y as number[][]).map((row) => row.slice());
  const v = y2[1]![2]!;
  y2[1]![2] = v + Math.abs(v) * Number.EPSILON;
  assert.notEqual(y2[1]![2], v);
  const o = options(spec, 'dopri5', 20);
  assert.notDeepEqual(run({ ...spec, y: y2 }, o, true), run(spec, o, false), 'sigmoid');
});
