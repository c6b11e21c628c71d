// Opens generated HTML figures and the reproduce report in real headless Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { reproduce } from '../../src/cli/commands/reproduce.js';
import { createProgress, planFormatsWith, writeFigures } from '../../src/cli/io.js';
import { demoSim } from '../plot/demo-sim.js';
import { CHROME, SKIP, launch, pixelStats } from './browser-helpers.js';

let browser: Browser;
let dir: string;

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(join(tmpdir(), 'vsflow-browser-'));
  browser = await launch();
  const sim = demoSim();
  const result = await sim.run({ quick: true, seed: 1 });
  const meta = { source: sim.id, config: result.config, meta: result.meta };
  await writeFigures(join(dir, 'shared'), sim.figures(result), { formats: ['html'], standalone: false, exporter: undefined, scale: 1, meta });
  await writeFigures(join(dir, 'standalone'), sim.figures(result).slice(0, 1), { formats: ['html'], standalone: true, exporter: undefined, scale: 1, meta });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens a page, collecting console errors and page errors. */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}

async function plotState(page: Page) {
  await page.waitForSelector('body[data-plot-ready="1"]', { timeout: 30_000 });
  return page.evaluate(() => {
    const gd = document.getElementById('plot') as unknown as { data: { name: string }[]; _fullLayout: Record<string, { type: string; title: { text: string } }> };
    return {
      traces: gd.data.length,
      names: gd.data.map((t) => t.name),
      xType: gd._fullLayout.xaxis!.type,
      yType: gd._fullLayout.yaxis!.type,
      xTitle: document.querySelector('.xtitle')?.textContent ?? '',
      yTitle: document.querySelector('.ytitle')?.textContent ?? '',
      drawnTraces: document.querySelectorAll('.scatterlayer .trace').length,
    };
  });
}

test('a log-log figure page draws its traces with titled log axes, no console error, not blank', { skip: SKIP }, async () => {
  const { page, errors } = await open(join(dir, 'shared', 'loss.html'));
  const s = await plotState(page);
  assert.equal(s.traces, 2);
  assert.deepEqual(s.names, ['L(t)', 'L(0) = ½']);
  assert.equal(s.drawnTraces, 2);
  assert.equal(s.xType, 'log');
  assert.equal(s.yType, 'log');
  assert.equal(s.xTitle, 't [gradient-flow time]');
  assert.equal(s.yTitle, 'loss L');
  const shot = await page.screenshot();
  const stats = await pixelStats(page, shot);
  // A drawn plot has text, grid and a line: well over 1 % non-background pixels and a clear
  // luminance spread; a blank page has 0 and 0 (checked below, so the test can fail).
  assert.ok(stats.nonBackground > 0.01, `non-background fraction ${stats.nonBackground}`);
  assert.ok(stats.variance > 50, `luminance variance ${stats.variance}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the blank-screenshot check does detect a blank page', { skip: SKIP }, async () => {
  const page = await browser.newPage({ viewport: { width: 300, height: 200 } });
  await page.setContent('<html><body style="background:#fff"></body></html>');
  const stats = await pixelStats(page, await page.screenshot());
  assert.equal(stats.nonBackground, 0);
  assert.ok(Math.abs(stats.variance) < 1e-6, `variance ${stats.variance} (0 up to rounding of Σy² − nȳ²)`);
  await page.close();
});

test('a linear-axis figure page has linear axes', { skip: SKIP }, async () => {
  const { page, errors } = await open(join(dir, 'shared', 'log-loss.html'));
  const s = await plotState(page);
  assert.equal(s.traces, 1);
  assert.equal(s.xType, 'linear');
  assert.equal(s.yType, 'linear');
  assert.equal(s.yTitle, 'ln L');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a standalone page draws with no file beside it', { skip: SKIP }, async () => {
  const { page, errors } = await open(join(dir, 'standalone', 'loss.html'));
  const s = await plotState(page);
  assert.equal(s.traces, 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a page whose plotly.min.js is missing is caught (the ready and console checks can fail)', { skip: SKIP }, async () => {
  mkdirSync(join(dir, 'no-bundle'), { recursive: true });
  copyFileSync(join(dir, 'shared', 'loss.html'), join(dir, 'no-bundle', 'loss.html'));
  const { page, errors } = await open(join(dir, 'no-bundle', 'loss.html'));
  await page.waitForLoadState('load');
  assert.equal(await page.evaluate(() => document.body.getAttribute('data-plot-ready')), null);
  assert.ok(errors.some((e) => /Plotly is not defined|ERR_FILE_NOT_FOUND|Failed to load/.test(e)), errors.join(' | '));
  await page.close();
});

test('the reproduce report opens cleanly: figures loaded, badges, links to interactive pages', { skip: SKIP }, async () => {
  const out = join(dir, 'report');
  const sims = [demoSim(), demoSim({ id: 'demo-fail', failing: true })];
  const { exitCode } = await reproduce(
    sims,
    { quick: true, only: undefined, training: false, out, force: true, plan: planFormatsWith('svg', CHROME), chrome: undefined, standalone: false, scale: 1, seed: undefined, command: 'vsflow reproduce --quick' },
    createProgress(2, true),
  );
  assert.equal(exitCode, 1, 'one claim fails');
  const { page, errors } = await open(join(out, 'index.html'));
  await page.waitForLoadState('load');
  // Report images are lazy: make them eager and wait for each to decode (a broken SVG rejects).
  const decoded = await page.evaluate(() =>
    Promise.all(Array.from(document.images).map((img) => { img.loading = 'eager'; return img.decode().then(() => true, () => false); })),
  );
  assert.ok(decoded.every(Boolean), `decoded: ${decoded.join(',')}`);
  const info = await page.evaluate(() => ({
    images: Array.from(document.images).map((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0 })),
    pass: document.querySelectorAll('.badge.pass').length,
    fail: document.querySelectorAll('.badge.fail').length,
    links: Array.from(document.querySelectorAll('figcaption a')).map((a) => a.getAttribute('href')),
  }));
  assert.equal(info.images.length, 4);
  for (const img of info.images) assert.ok(img.ok, `image ${img.src} did not load`);
  assert.ok(info.pass >= 1 && info.fail >= 1);
  assert.ok(info.links.includes('demo-decay/loss.html'));
  assert.deepEqual(errors, []);
  // The linked interactive page (shared bundle one folder up) draws too.
  const linked = await open(join(out, 'demo-decay', 'loss.html'));
  assert.equal((await plotState(linked.page)).traces, 2);
  assert.deepEqual(linked.errors, []);
  await linked.page.close();
  const gallery = await open(join(out, 'gallery.html'));
  assert.equal(await gallery.page.evaluate(() => document.querySelectorAll('.gallery figure').length), 4);
  assert.deepEqual(gallery.errors, []);
  await gallery.page.close();
  await page.close();
});
