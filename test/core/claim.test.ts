// Claim statistics against published values (R's qt/qnorm, binom's Wilson, Newcombe 1998 Table II).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fisherExactGreater, newcombeInterval, normalQuantile, seedsToExclude, studentTQuantile, tInterval, thresholdVerdict, wilsonInterval } from '../../src/core/claim.js';
import { OptionError } from '../../src/core/errors.js';
import { assertClose } from '../helpers/tolerance.js';

const close = (a: number, b: number, atol: number, label: string): void => assertClose(a, b, { atol, label });

test('Student t and normal quantiles match R (qt, qnorm)', () => {
  close(studentTQuantile(0.975, 1), 12.706204736174698, 1e-9, 'qt(.975, 1)');
  close(studentTQuantile(0.975, 4), 2.7764451051977987, 1e-10, 'qt(.975, 4)');
  close(studentTQuantile(0.95, 9), 1.8331129326536335, 1e-10, 'qt(.95, 9)');
  close(studentTQuantile(0.025, 30), -2.0422724563012373, 1e-10, 'qt(.025, 30)');
  close(normalQuantile(0.975), 1.959963984540054, 1e-8, 'qnorm(.975)');
  close(normalQuantile(0.001), -3.090232306167813, 1e-8, 'qnorm(.001)');
});

test('Wilson intervals match the textbook values', () => {
  const w = wilsonInterval(3, 5);
  close(w.lo, 0.2307, 1e-4, 'lo 3/5');
  close(w.hi, 0.8824, 1e-4, 'hi 3/5');
  assert.deepEqual([wilsonInterval(5, 5).hi, wilsonInterval(0, 5).lo], [1, 0]);
  close(wilsonInterval(5, 5).lo, 0.5655, 1e-4, 'lo 5/5');
  // Newcombe (1998) Table II, example (a): 56/70 vs 48/80 → [0.0524, 0.3339].
  const d = newcombeInterval(56, 70, 48, 80);
  close(d.lo, 0.0524, 1e-4, 'Newcombe lo');
  close(d.hi, 0.3339, 1e-4, 'Newcombe hi');
});

test('t interval and Fisher exact test', () => {
  const t = tInterval([1, 2, 3, 4, 5]);
  close(t.mean, 3, 0, 'mean');
  close(t.hi - t.mean, 2.7764451051977987 * Math.sqrt(2.5) / Math.sqrt(5), 1e-9, 'half width');
  close(fisherExactGreater(5, 5, 3, 5), 10 / 45, 1e-12, 'Fisher 5/5 vs 3/5');
  close(fisherExactGreater(0, 5, 5, 5), 1, 1e-12, 'Fisher opposite');
});

test('threshold verdicts never pass on ties and are inconclusive across the threshold', () => {
  assert.equal(thresholdVerdict({ lo: 0.6, hi: 0.9 }, 0.5, 'above'), 'pass');
  assert.equal(thresholdVerdict({ lo: 0.5, hi: 0.9 }, 0.5, 'above'), 'inconclusive');
  assert.equal(thresholdVerdict({ lo: 0.1, hi: 0.5 }, 0.5, 'above'), 'fail');
  assert.equal(thresholdVerdict({ lo: 0.1, hi: 0.4 }, 0.5, 'below'), 'pass');
  assert.equal(thresholdVerdict({ lo: 0.5, hi: 0.5 }, 0.5, 'below'), 'fail');
  assert.equal(thresholdVerdict({ lo: NaN, hi: 1 }, 0.5, 'above'), 'inconclusive');
  assert.equal(seedsToExclude(0.5), 4);
});

test('bad arguments raise OptionError naming the argument', () => {
  assert.throws(() => wilsonInterval(6, 5), OptionError);
  assert.throws(() => wilsonInterval(1, 0), /wilsonInterval\.n/);
  assert.throws(() => tInterval([1]), /tInterval\.values/);
  assert.throws(() => tInterval([1, NaN]), /tInterval\.values/);
  assert.throws(() => wilsonInterval(1, 2, 1.5), /confidence/);
});
