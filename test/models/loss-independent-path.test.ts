/**
 * VS-7 / P-2 (theory/value-softmax.md, theory/polarization-predictions.md): for scalar-output
 * losses the (u, a) flow in the clock dτ = w dt is du/dτ = σ(a), da/dτ = J(a)u, independent of
 * the loss, so the logistic and the scalar square loss trace the same logit curve a(τ) at
 * different speeds (the square flow stops at a finite τ*). Checked on the curve itself: every
 * save of the square run is located on the logistic run by the winner's logit a_m (increasing in
 * τ) and the other logits must agree there. Negative control: the same comparison for a start
 * whose u(0) differs by ±2 % finds a different curve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/experiments/simulate.js';
import type { ProblemSpec } from '../../src/models/problem.js';

const u0 = [0.3, -0.2, 0.1, 0.25, -0.4];
const a0 = [0, 0, 0, 0, 0];
const winner = 0; // argmax u(0): a_0 increases along the whole path

/** Logits at `count` log-spaced saves over six decades up to tEnd (dop853, rtol 1e-12). */
function logits(spec: ProblemSpec, tEnd: number, count = 3000): number[][] {
  const grid = [0];
  for (let i = 0; i <= count; i++) grid.push(tEnd * 10 ** (-6 * (1 - i / count)));
  return simulate(spec, { method: 'dop853', rtol: 1e-12, atol: 1e-14, tEnd, saveAt: grid }).records.map((r) => r.a as number[]);
}

/** Largest |a_j − a_j^ref| over the saves of `path`, the reference interpolated at the same a_m. */
function distanceToCurve(path: readonly number[][], ref: readonly number[][]): number {
  let worst = 0;
  for (const a of path.slice(1)) {
    const target = a[winner]!;
    let k = 1;
    while (k < ref.length && ref[k]![winner]! < target) k++;
    assert.ok(k < ref.length, 'the reference run reaches every a_m of the path');
    const lo = ref[k - 1]!;
    const hi = ref[k]!;
    const f = (target - lo[winner]!) / (hi[winner]! - lo[winner]!);
    for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(lo[j]! + f * (hi[j]! - lo[j]!) - a[j]!));
  }
  return worst;
}

test('VS-7 / P-2: logistic and scalar square loss trace the same logit curve; a perturbed start does not', () => {
  // d = 1, b = β = [1]: u = V. Square target y = 3 > z(0), so the clock w = y − z runs forward.
  const logistic = logits({ loss: 'logistic', V: [u0], a: a0, beta: [1] }, 1e4);
  const square = logits({ loss: 'square', V: [u0], a: a0, y: [3] }, 1e3);
  // The square path ends inside the logistic one (finite τ*): a_m(T) is reached by the logistic run.
  assert.ok(square.at(-1)![winner]! < logistic.at(-1)![winner]!);
  // Linear interpolation between 500 saves per decade: measured 1.6e-6; tolerance 1e-4.
  const d = distanceToCurve(square, logistic);
  assert.ok(d <= 1e-4, `distance to the logistic curve ${d}`);
  const perturbed = logits({ loss: 'square', V: [u0.map((x, i) => x * (1 + 0.01 * (i - 2)))], a: a0, y: [3] }, 1e3);
  const dBad = distanceToCurve(perturbed, logistic);
  assert.ok(dBad > 1e-2, `a start 2 % away is on another curve: ${dBad}`);
});
