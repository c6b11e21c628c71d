import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineTrace, toPlotArray } from '../../src/plot/line-trace.js';
import { OKABE_ITO } from '../../src/plot/palette.js';

test('lineTrace never lets Plotly simplify the line and uses the palette', () => {
  const x = Float64Array.from({ length: 2000 }, (_, i) => i + 1);
  const tr = lineTrace({ name: 'σ₁', x, y: x.map((v) => 1 / v), index: 3 });
  assert.deepEqual(tr.line, { color: OKABE_ITO[3], width: 2, dash: 'solid', simplify: false });
  assert.equal(tr.type, 'scatter');
  assert.equal(tr.mode, 'lines');
  assert.ok(Array.isArray(tr.x) && (tr.x as number[]).length === 2000, 'typed arrays become plain arrays (JSON)');
});

test('non-finite values become null gaps (JSON has no NaN)', () => {
  assert.deepEqual(toPlotArray([1, Number.NaN, Infinity, -Infinity, 0]), [1, null, null, null, 0]);
  const tr = lineTrace({ name: 'x', x: [1, 2], y: [Number.NaN, 2] });
  assert.equal(JSON.stringify(tr.y), '[null,2]');
});

test('markers mode adds a marker in the line colour; explicit colour and dash win', () => {
  const tr = lineTrace({ name: 'm', x: [1], y: [1], mode: 'lines+markers', color: '#000000', dash: 'dot', showlegend: false, legendgroup: 'g' });
  assert.deepEqual(tr.marker, { color: '#000000', size: 6 });
  assert.equal((tr.line as { dash: string }).dash, 'dot');
  assert.equal(tr.showlegend, false);
  assert.equal(tr.legendgroup, 'g');
});

test('x and y of different lengths are rejected', () => {
  assert.throws(() => lineTrace({ name: 'bad', x: [1, 2], y: [1] }), /x has 2 points but y has 1/);
});
