/**
 * The bounds experiment (E-7, E-8, E-12, E-13): ‖P‖_F within [1, √N] on random and adversarial
 * P with closed-form values; the temperature sweep spans H from log N to ≈0 and ‖P‖_F from 1
 * to ≈√N; the Jacobian agrees with finite differences; the proven bound (E-12) never fails;
 * eq. 9 with W_V = I never fails under the row reading (proven, E-13) and fails for large W_V
 * without a ‖W_V‖ factor (with a counterexample whose sides are re-evaluated here through the
 * independent complex-step-checked Jacobian path). Bad input: one loop per option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attentionLayerJacobian } from '../../src/analysis/attention-jacobian.js';
import { OptionError } from '../../src/core/errors.js';
import { BOUNDS_DEFAULTS, runBoundsExperiment, type BoundsOptions } from '../../src/experiments/bounds.js';
import { assertClose } from '../helpers/tolerance.js';

const r = runBoundsExperiment({ draws: 60, matrices: 500, fdDraws: 5, seed: 0 });
const verdict = (bound: string, reading: string | undefined, valueMap: string, wvScale: number | null) =>
  r.verdicts.find((v) => v.bound === bound && v.reading === reading && v.valueMap === valueMap && v.wvScale === wvScale)!;

test('‖P‖_F: random P inside [1, √N]; adversarial P equal their closed forms; sweep spans the range', () => {
  const N = r.config.n;
  assert.equal(r.frobenius.random.violations, 0);
  assert.ok(r.frobenius.random.min >= 1 && r.frobenius.random.max <= Math.sqrt(N) * (1 + 1e-12));
  for (const a of r.frobenius.adversarial) assertClose(a.normF, a.expected, { rtol: 1e-14, label: a.name });
  const s = r.frobenius.sweep;
  assertClose(s[0]!.entropy, Math.log(N), { rtol: 1e-5, label: 'τ = 1e3: H ≈ log N' });
  assertClose(s[0]!.normF, 1, { rtol: 1e-5, label: 'τ = 1e3: ‖P‖_F ≈ 1' });
  assert.ok(s[s.length - 1]!.entropy < 1e-6 && Math.abs(s[s.length - 1]!.normF - Math.sqrt(N)) < 1e-6, 'τ = 1e-3: one-hot');
  // Along the sweep entropy falls and ‖P‖_F rises monotonically for this draw.
  for (let i = 1; i < s.length; i++) assert.ok(s[i]!.entropy <= s[i - 1]!.entropy + 1e-12 && s[i]!.normF >= s[i - 1]!.normF - 1e-12, `sweep point ${i}`);
});

test('Jacobian vs finite differences: max relative error below 1e-7', () => {
  assert.ok(r.jacobian.maxRelError < 1e-7, String(r.jacobian.maxRelError));
});

test('verdicts: the proven bounds hold on every draw; eq. 9 literal fails for W_V scale 5', () => {
  for (const v of r.verdicts.filter((x) => x.bound === 'sharp')) assert.equal(v.failureFraction, 0, `sharp ${v.valueMap} ${v.wvScale}`);
  for (const v of r.verdicts.filter((x) => x.bound === 'eq9-times-wv')) assert.equal(v.failureFraction, 0);
  assert.equal(verdict('eq9', 'row', 'identity', null).failureFraction, 0);
  assert.ok(verdict('eq9', 'row', 'identity', null).slack.min >= 1);
  const big = verdict('eq9', 'row', 'wv', 5);
  assert.ok(big.failureFraction > 0.1, `expected failures at W_V scale 5, got ${big.failureFraction}`);
  const cx = big.counterexample!;
  // Re-evaluate the counterexample from its stored matrices.
  const j = attentionLayerJacobian(cx.X, cx.WQ, cx.WK, cx.WV, cx.scaled);
  assertClose(j.norms.jacobianNorm, cx.lhs, { rtol: 1e-12, label: 'counterexample LHS' });
  const rhsUpper = j.norms.frobeniusP + Math.SQRT2 * j.norms.maxRowNorm * Math.sqrt(r.config.n) * j.norms.dzNorm;
  assert.ok(j.norms.jacobianNorm > rhsUpper, `LHS ${j.norms.jacobianNorm} ≤ RHS upper ${rhsUpper}`);
  assert.equal(r.verdicts.filter((v) => v.valueMap === 'identity').length, 4);
});

test('bad input: each option names itself', () => {
  const bad: Record<keyof BoundsOptions, unknown[]> = {
    n: [1, 0, 2.5, 65, '6'],
    d: [0, 1.5, '4', 65],
    draws: [0, -1, 2.5, 'x'],
    wvScales: [[], [0], [-1], [NaN], 5],
    seed: [-1, 0.5, 'a'],
    scaled: ['yes', 1, null],
    matrices: [0, 1.5, 'x'],
    sweepPoints: [1, 2.5, 'x'],
    fdDraws: [-1, 0.5, 'x'],
  };
  for (const [key, values] of Object.entries(bad)) {
    assert.ok(key in BOUNDS_DEFAULTS);
    for (const v of values) {
      assert.throws(
        () => runBoundsExperiment({ draws: 1, matrices: 1, fdDraws: 0, [key]: v } as Partial<BoundsOptions>),
        (e: unknown) => e instanceof OptionError && e.option.startsWith(`options.${key}`),
        `${key} = ${JSON.stringify(v)}`,
      );
    }
  }
});

test('sim jacobian-bound-slack: quick run passes its claims; 4 bounds × (median, min) + slack = 1, and 2 failure curves', async () => {
  const { figureIssues } = await import('../../src/plot/figure-check.js');
  const sim = (await import('../../sims/jacobian-bound-slack.js')).default as import('../../sims/types.js').SimDefinition;
  const result = await sim.run({ quick: true, seed: undefined });
  for (const c of result.claims) assert.ok(c.pass, `${c.id} ${c.statement}: ${c.measured}`);
  const figs = sim.figures(JSON.parse(JSON.stringify(result)));
  assert.deepEqual(figs.map((f) => [f.name, f.figure.data.length]), [['slack-vs-wv-scale', 11], ['failure-fraction-vs-wv-scale', 2]], '+ 2 legend-only keys (median solid, minimum dotted)');
  for (const f of figs) assert.deepEqual(figureIssues(f.figure), []);
});

test('doc examples of the bounds experiment, as stated', async () => {
  const { resolveBoundsOptions } = await import('../../src/experiments/bounds.js');
  assert.deepEqual(BOUNDS_DEFAULTS.wvScales, [1, 5]);
  assert.equal(resolveBoundsOptions({ draws: 10 }).n, 6);
  const small = runBoundsExperiment({ draws: 20, matrices: 10, fdDraws: 0 });
  assert.equal(small.verdicts.find((v) => v.bound === 'eq9' && v.reading === 'row' && v.valueMap === 'identity')!.failureFraction, 0);
});
