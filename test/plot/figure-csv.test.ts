/**
 * Tidy CSV beside every figure: read back with an independent parser (RFC 4180 rules written
 * out here) and compared with the traces, the way the docs' matplotlib/pgfplots examples read it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figure } from '../../src/plot/axes.js';
import { csvField, figureCsv, flattenParams } from '../../src/plot/figure-csv.js';
import { legendKey, lineTrace } from '../../src/plot/line-trace.js';
import { panelFigure } from '../../src/plot/panels.js';
import { parseCsv } from '../helpers/csv.js';

test('flattenParams: nested keys dotted, short scalar arrays joined, matrices left out, params. prefix dropped', () => {
  assert.deepEqual(flattenParams({ quick: true, params: { n: 40, d: 3 }, flow: { rtol: 1e-10 }, kappas: [1, 5], V: [[1, 2]], long: Array(20).fill(0) }), {
    quick: true, n: 40, d: 3, 'flow.rtol': 1e-10, kappas: '1 5',
  });
  assert.deepEqual(flattenParams(null), {});
});

test('csvField quotes commas, quotes, newlines and edge spaces; non-finite numbers are empty', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField(' x'), '" x"');
  assert.equal(csvField(NaN), '');
  assert.equal(csvField(null), '');
  assert.equal(csvField(1e-10), '1e-10');
});

test('figureCsv: one row per point (series, x, y, parameters), series in plain Unicode, read back exactly', () => {
  const fig = figure({
    title: '',
    x: { title: 't' },
    y: { title: 'σ' },
    data: [
      lineTrace({ name: 'σ<sub>1</sub>, flow', x: [0.01, 0.1, 1], y: [0.125, 0.2, Number.NaN] }),
      lineTrace({ name: '‖P‖<sub>F</sub>', x: [1, 2], y: [1, 4.47213595499958], index: 1 }),
      lineTrace({ name: '‖P‖<sub>F</sub>', x: [3], y: [2], index: 2 }),
      legendKey('median (solid)', 'solid'),
    ],
  });
  const rows = parseCsv(figureCsv(fig, { n: 20, tag: 'a "b", c' }));
  assert.deepEqual(rows[0], ['series', 'x', 'y', 'n', 'tag']);
  assert.deepEqual(rows.slice(1), [
    ['σ₁, flow', '0.01', '0.125', '20', 'a "b", c'],
    ['σ₁, flow', '0.1', '0.2', '20', 'a "b", c'],
    ['σ₁, flow', '1', '', '20', 'a "b", c'],
    ['‖P‖_F', '1', '1', '20', 'a "b", c'],
    ['‖P‖_F', '2', '4.47213595499958', '20', 'a "b", c'],
    ['‖P‖_F (2)', '3', '2', '20', 'a "b", c'],
  ]);
  assert.equal(Number(rows[5]![2]), 4.47213595499958, 'full double precision');
});

test('figureCsv: a panel column for multi-panel figures; heat maps as x, y, z; error bars as y_error', () => {
  const a = figure({ title: '', x: { title: 't' }, y: { title: 'loss' }, data: [lineTrace({ name: 'loss', x: [1, 2], y: [3, 2] })] });
  const eb = lineTrace({ name: 'mean', x: [1], y: [2] });
  eb.error_y = { type: 'data', array: [0.5] };
  const b = figure({ title: '', x: { title: 't' }, y: { title: 'H' }, data: [eb] });
  const rows = parseCsv(figureCsv(panelFigure({ panels: [a, b] })));
  assert.deepEqual(rows[0], ['panel', 'series', 'x', 'y', 'y_error']);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), ['a', 'a', 'b']);
  assert.deepEqual(rows[3], ['b', 'mean', '1', '2', '0.5']);
  const heat = parseCsv(figureCsv({ data: [{ type: 'heatmap', name: 'P', x: ['k1', 'k2'], y: ['q1'], z: [[0.25, 0.75]] }], layout: {} }));
  assert.deepEqual(heat, [['series', 'x', 'y', 'z'], ['P', 'k1', 'q1', '0.25'], ['P', 'k2', 'q1', '0.75']]);
});
