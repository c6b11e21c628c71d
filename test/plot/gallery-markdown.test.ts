import { test } from 'node:test';
import assert from 'node:assert/strict';
import { galleryMarkdown } from '../../src/plot/gallery-markdown.js';
import type { ReportData, ReportEntry } from '../../src/plot/report-page.js';
import { reportEntry } from './report-fixtures.js';

function entry(over: Partial<ReportEntry>): ReportEntry {
  return reportEntry({ title: 'Demo', claims: [{ id: 'VS-8', statement: 'Σa conserved | exactly', predicted: 0, measured: 1.2e-13, tolerance: '|Δ| ≤ 1e-10', pass: true }], command: 'vsflow sim fig2-demo', ...over });
}

const data: ReportData = {
  version: '0.1.0',
  createdAt: '2026-01-01T00:00:00.000Z',
  quick: false,
  command: 'vsflow reproduce --out /tmp/x --format svg',
  wallTimeMs: 4200,
  notes: ['skipped 4 training sims'],
  entries: [
    entry({ id: 'eureka-x', paper: 'eureka', title: 'Eureka', figures: [{ name: 'acc', title: 'accuracy', html: 'eureka-x/acc.html' }], claims: [{ id: 'T-4', statement: 'ratio', predicted: '≥ 0.6', measured: 0.2, tolerance: 'count', pass: false }] }),
    entry({}),
    entry({ id: 'broken', paper: 'lipschitz', title: 'Broken', figures: [], claims: [], error: 'boom' }),
  ],
};

test('galleryMarkdown: papers in the fixed order, claims as table rows, SVG figures as images', () => {
  const md = galleryMarkdown(data, 'npm run gallery');
  assert.ok(md.startsWith('# Figure gallery\n'));
  assert.match(md, /which runs `vsflow reproduce --format svg`/, 'the temporary --out folder is not shown');
  assert.match(md, /2 claims: 1 pass, 1 fail, 0 inconclusive, 1 sims failed/);
  const pol = md.indexOf('## Gradient Flow Polarizes');
  const lip = md.indexOf('## Transformer Training Instability');
  const eur = md.indexOf('## Eureka-Moments');
  assert.ok(pol > 0 && pol < lip && lip < eur, 'papers follow PAPERS order, not entry order');
  assert.match(md, /\| pass \| VS-8 \| Σa conserved \\\| exactly \| 0 \| 1\.200e-13 \| \\\|Δ\\\| ≤ 1e-10 \|/);
  assert.match(md, /\| \*\*FAIL\*\* \| T-4 \| ratio \| ≥ 0\.6 \| 0\.2 \| count \|/);
  assert.match(md, /!\[σ\(t\)\]\(fig2-demo\/sigma\.svg\)/);
  assert.match(md, /\naccuracy: no static export/);
  assert.match(md, /\*\*This sim failed:\*\* boom/);
  assert.match(md, /> skipped 4 training sims/);
  assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
});

test('galleryMarkdown: quick entries merged into a full-length gallery are marked', () => {
  const md = galleryMarkdown({ ...data, entries: [entry({ config: { quick: false } }), entry({ id: 'train-x', config: { quick: true } })] }, 'npm run gallery -- --training');
  assert.match(md, /full-length runs, except 1 sim marked as quick runs/);
  assert.equal(md.match(/\*\*quick run\*\*/g)?.length, 1);
  const quickReport = galleryMarkdown({ ...data, quick: true, entries: [entry({ config: { quick: true } })] }, 'npm run gallery -- --quick');
  assert.doesNotMatch(quickReport, /\*\*quick run\*\*/, 'an all-quick gallery says so once, in its header');
});

test('galleryMarkdown: the caption the paper style leaves out is printed under the figure, typeset, with a link to the CSV', () => {
  const fig = { name: 'sigma', title: 'σ<sub>i</sub>(t)', caption: 'Loss L − H(p*) with W<sub>V</sub> & <b>x</b>', html: 'd/sigma.html', svg: 'd/sigma.svg', csv: 'd/sigma.csv' };
  const md = galleryMarkdown({ ...data, entries: [entry({ id: 'd', figures: [fig] })] }, 'npm run gallery');
  assert.match(md, /!\[σᵢ\(t\)\]\(d\/sigma\.svg\)/, 'alt text in plain Unicode');
  assert.ok(md.includes('σ<sub>i</sub>(t). Loss L − H(p\\*) with W<sub>V</sub> &amp; <b>x</b> · data: [sigma.csv](d/sigma.csv)'), md);
  assert.doesNotMatch(md.slice(md.indexOf('![')), /[^\\]_/, 'no raw underscore in the figure part');
});
