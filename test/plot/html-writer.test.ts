import { plainText } from '../../src/plot/figure-text.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionError } from '../../src/core/errors.js';
import { figure } from '../../src/plot/axes.js';
import { PLOTLY_FILE, checkFigureName, copyPlotly, escapeHtml, figureHtml, plotlyBundle, scriptJson, writeFigure } from '../../src/plot/html-writer.js';
import { lineTrace } from '../../src/plot/line-trace.js';

const named = {
  name: 'demo',
  title: 'A <demo> & "quotes"',
  figure: figure({ title: '</script><script>alert(1)</script>', x: { title: 't' }, y: { title: 'y' }, data: [lineTrace({ name: 'y', x: [1, 2], y: [3, 4] })] }),
};

function embeddedFigure(html: string): { data: unknown[]; layout: Record<string, unknown> } {
  const m = /<script type="application\/json" id="figure-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'figure JSON is embedded');
  return JSON.parse(m[1]!) as { data: unknown[]; layout: Record<string, unknown> };
}

test('the page loads the shared bundle, embeds the figure JSON losslessly and escapes text', () => {
  const html = figureHtml(named);
  assert.ok(html.includes(`<script src="${PLOTLY_FILE}"></script>`));
  assert.ok(html.includes('<title>A &lt;demo&gt; &amp; &quot;quotes&quot;</title>'));
  // The title text holds "</script>": it must not end the JSON script element early.
  assert.equal(html.match(/<\/script>/g)!.length, 3, 'only the three real script elements close');
  const fig = embeddedFigure(html);
  assert.deepEqual(fig.data, JSON.parse(JSON.stringify(named.figure.data)));
  assert.equal((fig.layout.title as { text: string }).text, '</script><script>alert(1)</script>');
  // The window sizes the interactive page; the layout size is kept only for exports.
  assert.equal(fig.layout.width, undefined);
  assert.equal(fig.layout.height, undefined);
});

test('standalone pages inline Plotly; plotlySrc and caption are honoured', () => {
  const html = figureHtml(named, { standalone: true });
  assert.ok(html.length > plotlyBundle().length);
  assert.ok(!html.includes(`src="${PLOTLY_FILE}"`));
  const rel = figureHtml(named, { plotlySrc: '../plotly.min.js', caption: 'vsflow sim x' });
  assert.ok(rel.includes('<script src="../plotly.min.js"></script>'));
  assert.ok(rel.includes('<p class="caption">vsflow sim x</p>'));
});

test('unknown options are rejected by name', () => {
  assert.throws(() => figureHtml(named, { standlone: true } as never), (e: unknown) => e instanceof OptionError && e.option === 'figureHtml.standlone');
});

test('escapeHtml and scriptJson neutralise markup', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(scriptJson({ s: '</script>' }), '{"s":"\\u003c/script>"}');
  assert.deepEqual(JSON.parse(scriptJson({ s: '</script>\u2028' })), { s: '</script>\u2028' });
});

test('writeFigure writes html, figure json and meta json; copyPlotly copies the bundle once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-html-'));
  try {
    const paths = writeFigure(dir, named, { source: 'demo', config: { n: 3 }, meta: { seed: 1 }, command: 'vsflow sim demo' });
    assert.deepEqual(JSON.parse(readFileSync(paths.json, 'utf8')), JSON.parse(JSON.stringify(named.figure)));
    const meta = JSON.parse(readFileSync(paths.meta, 'utf8'));
    // The baked (notebook) title becomes the caption; plain-text forms for non-HTML readers.
    const caption = (named.figure.layout.title as { text: string }).text;
    assert.deepEqual(meta, { figure: 'demo', title: named.title, titleText: plainText(named.title), caption, captionText: plainText(caption), source: 'demo', config: { n: 3 }, meta: { seed: 1 }, command: 'vsflow sim demo' });
    // Tidy CSV beside it: series, x, y and the run's parameters (config and seed) as columns.
    const csv = readFileSync(paths.csv, 'utf8').trimEnd().split('\n');
    assert.equal(csv[0], 'series,x,y,n,seed');
    assert.equal(csv.length - 1, named.figure.data.reduce((s, t) => s + (t.x as unknown[]).length, 0));
    assert.ok(readFileSync(paths.html, 'utf8').includes('Regenerate: vsflow sim demo'));
    const bundle = copyPlotly(dir);
    const mtime = statSync(bundle).mtimeMs;
    assert.equal(readFileSync(bundle, 'utf8'), plotlyBundle());
    copyPlotly(dir);
    assert.equal(statSync(bundle).mtimeMs, mtime, 'an identical copy is not rewritten');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('figure names must be file stems', () => {
  for (const bad of ['', 'Has Caps', 'a/b', '../x', 'x.html', '-lead', 3, undefined]) {
    assert.throws(() => checkFigureName(bad), (e: unknown) => e instanceof OptionError && e.option === 'figure.name', `name ${String(bad)}`);
  }
  assert.equal(checkFigureName('sigma-loglog-2'), 'sigma-loglog-2');
});
