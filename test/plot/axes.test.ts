import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIGURE_SIZE, axis, axisTitle, figure, legendFor } from '../../src/plot/axes.js';
import { assertClose } from '../helpers/tolerance.js';

test('axisTitle puts the unit in brackets and omits it for dimensionless quantities', () => {
  assert.equal(axisTitle('t', 'gradient-flow time'), 't [gradient-flow time]');
  assert.equal(axisTitle('max σ'), 'max σ');
  assert.equal(axisTitle('max σ', ''), 'max σ');
});

test('log axes get type log, power exponents and a log10 range (Plotly convention)', () => {
  const ax = axis({ title: 't', log: true, range: [1e-2, 1e5] });
  assert.equal(ax.type, 'log');
  assert.equal(ax.exponentformat, 'power');
  // log10 of exact powers of ten is exact to rounding (1 ulp).
  assertClose(ax.range as number[], [-2, 5], { atol: 1e-15, label: 'range' });
  assert.deepEqual((ax.title as { text: string }).text, 't');
});

test('linear axes keep the range in data units and print exponents as powers of ten', () => {
  const ax = axis({ title: 'a', unit: 'logit', range: [-1, 2] });
  assert.equal(ax.type, 'linear');
  assert.deepEqual(ax.range, [-1, 2]);
  assert.equal(ax.exponentformat, 'power', 'not SI suffixes (1e-15 would read "1f")');
  assert.equal((ax.title as { text: string }).text, 'a [logit]');
});

test('figure builds a titled layout with default size and merges extra layout last', () => {
  const fig = figure({ title: 'T', x: { title: 't', log: true }, y: { title: 'L' }, data: [{ type: 'scatter' }], layout: { showlegend: false, height: 300 } });
  assert.equal((fig.layout.title as { text: string }).text, 'T');
  assert.equal(fig.layout.width, FIGURE_SIZE.width);
  assert.equal(fig.layout.height, 300);
  assert.equal(fig.layout.showlegend, false);
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
  assert.equal(fig.data.length, 1);
  // JSON round trip: figures are plain data.
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig);
});

test('log axes label one tick per decade over ≥ 3 decades of data, 1-2-5 over fewer', () => {
  const wide = figure({ title: 'w', x: { title: 't', log: true }, y: { title: 'L', log: true }, data: [{ x: [1e-2, 1, 1e5], y: [1, 2, 5] }] });
  assert.equal((wide.layout.xaxis as { dtick: unknown }).dtick, 1);
  assert.equal((wide.layout.yaxis as { dtick: unknown }).dtick, 'D2');
  const ranged = figure({ title: 'r', x: { title: 't', log: true, range: [1, 1e4] }, y: { title: 'L' }, data: [] });
  assert.equal((ranged.layout.xaxis as { dtick: unknown }).dtick, 1);
  assert.equal((ranged.layout.yaxis as { dtick?: unknown }).dtick, undefined, 'linear axes keep Plotly’s automatic ticks');
});

test('legendFor: a smaller font past 12 entries, a horizontal legend below the plot past 16 (figure grows)', () => {
  const traces = (k: number) => Array.from({ length: k }, (_, i) => ({ name: `a${i}`, x: [1], y: [1] }));
  assert.equal(legendFor(traces(12), 480).font, undefined);
  assert.deepEqual(legendFor(traces(16), 480).font, { size: 10 });
  assert.equal(legendFor(traces(16), 480).orientation, undefined);
  assert.equal(legendFor([...traces(16), ...traces(10).map((t) => ({ ...t, showlegend: false }))], 480).orientation, undefined, 'hidden entries do not count');
  assert.equal(legendFor(traces(17), 480).orientation, 'h');
  const small = figure({ title: 't', x: { title: 'x' }, y: { title: 'y' }, data: traces(3) });
  const big = figure({ title: 't', x: { title: 'x' }, y: { title: 'y' }, data: traces(30) });
  assert.ok((big.layout.height as number) > (small.layout.height as number));
  assert.ok((big.layout.margin as { b: number }).b > (small.layout.margin as { b: number }).b);
});
