/**
 * Rate fits against closed forms: exact lines are recovered to round-off, noise-free power laws
 * give their exponents, and bad input names the argument.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearFit, localLogSlope, scaledSlope } from '../../src/analysis/rate-fits.js';
import { OptionError, DimensionError } from '../../src/core/errors.js';
import { assertClose } from '../helpers/tolerance.js';

test('linearFit recovers an exact line (round-off tolerance 1e-12)', () => {
  const x = [1, 2, 3, 4, 5];
  const fit = linearFit(x, x.map((v) => -3 * v + 7));
  assertClose(fit.slope, -3, { atol: 1e-12, label: 'slope' });
  assertClose(fit.intercept, 7, { atol: 1e-12, label: 'intercept' });
  assertClose(fit.r2, 1, { atol: 1e-12, label: 'r2' });
  assert.equal(fit.count, 5);
});

test('linearFit: least squares of a non-collinear set matches the normal equations', () => {
  // Points (0,0), (1,1), (2,1): slope = Sxy/Sxx = 1/2, intercept = 2/3 − 1/2 = 1/6.
  const fit = linearFit([0, 1, 2], [0, 1, 1]);
  assertClose(fit.slope, 0.5, { atol: 1e-15, label: 'slope' });
  assertClose(fit.intercept, 1 / 6, { atol: 1e-15, label: 'intercept' });
  assert.ok(fit.r2 < 1);
});

test('linearFit skips non-finite points and is accurate far from the origin (centred sums)', () => {
  const x = [700, 701, 702, NaN];
  const fit = linearFit(x, [1, 2, 3, 4]);
  assertClose(fit.slope, 1, { atol: 1e-10, label: 'slope' });
  assert.equal(fit.count, 3);
});

test('scaledSlope: ‖V‖ = c·log t gives slope c; ε = (log t)^−2 gives −2; windows restrict the points', () => {
  const t: number[] = [];
  for (let k = 0; k <= 40; k++) t.push(10 ** (1 + k / 10));
  assertClose(scaledSlope(t, t.map((s) => 0.7 * Math.log(s) + 3), 'log', 'linear').slope, 0.7, { atol: 1e-12, label: 'normV slope' });
  assertClose(scaledSlope(t, t.map((s) => 1.75 * Math.log(s) ** -2), 'loglog', 'log').slope, -2, { atol: 1e-12, label: 'eps slope' });
  // A kink at t = 1e3: only the window after it is fitted.
  const y = t.map((s) => (s < 1e3 ? s : 1e3 * (s / 1e3) ** 3));
  const fit = scaledSlope(t, y, 'log', 'log', 1e3, 1e5);
  assertClose(fit.slope, 3, { atol: 1e-10, label: 'windowed slope' });
  assert.equal(fit.count, 21);
});

test('localLogSlope of a power law is its exponent', () => {
  assertClose(localLogSlope(2, 2 ** -1.5, 50, 50 ** -1.5), -1.5, { atol: 1e-14, label: 'slope' });
});

test('bad input names the argument', () => {
  for (const [x, y] of [[[1], [1]], [[2, 2, 2], [1, 2, 3]], [[NaN, 1], [0, 0]]] as const) {
    assert.throws(() => linearFit(x, y), (e: unknown) => e instanceof OptionError && e.option === 'x');
  }
  assert.throws(() => linearFit([1, 2], [1]), (e: unknown) => e instanceof DimensionError && e.option === 'y');
  assert.throws(() => scaledSlope([1, 2], [1], 'log', 'log'), (e: unknown) => e instanceof DimensionError && e.option === 'y');
});
