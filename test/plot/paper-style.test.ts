/**
 * The paper style: printed size, font sizes in points at that size, no baked title,
 * lines ≥ 1 pt, explicit log ticks (no small-print minor labels), the legend placed inside in a
 * free corner or as columns above the axes, indexed families out of the legend, × at the end of
 * a diverged line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figure } from '../../src/plot/axes.js';
import { lineTrace } from '../../src/plot/line-trace.js';
import { horizontalLine } from '../../src/plot/reference-lines.js';
import { panelFigure } from '../../src/plot/panels.js';
import { OptionError } from '../../src/core/errors.js';
import { PAPER_WIDTHS, PT_PER_PX, logAxisTicks, paperFigure, parseFigureWidth, paperSize } from '../../src/plot/paper-style.js';

type Obj = Record<string, any>;
const pt = (px: number) => px * PT_PER_PX;

const xs = Array.from({ length: 50 }, (_, i) => 10 ** (-2 + (6 * i) / 49));
const demo = () =>
  figure({
    title: 'A baked title',
    x: { title: 't', log: true },
    y: { title: 'σ<sub>i</sub>' },
    data: [lineTrace({ name: 'rising', x: xs, y: xs.map((_, i) => i / 49), index: 0 }), lineTrace({ name: 'thin', x: xs, y: xs.map(() => 0.5), index: 1, width: 0.5 })],
  });

test('parseFigureWidth: column, full, inches; anything else is an OptionError naming --width', () => {
  assert.equal(parseFigureWidth('column'), 3.25);
  assert.equal(parseFigureWidth('full'), 6.75);
  assert.equal(parseFigureWidth('4.5'), 4.5);
  for (const bad of ['', 'wide', '0.5', '21', '3in', 'NaN', '-3']) {
    assert.throws(() => parseFigureWidth(bad), (e: unknown) => e instanceof OptionError && e.message.startsWith('--width: expected column, full or a width in inches'), bad);
  }
});

test('paperFigure: column width at 96 px/in, no title, fonts 8–9 pt, lines ≥ 1 pt, frame and no grid', () => {
  const src = demo();
  const before = JSON.stringify(src);
  const f = paperFigure(src);
  assert.equal(JSON.stringify(src), before, 'the input is not modified');
  const L = f.layout as Obj;
  assert.equal(L.width, Math.round(PAPER_WIDTHS.column * 96));
  assert.equal(L.title, undefined, 'no baked title');
  assert.ok(pt(L.font.size) >= 7.99 && pt(L.font.size) <= 9.01);
  for (const key of ['xaxis', 'yaxis']) {
    assert.ok(pt(L[key].tickfont.size) >= 7, `${key} ticks ≥ 7 pt`);
    assert.ok(Math.abs(pt(L[key].title.font.size) - 9) < 1e-9, `${key} title 9 pt`);
    assert.equal(L[key].showgrid, false);
    assert.equal(L[key].mirror, true);
  }
  for (const t of f.data as Obj[]) assert.ok(pt(t.line.width) >= 1 - 1e-9, `${t.name}: ${pt(t.line.width)} pt`);
  assert.ok(pt(L.legend.font.size) >= 8 - 1e-9);
  assert.deepEqual(paperSize(src, { widthIn: 6.75 }).widthIn, 6.75);
  assert.equal((paperFigure(src, { widthIn: 5 }).layout as Obj).width, 480);
});

test('log axes get explicit decade ticks with superscript exponents and unlabelled minor ticks', () => {
  const f = paperFigure(demo());
  const x = (f.layout as Obj).xaxis;
  assert.equal(x.tickmode, 'array');
  assert.deepEqual(x.ticktext, ['10<sup>−2</sup>', '10<sup>−1</sup>', '10<sup>0</sup>', '10<sup>1</sup>', '10<sup>2</sup>', '10<sup>3</sup>', '10<sup>4</sup>']);
  assert.equal(x.minor.tickvals.length, 6 * 8, 'eight minor ticks per decade');
  // Less than two decades: 1-2-5 steps, every label at full size.
  const narrow = logAxisTicks(Math.log10(0.25), Math.log10(8), 8);
  assert.deepEqual(narrow.tickvals, [0.5, 1, 2, 5]);
  assert.deepEqual(narrow.ticktext, ['0.5', '1', '2', '5']);
  // Two decades in range: the decades alone, as matplotlib labels them.
  assert.deepEqual(logAxisTicks(Math.log10(0.25), Math.log10(12), 8).ticktext, ['10<sup>0</sup>', '10<sup>1</sup>']);
  // Many decades on a narrow axis: every other decade labelled.
  const wide = logAxisTicks(-8, 8, 6);
  assert.ok(wide.tickvals.length <= 9 && wide.tickvals.length >= 5, String(wide.tickvals));
});

test('legend: inside, in the corner the data leave free', () => {
  // y rises with x: the top-left and bottom-right corners are free, top-right is not.
  const f = paperFigure(demo());
  const legend = (f.layout as Obj).legend;
  assert.equal(legend.xanchor, 'left');
  assert.equal(legend.yanchor, 'top');
  assert.ok(legend.x < 0.1 && legend.y > 0.9);
  // Falling data: the top-right corner is free and preferred.
  const falling = figure({ title: '', x: { title: 'x' }, y: { title: 'y' }, data: [lineTrace({ name: 'falling', x: [0, 1], y: [1, 0] })] });
  const lf = (paperFigure(falling).layout as Obj).legend;
  assert.equal(lf.xanchor, 'right');
  assert.equal(lf.yanchor, 'top');
});

test('legend: no free corner → columns above the axes (each entry its own group), the figure grows', () => {
  const data = Array.from({ length: 6 }, (_, k) => lineTrace({ name: `series number ${k}`, x: [0, 0.25, 0.5, 0.75, 1], y: [0, 1, 0, 1, 0].map((v) => (v + k / 6) % 1), index: k }));
  // Fill the whole box with data: every corner is covered.
  data.push(lineTrace({ name: 'fill', x: Array.from({ length: 200 }, (_, i) => (i % 20) / 19), y: Array.from({ length: 200 }, (_, i) => Math.floor(i / 20) / 9), index: 6 }));
  const src = figure({ title: '', x: { title: 'x' }, y: { title: 'y' }, data });
  const f = paperFigure(src);
  const L = f.layout as Obj;
  assert.equal(L.legend.orientation, 'h');
  assert.equal(L.legend.yanchor, 'bottom');
  assert.ok(L.height > paperSize(src).heightIn * 96, 'room added above the axes');
  const groups = new Set((f.data as Obj[]).map((t) => t.legendgroup));
  assert.equal(groups.size, f.data.length, 'one legend group per entry (Plotly stacks a group vertically)');
  // Plotly lays out a horizontal legend entry as itemwidth 30 + 2 × 5 px + entrywidth + 2 × 5 px
  // and wraps a row at the plot width: the room reserved above must hold at least the rows that
  // Plotly needs even if the whole width is available.
  const cols = Math.max(1, Math.floor((L.width - L.margin.l - L.margin.r + 5) / (L.legend.entrywidth + 50)));
  const rowsPlotly = Math.ceil(7 / cols);
  const reservedRows = (L.height - paperSize(src).heightIn * 96 - 4) / (L.legend.font.size * 1.8);
  assert.ok(rowsPlotly <= Math.round(reservedRows), `Plotly makes ${rowsPlotly} legend rows (${cols} per row), ${reservedRows.toFixed(1)} reserved`);
});

test('indexed families (a₁ … a₂₀) leave the legend; other entries stay', () => {
  const data = Array.from({ length: 20 }, (_, i) => lineTrace({ name: `a<sub>${i + 1}</sub>`, x: [0, 1], y: [i, i], index: i }));
  data.push(lineTrace({ name: 'GD (max<sub>i</sub> a<sub>i</sub>)', x: [0, 1], y: [0, 20], index: 0 }));
  const f = paperFigure(figure({ title: '', x: { title: 't' }, y: { title: 'a<sub>i</sub>' }, data }));
  const shown = (f.data as Obj[]).filter((t) => t.showlegend !== false).map((t) => t.name);
  assert.deepEqual(shown, ['GD (max<sub>i</sub> a<sub>i</sub>)']);
  // Five or fewer members keep their entries.
  const few = paperFigure(figure({ title: '', x: { title: 't' }, y: { title: 'a' }, data: data.slice(0, 5) }));
  assert.equal((few.data as Obj[]).filter((t) => t.showlegend !== false).length, 5);
});

test('horizontal reference lines are labelled on the line, where the data leave room, not in the legend', () => {
  const f = paperFigure(figure({ title: '', x: { title: 't', log: true }, y: { title: 'H' }, data: [lineTrace({ name: 'H(t)', x: [1, 1e4], y: [3, 0] }), horizontalLine(3, [1, 1e4], { name: 'log N' })] }));
  const label = ((f.layout as Obj).annotations as Obj[]).find((a) => a.meta?.referenceLabel);
  assert.ok(label, 'label added');
  assert.equal(label!.text, 'log N');
  // The data start at the line's left end (3 at t = 1): the label goes to the right end, x in log10 units.
  assert.equal(label!.xanchor, 'right');
  assert.ok(Math.abs(label!.x - 4) < 1e-5 && label!.x < 4, 'just inside the right end');
  assert.equal((f.data as Obj[])[1]!.showlegend, false);
});

test('a diverged line (non-finite tail, or meta.diverged) ends in a × marker at its last finite point', () => {
  const diverged = lineTrace({ name: 'loss', x: [1, 2, 3, 4], y: [1, 0.5, NaN, Infinity] });
  const flagged = { ...lineTrace({ name: 'stopped', x: [1, 2], y: [3, 4], index: 1 }), meta: { diverged: true } };
  const ok = lineTrace({ name: 'fine', x: [1, 2], y: [1, 1], index: 2 });
  const f = paperFigure(figure({ title: '', x: { title: 'step' }, y: { title: 'loss' }, data: [diverged, flagged, ok] }));
  const markers = (f.data as Obj[]).filter((t) => t.meta?.endMarker === true);
  assert.equal(markers.length, 2);
  assert.deepEqual([markers[0]!.x, markers[0]!.y], [[2], [0.5]]);
  assert.deepEqual([markers[1]!.x, markers[1]!.y], [[2], [4]]);
  assert.equal(markers[0]!.marker.symbol, 'x-thin');
});

test('multi-panel figures default to the full text width, panel letters at 9 pt, one legend per panel', () => {
  const p = panelFigure({ panels: [demo(), demo()], shareY: true });
  const f = paperFigure(p);
  const L = f.layout as Obj;
  assert.equal(L.width, Math.round(PAPER_WIDTHS.full * 96));
  const letters = (L.annotations as Obj[]).filter((a) => a.meta?.panelLetter);
  assert.deepEqual(letters.map((a) => a.text), ['(a)', '(b)']);
  for (const a of letters) assert.ok(Math.abs(pt(a.font.size) - 9) < 1e-9);
  // Same entries in both panels: shown once, in panel (a)'s legend.
  const shown = (f.data as Obj[]).filter((t) => t.showlegend !== false);
  assert.deepEqual(shown.map((t) => t.legend), ['legend', 'legend']);
  // Different entries: each panel keeps its own legend, inside its own axes.
  const other = figure({ title: '', x: { title: 't', log: true }, y: { title: 'y' }, data: [lineTrace({ name: 'falling', x: [1e-2, 1e4], y: [1, 0], index: 3 })] });
  const g = paperFigure(panelFigure({ panels: [demo(), other] })).layout as Obj;
  assert.ok(g.legend2.x >= g.xaxis2.domain[0] && g.legend2.x <= g.xaxis2.domain[1], 'panel b legend inside panel b');
});
