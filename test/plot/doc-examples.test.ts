/**
 * The @example lines of src/plot, executed with their stated results (STYLE: every example in
 * the docs runs). Examples that need a browser or files are run in test/browser and
 * test/plot/html-writer.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OKABE_ITO, axis, axisTitle, chromeArgs, chromeOrUndefined, checkFigureName, dashFor, escapeHtml, figure, figureHtml, figureIssues,
  galleryHtml, horizontalLine, lineTrace, normaliseSvgIds, normaliseSvgRoot, powerLaw, reportCounts, reportHtml, resultFigures, scriptJson, seriesColor,
  toPlotArray, verticalLine, entropyFigures,
} from '../../src/plot/index.js';

test('palette, axes, traces and reference lines: examples as stated', () => {
  assert.equal(OKABE_ITO[0], '#0072B2');
  assert.equal(seriesColor(1), '#E69F00');
  assert.equal(seriesColor(9), '#E69F00');
  assert.equal(dashFor(3), 'solid');
  assert.equal(dashFor(8), 'dash');
  assert.equal(axisTitle('t', 'gradient-flow time'), 't [gradient-flow time]');
  assert.equal(axisTitle('max σ'), 'max σ');
  assert.deepEqual(axis({ title: 't', log: true, range: [1, 1e4] }).range, [0, 4]);
  const fig = figure({ title: 'Loss', x: { title: 't', log: true }, y: { title: 'L', log: true }, data: [] });
  assert.deepEqual((fig.layout.xaxis as { title: unknown; type: string }).title, { text: 't' });
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
  assert.deepEqual(toPlotArray(new Float64Array([1, NaN, Infinity])), [1, null, null]);
  assert.deepEqual(lineTrace({ name: 'σ₁', x: [1, 10], y: [0.5, 0.9], index: 0 }).line, { color: '#0072B2', width: 2, dash: 'solid', simplify: false });
  assert.deepEqual(horizontalLine(Math.log(8), [1e-2, 1e5], { name: 'log N' }).y, [2.0794415416798357, 2.0794415416798357]);
  assert.deepEqual(verticalLine(100, [0, 1], { name: 't*' }).x, [100, 100]);
  assert.deepEqual(powerLaw(1, -1, [1, 100], { name: '1/t', points: 3 }).y, [1, 0.1, 0.01]);
});

test('checks, writers, exporter helpers and report: examples as stated', () => {
  assert.deepEqual(figureIssues({ data: [{ type: 'scatter', mode: 'lines', x: [1], y: [1] }], layout: {} }), [
    'trace 0 (unnamed): line.simplify is not false',
    'xaxis has no title',
    'yaxis has no title',
  ]);
  assert.equal(figureHtml({ name: 'demo', title: 'Demo', figure: { data: [], layout: {} } }).includes('<script src="plotly.min.js">'), true);
  assert.equal(escapeHtml('a < b & "c"'), 'a &lt; b &amp; &quot;c&quot;');
  assert.equal(scriptJson({ s: '</script>' }), '{"s":"\\u003c/script>"}');
  assert.equal(checkFigureName('sigma-loglog'), 'sigma-loglog');
  assert.throws(() => checkFigureName('Sigma'));
  assert.equal(chromeOrUndefined(undefined, {}, ['/nonexistent']), undefined);
  assert.equal(chromeArgs(true)[0], '--no-sandbox');
  assert.equal(chromeArgs(false).includes('--no-sandbox'), false);
  assert.equal(
    normaliseSvgIds('<defs id="defs-a1b2c3"><clipPath id="clipa1b2c3xy"/></defs><g class="tracef00ba4"/>'),
    '<defs id="defs-000000"><clipPath id="clip000000xy"/></defs><g class="trace000001"/>',
  );
  assert.equal(normaliseSvgRoot('<svg width="2" style="" viewBox="0 0 2 1"><g/></svg>'), '<svg width="2" viewBox="0 0 2 1" style=""><g/></svg>');
  const figs = resultFigures({ records: [{ t: 0.01, loss: 1, entropy: 2 }, { t: 100, loss: 0.01, entropy: 1 }] })!;
  assert.deepEqual(figs.map((f) => f.name), ['loss-vs-t', 'entropy-vs-t']);
  assert.equal((figs[0]!.figure.layout.xaxis as { type: string }).type, 'log');
  assert.equal(entropyFigures({ records: [] }), undefined);
  const data = { version: '0.1.0', createdAt: '…', quick: true, command: 'vsflow reproduce --quick', wallTimeMs: 1200, entries: [], notes: [] };
  assert.ok(reportHtml(data).includes('0 claims: 0 pass, 0 fail, 0 inconclusive'));
  assert.equal(galleryHtml(data).includes('<div class="gallery">'), true);
  assert.deepEqual(reportCounts(data), { claims: 0, passed: 0, failed: 0, inconclusive: 0, errors: 0 });
});
