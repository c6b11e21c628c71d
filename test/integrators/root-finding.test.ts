import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brentRoot } from '../../src/integrators/root-finding.js';
import { assertClose } from '../helpers/tolerance.js';

test('Brent finds roots to the requested tolerance with few evaluations', () => {
  let evals = 0;
  const r = brentRoot((t) => (evals++, t * t - 2), 1, 2, -1, 2, 1e-14);
  assertClose(r, Math.SQRT2, { atol: 2e-14, label: 'sqrt 2' });
  assert.ok(evals < 15, `${evals} evaluations`);
  // A flat-then-steep function where secant steps stall: bisection safeguard still converges.
  const g = (t: number): number => Math.pow(t - 0.3, 9) + 1e-30;
  const r2 = brentRoot(g, 0, 1, g(0), g(1), 1e-12);
  assert.ok(Math.abs(r2 - 0.3) < 1e-3);
  assert.equal(brentRoot(Math.sin, 0, 1, 0, Math.sin(1), 1e-12), 0, 'root at an end point');
});
