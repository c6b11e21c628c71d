import { test } from 'node:test';
import assert from 'node:assert/strict';
import { horizontalLine, powerLaw, verticalLine } from '../../src/plot/reference-lines.js';
import { assertClose } from '../helpers/tolerance.js';

test('horizontalLine spans the x range at the value, dashed black, not simplified', () => {
  const tr = horizontalLine(Math.log(8), [1e-2, 1e5], { name: 'log N' });
  assert.deepEqual(tr.x, [1e-2, 1e5]);
  assert.deepEqual(tr.y, [Math.log(8), Math.log(8)]);
  assert.deepEqual(tr.line, { color: '#000000', width: 1.5, dash: 'dash', simplify: false });
  assert.equal(tr.name, 'log N');
});

test('verticalLine spans the y range at x', () => {
  const tr = verticalLine(100, [0, 1], { name: 't*', color: '#D55E00' });
  assert.deepEqual(tr.x, [100, 100]);
  assert.deepEqual(tr.y, [0, 1]);
  assert.equal((tr.line as { color: string }).color, '#D55E00');
});

test('powerLaw samples c·x^p at log-spaced points: slope p on log-log axes', () => {
  const tr = powerLaw(2, -1, [1, 1e4], { name: '2/t', points: 5 });
  const x = tr.x as number[];
  const y = tr.y as number[];
  // Closed form: x = 10^k, y = 2·10^−k for k = 0..4 (rtol 1e-14: one pow and one product).
  assertClose(x, [1, 10, 100, 1000, 10000], { rtol: 1e-14, label: 'x' });
  assertClose(y, [2, 0.2, 0.02, 0.002, 0.0002], { rtol: 1e-14, label: 'y' });
  for (let i = 1; i < x.length; i++) {
    const slope = (Math.log(y[i]!) - Math.log(y[i - 1]!)) / (Math.log(x[i]!) - Math.log(x[i - 1]!));
    assertClose(slope, -1, { atol: 1e-12, label: `slope ${i}` });
  }
  assert.equal(powerLaw(1, 1, [1, 10], { name: 'two points' }).x instanceof Array, true);
  assert.equal((powerLaw(1, 1, [1, 10], { name: 'two points' }).x as number[]).length, 2);
});
