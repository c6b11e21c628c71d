import { test } from 'node:test';
import assert from 'node:assert/strict';
import { galleryHtml, reportCounts, reportHtml, type ReportData } from '../../src/plot/report-page.js';
import { reportEntry } from './report-fixtures.js';

const entry = reportEntry;

const data: ReportData = {
  version: '0.1.0',
  createdAt: '2026-01-01T00:00:00.000Z',
  quick: true,
  command: 'vsflow reproduce --quick',
  wallTimeMs: 4200,
  notes: ['Chromium not found: HTML only'],
  entries: [
    entry({}),
    entry({ id: 'eureka-x', paper: 'eureka', title: 'Eureka', figures: [{ name: 'acc', title: 'accuracy', html: 'eureka-x/acc.html' }], claims: [{ id: 'E-3', statement: 'plateau', predicted: '> 0.9', measured: 0.5, tolerance: '', pass: false }], cached: true }),
    entry({ id: 'broken', paper: 'lipschitz', title: 'Broken', figures: [], claims: [], error: 'boom' }),
  ],
};

test('reportCounts counts claims, failures and errored sims', () => {
  assert.deepEqual(reportCounts(data), { claims: 2, passed: 1, failed: 1, inconclusive: 0, errors: 1 });
});

test('an inconclusive claim is counted and shown as inconclusive, not as a failure', () => {
  const open = { id: 'T-1a', statement: 'collapse over seeds', predicted: '> 0.5', measured: '3/5', tolerance: 'Wilson 95 % above 0.5', pass: false, status: 'inconclusive' as const, seeds: 5, interval: [0.23, 0.88] as [number, number] };
  const d: ReportData = { ...data, entries: [entry({}), entry({ id: 'train-x', paper: 'lipschitz', title: 'Training', claims: [open] })], notes: [] };
  assert.deepEqual(reportCounts(d), { claims: 2, passed: 1, failed: 0, inconclusive: 1, errors: 0 });
  const html = reportHtml(d);
  assert.ok(html.includes('2 claims: 1 pass, 0 fail, 1 inconclusive'));
  assert.ok(html.includes('class="badge inconclusive">INCONCLUSIVE'), 'claim row, its sim and the page head');
  assert.ok(!html.includes('class="badge fail"'), 'no FAIL badge anywhere');
  assert.ok(html.includes('0 / 1 (1 inconclusive)'), 'the summary row counts it');
});

test('index: papers in order, badges, predicted vs measured, commands, metadata, escaping', () => {
  const html = reportHtml(data);
  const iPol = html.indexOf('Gradient Flow Polarizes');
  const iLip = html.indexOf('<h2>Transformer Training Instability');
  const iEur = html.indexOf('<h2>Eureka-Moments');
  assert.ok(iPol > 0 && iPol < iLip && iLip < iEur, 'papers appear in the fixed order');
  assert.ok(html.includes('2 claims: 1 pass, 1 fail, 0 inconclusive, 1 sim(s) failed to run'));
  assert.equal(html.match(/class="badge pass">PASS/g)!.length, 3, 'one claim row, its sim in the summary and in its section');
  assert.ok(html.includes('class="badge fail">FAIL'));
  assert.ok(html.includes('class="badge error">ERROR'));
  assert.ok(html.includes('<code>vsflow sim fig2-demo --quick</code>'));
  assert.ok(html.includes('<code>vsflow reproduce --quick</code>'));
  assert.ok(html.includes('<td class="num">1.200e-13</td>'), 'small numbers in exponent form');
  assert.ok(html.includes('&gt; 0.9'));
  assert.ok(html.includes('Demo &lt;sim&gt;') && !html.includes('Demo <sim>'));
  assert.ok(html.includes('<img src="fig2-demo/sigma.svg"'), 'static SVG shown when available');
  assert.ok(html.includes('<iframe src="eureka-x/acc.html"'), 'interactive page embedded otherwise');
  assert.ok(html.includes('seed 123') && html.includes('wall time 1.50 s'));
  assert.ok(html.includes('class="badge cached">cached'));
  assert.ok(html.includes('The sim failed:</b> boom'));
  assert.ok(html.includes('Chromium not found: HTML only'));
});

test('gallery lists every figure with a link to its page and its claims', () => {
  const html = galleryHtml(data);
  assert.equal(html.match(/<figure>/g)!.length, 2);
  assert.ok(html.includes('href="index.html#eureka-x"'));
  assert.ok(html.includes('2 figures from 3 sims'));
});

test('an empty run still renders', () => {
  const html = reportHtml({ ...data, entries: [], notes: [] });
  assert.ok(html.includes('0 claims: 0 pass, 0 fail, 0 inconclusive'));
});
