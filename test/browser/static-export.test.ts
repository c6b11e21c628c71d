// Static export through real headless Chromium: valid SVG, PNG of the right size, one-page
// vector PDF, reproducible bytes, long lines not simplified. One exporter for the whole file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { OptionError } from '../../src/core/errors.js';
import { figure } from '../../src/plot/axes.js';
import { lineTrace } from '../../src/plot/line-trace.js';
import { horizontalLine } from '../../src/plot/reference-lines.js';
import { openExporter, type FigureExporter } from '../../src/plot/static-export.js';
import { SKIP, launch, pixelStats, pngSize } from './browser-helpers.js';

let exporter: FigureExporter;
let browser: Browser;
let page: Page;

const N = 2000;
const t = Array.from({ length: N }, (_, i) => 10 ** (-2 + (7 * i) / (N - 1)));
// A wiggly decay: simplification would visibly drop most of these points.
const loss = t.map((s, i) => 1 / (1 + s) * (1 + 0.3 * ((i % 2) - 0.5)));
const fig = figure({
  title: 'Export test',
  x: { title: 't', unit: 'gradient-flow time', log: true },
  y: { title: 'loss L', log: true },
  data: [lineTrace({ name: 'L', x: t, y: loss }), horizontalLine(1, [1e-2, 1e5], { name: 'ref' })],
  width: 640,
  height: 400,
});

before(async () => {
  if (SKIP) return;
  exporter = await openExporter();
  browser = await launch();
  page = await browser.newPage();
});

after(async () => {
  await exporter?.close();
  await browser?.close();
});

test('SVG parses, has the figure size as viewBox, one group per trace, and keeps every point', { skip: SKIP }, async () => {
  const { svg } = await exporter.export(fig, ['svg']);
  assert.ok(svg);
  const info = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    const lines = Array.from(doc.querySelectorAll('.scatterlayer .trace path.js-line')).map((p) => (p.getAttribute('d') ?? '').split('L').length);
    return {
      parseError: doc.getElementsByTagName('parsererror').length,
      root: root.tagName,
      viewBox: root.getAttribute('viewBox'),
      traces: doc.querySelectorAll('.scatterlayer .trace').length,
      lines,
      xtitle: doc.querySelector('.xtitle')?.textContent,
    };
  }, svg);
  assert.equal(info.parseError, 0);
  assert.equal(info.root, 'svg');
  assert.equal(info.viewBox, '0 0 640 400');
  assert.equal(info.traces, 2);
  assert.equal(info.xtitle, 't [gradient-flow time]');
  // simplify: false keeps all 2000 vertices (Plotly's default kept 53–143 in a measurement here).
  assert.ok(info.lines[0]! >= N, `line vertices ${info.lines[0]}`);
});

test('the simplify check can fail: with Plotly’s default the same line loses points', { skip: SKIP }, async () => {
  const simplified = { ...fig, data: [{ ...fig.data[0], line: { color: '#0072B2' } }] };
  const { svg } = await exporter.export(simplified, ['svg']);
  const vertices = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return (doc.querySelector('.scatterlayer .trace path.js-line')?.getAttribute('d') ?? '').split('L').length;
  }, svg!);
  assert.ok(vertices < N, `default simplification kept ${vertices} of ${N}`);
});

test('PNG is scale × the figure size and not blank', { skip: SKIP }, async () => {
  for (const scale of [1, 2.5]) {
    const { png } = await exporter.export(fig, ['png'], { scale });
    assert.deepEqual(pngSize(png!), { width: Math.round(640 * scale), height: Math.round(400 * scale) });
    if (scale === 1) {
      const stats = await pixelStats(page, png!);
      assert.ok(stats.nonBackground > 0.01 && stats.variance > 50, JSON.stringify(stats));
    }
  }
  const { png } = await exporter.export(fig, ['png'], { width: 300, height: 200, scale: 1 });
  assert.deepEqual(pngSize(png!), { width: 300, height: 200 });
});

test('PDF: header, exactly one page of the figure size (px × 0.75 pt), vector (no raster images)', { skip: SKIP }, async () => {
  const { pdf } = await exporter.export(fig, ['pdf']);
  const text = Buffer.from(pdf!).toString('latin1');
  assert.ok(text.startsWith('%PDF-'));
  assert.equal(text.match(/\/Type\s*\/Page(?!s)/g)?.length, 1);
  const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
  assert.ok(box);
  // Chromium rounds the page to whole points; 640 px × 0.75 = 480 pt, 400 px → 300 pt.
  assert.ok(Math.abs(Number(box[1]) - 480) <= 1 && Math.abs(Number(box[2]) - 300) <= 1, `MediaBox ${box[1]} × ${box[2]}`);
  assert.ok(!/\/Subtype\s*\/Image/.test(text), 'the plot is drawn as vectors, not embedded as an image');
  assert.ok(text.trimEnd().endsWith('%%EOF'));
});

test('exports are reproducible byte for byte (random ids and PDF dates normalised)', { skip: SKIP }, async () => {
  const a = await exporter.export(fig, ['svg', 'pdf', 'png'], { scale: 1 });
  const b = await exporter.export(fig, ['svg', 'pdf', 'png'], { scale: 1 });
  assert.equal(a.svg, b.svg);
  assert.deepEqual(Buffer.from(a.pdf!), Buffer.from(b.pdf!));
  assert.deepEqual(Buffer.from(a.png!), Buffer.from(b.png!));
  assert.ok(!/defs-(?!000000)[0-9a-f]{6}/.test(a.svg!));
});

test('bad export options are rejected by name', { skip: SKIP }, async () => {
  for (const [opts, name] of [
    [{ scale: 0 }, 'scale'],
    [{ scale: Number.NaN }, 'scale'],
    [{ width: 3.5 }, 'width'],
    [{ height: 0 }, 'height'],
    [{ dpi: 300 }, 'export.dpi'],
  ] as const) {
    await assert.rejects(exporter.export(fig, ['png'], opts as never), (e: unknown) => e instanceof OptionError && e.option === name, JSON.stringify(opts));
  }
  await assert.rejects(exporter.export(fig, ['gif' as never]), (e: unknown) => e instanceof OptionError && e.option === 'format');
});
