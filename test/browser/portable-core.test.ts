/**
 * `vsflow/core` (src/portable.ts) is browser-safe: esbuild bundles it for the browser platform
 * with no Node built-ins (a bundle that needed one fails to build), the bundle simulates a flow,
 * an entropy experiment and the column view in headless Chromium, and the numbers agree with
 * Node's to rtol 1e-12: both are float64, but ECMA-262 leaves Math.exp/log "implementation-
 * approximated", and Chromium's V8 and Node 20's differ in the last bit on some inputs (measured:
 * relative differences ≤ 3e-15 after the flow to t = 1e3). Step counts and statuses are equal.
 * Skips with a message when Chromium is absent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { SKIP, launch } from './browser-helpers.js';
import { assertClose } from '../helpers/tolerance.js';
import * as core from '../../src/portable.js';
import * as main from '../../src/index.js';

const PROBLEM = { loss: 'logistic', V: [[0.1, -0.2, 0.3], [0.0, 0.1, -0.1]], a: [0, 0, 0], beta: [1, 0] } as const;
const OPTIONS = { method: 'dop853', tEnd: 1e3, saveAt: [0, 1, 10, 100, 1000], rtol: 1e-10, atol: 1e-12 } as const;

/** The computation run in both places: plain JSON out. */
const PAGE_SCRIPT = `
  const r = vsflow.simulate(${JSON.stringify(PROBLEM)}, ${JSON.stringify(OPTIONS)});
  const c = r.columns();
  const e = vsflow.runEntropyExperiment({ kinds: ['softmax', 'elu1-kernel'], sigmas: [1, 4], trials: 500, seed: 3 });
  window.result = { status: r.status, steps: r.stats.steps, t: Array.from(c.t), maxProb: Array.from(c.maxProb), a: Array.from(r.series('a').data),
    entropy: e.cells.map((x) => x.entropy.mean), node: r.meta.node, version: r.meta.version };
`;

let bundle = '';
let imports: string[] = [];
let browser: Browser | undefined;

before(async () => {
  const out = await build({ entryPoints: ['src/portable.ts'], bundle: true, platform: 'browser', format: 'iife', globalName: 'vsflow', write: false, logLevel: 'silent', target: 'es2022', metafile: true });
  bundle = out.outputFiles[0]!.text;
  imports = Object.values(out.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  if (!SKIP) browser = await launch();
});
after(async () => browser?.close());

test('vsflow/core bundles for the browser with esbuild (no Node built-ins)', () => {
  assert.ok(bundle.length > 10_000);
  assert.ok(imports.length > 20, 'the metafile lists the module graph');
  assert.deepEqual(imports.filter((p) => p.startsWith('node:') || /^(fs|os|path|worker_threads|module|url)$/.test(p)), [], 'no Node built-in is imported');
  assert.deepEqual(imports.filter((p) => /mathjs|@tensorflow|plotly|playwright/.test(p)), [], 'mathjs is loaded on first use, not bundled; no tfjs, plotly or playwright');
});

test('esbuild refuses the main entry for the browser (it needs Node), so the test can fail', async () => {
  await assert.rejects(build({ entryPoints: ['src/index.ts'], bundle: true, platform: 'browser', write: false, logLevel: 'silent' }), /Build failed/);
});

test('every vsflow/core export is also a main-entry export (the same objects)', () => {
  for (const [name, value] of Object.entries(core)) assert.equal((main as Record<string, unknown>)[name], value, name);
});

test('the bundle runs in headless Chromium and gives Node\'s numbers', { skip: SKIP }, async () => {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setContent('<!DOCTYPE html><html><body></body></html>');
  await page.addScriptTag({ content: bundle });
  await page.addScriptTag({ content: PAGE_SCRIPT });
  const inPage = (await page.evaluate('window.result')) as Record<string, unknown>;
  assert.deepEqual(errors, []);
  const vsflow = core;
  const r = vsflow.simulate(PROBLEM as unknown as core.ProblemSpec, OPTIONS);
  const c = r.columns();
  const e = vsflow.runEntropyExperiment({ kinds: ['softmax', 'elu1-kernel'], sigmas: [1, 4], trials: 500, seed: 3 });
  assert.equal(inPage.status, 'success');
  assert.equal(inPage.node, 'browser');
  assert.equal(inPage.version, core.VERSION);
  assert.equal(inPage.steps, r.stats.steps);
  assert.deepEqual(inPage.t, Array.from(c.t));
  assertClose(inPage.maxProb as number[], c.maxProb, { rtol: 1e-12, label: 'maxProb' });
  assertClose(inPage.a as number[], r.series('a').data, { rtol: 1e-12, atol: 1e-15, label: 'a' });
  assertClose(inPage.entropy as number[], e.cells.map((x) => x.entropy.mean), { rtol: 1e-12, label: 'entropy' });
  await page.close();
});
