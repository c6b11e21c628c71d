// Build a figure with the vsflow helpers (log axes, Okabe–Ito colours, unsimplified lines,
// a dashed reference slope) and write it as an interactive HTML page.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyPlotly, figure, figureIssues, lineTrace, powerLaw, writeFigure } from '../../src/index.js';

const t = Array.from({ length: 500 }, (_, i) => 10 ** (-2 + (6 * i) / 499));
const fig = figure({
  title: 'Logistic loss decays like 1/t',
  x: { title: 't', unit: 'gradient-flow time', log: true },
  y: { title: 'loss L', log: true },
  data: [lineTrace({ name: 'L(t)', x: t, y: t.map((s) => Math.log1p(1 / (1 + s))) }), powerLaw(1, -1, [1, 1e4], { name: 'slope −1' })],
});
console.log(figureIssues(fig).length); // expect: ^0$

const dir = mkdtempSync(join(tmpdir(), 'vsflow-example-'));
copyPlotly(dir); // one shared plotly.min.js beside the pages
const files = writeFigure(dir, { name: 'loss', title: 'Loss', figure: fig }, { source: 'example', config: {}, meta: {} });
console.log(files.html.endsWith('loss.html')); // expect: ^true$
