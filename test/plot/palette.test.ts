import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DASHES, LINE_COLORS, OKABE_ITO, PALE_YELLOW, dashFor, seriesColor } from '../../src/plot/palette.js';

test('OKABE_ITO is the published Okabe–Ito palette, frozen', () => {
  // Okabe & Ito (2008), Color Universal Design (the palette of docs/guide.md).
  assert.deepEqual([...OKABE_ITO], ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000']);
  assert.ok(Object.isFrozen(OKABE_ITO));
});

test('seriesColor cycles through the eight line colours (no pale yellow), also for negative and fractional indices', () => {
  for (let i = 0; i < 20; i++) assert.equal(seriesColor(i), LINE_COLORS[i % 8]);
  assert.equal(seriesColor(-1), LINE_COLORS[7]);
  assert.equal(seriesColor(2.7), LINE_COLORS[2]);
  for (let i = 0; i < 64; i++) assert.notEqual(seriesColor(i), PALE_YELLOW);
  // Seven of the eight are Okabe–Ito's; the eighth is the grey of its nine-colour variant.
  assert.deepEqual(LINE_COLORS.filter((c) => !(OKABE_ITO as readonly string[]).includes(c)), ['#999999']);
});

test('dashFor is solid for the first eight series, then changes per block of eight', () => {
  for (let i = 0; i < 8; i++) assert.equal(dashFor(i), 'solid');
  assert.equal(dashFor(8), 'dash');
  assert.equal(dashFor(16), 'dot');
  assert.equal(dashFor(8 * DASHES.length), 'solid');
  assert.notEqual(`${seriesColor(0)}${dashFor(0)}`, `${seriesColor(8)}${dashFor(8)}`);
});
