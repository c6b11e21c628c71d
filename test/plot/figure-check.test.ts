import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figure } from '../../src/plot/axes.js';
import { figureIssues } from '../../src/plot/figure-check.js';
import { lineTrace } from '../../src/plot/line-trace.js';
import { horizontalLine } from '../../src/plot/reference-lines.js';

test('a figure built with the helpers has no issues', () => {
  const fig = figure({ title: 'ok', x: { title: 't', log: true }, y: { title: 'L' }, data: [lineTrace({ name: 'L', x: [1, 2], y: [1, 2] }), horizontalLine(1, [1, 2], { name: 'ref' })] });
  assert.deepEqual(figureIssues(fig), []);
});

test('each convention breach is reported', () => {
  const issues = figureIssues({
    data: [
      { type: 'scatter', mode: 'lines', name: 'a', x: [1], y: [1] },
      { type: 'scatter', mode: 'markers', name: 'b', x: [1], y: [1], marker: { color: 'red' } },
      { type: 'scatter', mode: 'lines', name: 'c', x: [1], y: [1], xaxis: 'x2', line: { simplify: false, color: '#0072b2' } },
    ],
    layout: { xaxis: { title: { text: 't' } }, yaxis: { title: '' }, xaxis2: {} },
  });
  assert.deepEqual(issues, [
    'trace 0 (a): line.simplify is not false',
    'trace 1 (b): colour red is not an Okabe–Ito colour',
    'xaxis2 has no title',
    'yaxis has no title',
  ]);
});

test('markers-only traces need no simplify flag; heatmaps need titled axes', () => {
  assert.deepEqual(figureIssues({ data: [{ type: 'scatter', mode: 'markers', x: [1], y: [1] }], layout: { xaxis: { title: 'x' }, yaxis: { title: 'y' } } }), []);
  assert.deepEqual(figureIssues({ data: [{ type: 'heatmap', z: [[1]] }], layout: {} }), ['xaxis has no title', 'yaxis has no title']);
});

test('string coordinates on a linear or log axis are reported; category axes take them', () => {
  const hm = { type: 'heatmap', name: 'P', z: [[1, 0], [0, 1]], x: ['BOS', 't1'], y: ['BOS', 't1'] };
  const linear = figure({ title: 'P', x: { title: 'key' }, y: { title: 'query', log: true }, data: [hm] });
  assert.deepEqual(figureIssues(linear), [
    'trace 0 (P): string x values on the linear axis xaxis (use a category axis)',
    'trace 0 (P): string y values on the log axis yaxis (use a category axis)',
  ]);
  const cat = figure({ title: 'P', x: { title: 'key', category: true }, y: { title: 'query', category: true, reversed: true }, data: [hm] });
  assert.deepEqual(figureIssues(cat), []);
  assert.equal((cat.layout.yaxis as { autorange?: unknown }).autorange, 'reversed');
});
