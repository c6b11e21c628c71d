/**
 * Stable kernels (theory A.7): softmax / log-softmax / log-sum-exp, entropy from logits,
 * 1 − max σ without cancellation, sigmoid, log1pexp. Compared with closed forms and with
 * naive formulas where those are exact; extreme logits (±1e3) must give finite, exact values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/tolerance.js';
import { Rng } from '../../src/core/rng.js';
import { logSoftmax, logSumExp, softmax } from '../../src/core/softmax.js';
import { softmaxEntropy } from '../../src/core/softmax-entropy.js';
import { argmax, softmaxOneMinusMax } from '../../src/core/one-minus-max.js';
import { sigmoid } from '../../src/core/sigmoid.js';
import { log1pexp } from '../../src/core/log1pexp.js';

test('softmax: closed form, sums to 1, shift-invariant (seeded property)', () => {
  const s = new Float64Array(3);
  const lse = softmax(new Float64Array([0, 0, Math.log(2)]), s);
  // 1e-15: a handful of roundings on O(1) numbers.
  assertClose(s, [0.25, 0.25, 0.5], { rtol: 1e-15, label: 'σ' });
  assertClose(lse, Math.log(4), { rtol: 1e-15, label: 'lse' });
  const rng = new Rng(7);
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + rng.int(20);
    const a = rng.fillNormal(new Float64Array(n), 5);
    const shifted = a.map((v) => v + 123.456);
    const s1 = new Float64Array(n);
    const s2 = new Float64Array(n);
    softmax(a, s1);
    softmax(shifted, s2);
    assertClose(s1.reduce((x, y) => x + y, 0), 1, { rtol: 1e-14, label: 'Σσ' });
    // Shift by 123.456 changes a_i − m by rounding of ~1e-14 absolute: exp relative error ~1e-13.
    assertClose(s2, s1, { rtol: 1e-12, atol: 1e-300, label: 'shifted σ' });
  }
});

test('softmax kernels on slices leave the rest of the buffers alone', () => {
  const a = new Float64Array([9, 0, 0, 9]);
  const out = new Float64Array([7, 7, 7, 7]);
  softmax(a, out, 1, 1, 2);
  assert.deepEqual(Array.from(out), [7, 0.5, 0.5, 7]);
  assertClose(logSumExp(a, 1, 2), Math.log(2), { rtol: 1e-15 });
});

test('extreme logits ±1e3: finite, exact', () => {
  const a = new Float64Array([1e3, -1e3, -1e3]);
  const s = new Float64Array(3);
  const lse = softmax(a, s);
  assert.deepEqual(Array.from(s), [1, 0, 0]);
  assert.equal(lse, 1e3);
  const l = new Float64Array(3);
  logSoftmax(a, l);
  assert.deepEqual(Array.from(l), [0, -2e3, -2e3]);
  assert.equal(softmaxEntropy(a), 0);
  assert.equal(softmaxOneMinusMax(a), 0);
  assert.equal(argmax(a), 0);
  const b = new Float64Array([-1e3, -1e3]);
  assertClose(softmaxEntropy(b), Math.log(2), { rtol: 1e-15 });
  assert.equal(softmaxOneMinusMax(b), 0.5);
  assert.equal(sigmoid(1e3), 1);
  assert.equal(sigmoid(-1e3), 0);
  assert.equal(log1pexp(1e3), 1e3);
  assert.equal(log1pexp(-1e3), 0);
  for (const v of [sigmoid(-800), log1pexp(800), logSumExp(new Float64Array([1e308, 1e308]))]) assert.ok(Number.isFinite(v));
});

test('1 − max σ keeps full relative precision where 1 − σ_max cancels', () => {
  // a = (0, −50): 1 − σ₁ = e^{−50}/(1 + e^{−50}) exactly; naive 1 − σ₁ rounds to 0.
  const exact = Math.exp(-50) / (1 + Math.exp(-50));
  assertClose(softmaxOneMinusMax(new Float64Array([0, -50])), exact, { rtol: 1e-15 });
  assertClose(softmaxOneMinusMax(new Float64Array([-50, 0, -50])), (2 * Math.exp(-50)) / (1 + 2 * Math.exp(-50)), { rtol: 1e-15 });
  // ties: the first maximal index wins, the tied other counts as mass
  assert.equal(softmaxOneMinusMax(new Float64Array([1, 1])), 0.5);
});

test('entropy from logits equals −Σσ log σ (well-conditioned cases) and the n-point closed form', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 50; trial++) {
    const n = 2 + rng.int(10);
    const a = rng.fillNormal(new Float64Array(n), 2);
    const s = new Float64Array(n);
    softmax(a, s);
    let h = 0;
    for (const p of s) h -= p * Math.log(p);
    // both forms are O(n ε) accurate for O(1) logits: 1e-13 relative.
    assertClose(softmaxEntropy(a), h, { rtol: 1e-13, label: 'H' });
    assert.ok(softmaxEntropy(a) >= 0 && softmaxEntropy(a) <= Math.log(n) + 1e-15);
  }
  // two logits δ apart: H = log(1 + e^{−δ}) + δ e^{−δ}/(1 + e^{−δ}); at δ = 40 it is ~4.4e-16·41.
  const dlt = 40;
  const e = Math.exp(-dlt);
  assertClose(softmaxEntropy(new Float64Array([dlt, 0])), Math.log1p(e) + (dlt * e) / (1 + e), { rtol: 1e-14, label: 'H(δ=40)' });
});

test('sigmoid and log1pexp match closed forms across the range', () => {
  for (const x of [-700, -40, -5, -1e-8, 0, 1e-8, 3, 40, 700]) {
    const ref = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    assertClose(sigmoid(x), ref, { rtol: 1e-15, label: `s(${x})` });
    assertClose(sigmoid(x) + sigmoid(-x), 1, { rtol: 1e-15, label: 's(x)+s(−x)' });
  }
  // log1pexp(x) − log1pexp(−x) = x (exact identity), and small-x series log 2 + x/2.
  for (const x of [-30, -1, 0.5, 7, 30]) assertClose(log1pexp(x) - log1pexp(-x), x, { rtol: 1e-14, atol: 1e-15, label: `lpe(${x})` });
  assertClose(log1pexp(-40), Math.exp(-40) - Math.exp(-80) / 2, { rtol: 1e-15, label: 'lpe(−40)' });
  assertClose(log1pexp(1e-10), Math.LN2 + 5e-11, { rtol: 1e-15, label: 'lpe(1e−10)' });
});
