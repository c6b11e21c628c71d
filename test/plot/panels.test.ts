/** panelFigure: panels on a grid of subplots with their own axes and legends, letters, shared axes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figure } from '../../src/plot/axes.js';
import { figureIssues } from '../../src/plot/figure-check.js';
import { lineTrace } from '../../src/plot/line-trace.js';
import { panelFigure } from '../../src/plot/panels.js';
import { panelGrid } from '../../src/plot/paper-style.js';

type Obj = Record<string, any>;
const panel = (name: string, log = false) => figure({ title: name, x: { title: 't', log }, y: { title: name }, data: [lineTrace({ name, x: [1, 10], y: [1, 2] }), lineTrace({ name: `${name} 2`, x: [1, 10], y: [2, 1], index: 1 })] });

test('three panels in a row: traces on x/x2/x3, legends legend/legend2/legend3, disjoint domains, letters (a)–(c)', () => {
  const f = panelFigure({ panels: [panel('loss', true), panel('grad norm', true), panel('entropy', true)], shareX: true, title: 'Fig. 1' });
  const d = f.data as Obj[];
  assert.deepEqual(d.map((t) => t.xaxis), ['x', 'x', 'x2', 'x2', 'x3', 'x3']);
  assert.deepEqual(d.map((t) => t.yaxis), ['y', 'y', 'y2', 'y2', 'y3', 'y3']);
  assert.deepEqual(d.map((t) => t.legend), ['legend', 'legend', 'legend2', 'legend2', 'legend3', 'legend3']);
  const L = f.layout as Obj;
  const domains = ['xaxis', 'xaxis2', 'xaxis3'].map((k) => L[k].domain as [number, number]);
  for (let i = 1; i < 3; i++) assert.ok(domains[i]![0] > domains[i - 1]![1], 'columns do not overlap');
  assert.equal(L.xaxis2.type, 'log', "a panel's axis keeps its own settings");
  assert.equal(L.yaxis3.anchor, 'x3');
  assert.deepEqual((L.annotations as Obj[]).map((a) => a.text), ['(a)', '(b)', '(c)']);
  assert.deepEqual(panelGrid(f), { rows: 1, cols: 3 });
  assert.deepEqual(figureIssues(f), []);
});

test('shareY: later columns match the first and drop their tick labels and title (still a valid figure)', () => {
  const f = panelFigure({ panels: [panel('κ = 1'), panel('κ = 5')], shareY: true, panelTitles: ['κ = 1', 'κ = 5'] });
  const L = f.layout as Obj;
  assert.equal(L.yaxis2.matches, 'y');
  assert.equal(L.yaxis2.showticklabels, false);
  assert.equal(L.yaxis.matches, undefined);
  assert.deepEqual(figureIssues(f), [], 'a matched axis needs no title of its own');
  assert.deepEqual((L.annotations as Obj[]).filter((a) => a.meta?.panelTitle).map((a) => a.text), ['κ = 1', 'κ = 5']);
});

test('grid with two columns: shareX ties each column to the top panel; inner rows lose x tick labels', () => {
  const f = panelFigure({ panels: [panel('a'), panel('b'), panel('c'), panel('d')], columns: 2, shareX: true });
  const L = f.layout as Obj;
  assert.deepEqual(panelGrid(f), { rows: 2, cols: 2 });
  assert.equal(L.xaxis3.matches, 'x');
  assert.equal(L.xaxis4.matches, 'x2');
  assert.equal(L.xaxis.showticklabels, false);
  assert.ok(L.yaxis3.domain[1] < L.yaxis.domain[0], 'second row below the first');
  assert.throws(() => panelFigure({ panels: [] }), RangeError);
});
