// Pure parts of the static exporter (browser-free). Real exports are tested in test/browser/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError, OptionError } from '../../src/core/errors.js';
import { CHROME_HINT, chromeArgs, chromeOrUndefined, findChrome, normalisePdfDates, normaliseSvgIds, normaliseSvgRoot } from '../../src/plot/static-export.js';

test('findChrome: explicit path, then VSFLOW_CHROME, then candidates; bad explicit paths are errors', () => {
  const real = process.execPath; // any existing file stands in for a browser executable
  assert.equal(findChrome(real, {}, []), real);
  assert.equal(findChrome(undefined, { VSFLOW_CHROME: real }, []), real);
  assert.equal(findChrome(undefined, {}, ['/nonexistent/chrome', real]), real);
  assert.throws(() => findChrome('/nonexistent/chrome', {}, [real]), (e: unknown) => e instanceof OptionError && e.option === '--chrome');
  assert.throws(() => findChrome(undefined, { VSFLOW_CHROME: '/nonexistent/chrome' }, [real]), (e: unknown) => e instanceof OptionError && e.option === 'VSFLOW_CHROME');
});

test('no browser at all: one BackendError that says how to install one', () => {
  assert.throws(
    () => findChrome(undefined, {}, ['/nonexistent/a', '/nonexistent/b']),
    (e: unknown) => e instanceof BackendError && e.message.includes('apt-get install -y chromium fonts-liberation') && e.message.includes('--chrome') && !e.message.includes('\n'),
  );
  assert.equal(chromeOrUndefined(undefined, {}, ['/nonexistent/a']), undefined);
  assert.ok(CHROME_HINT.includes('VSFLOW_CHROME'));
});

test('chromeArgs: --no-sandbox only as root; background networking always off', () => {
  assert.ok(chromeArgs(true).includes('--no-sandbox'));
  assert.ok(!chromeArgs(false).includes('--no-sandbox'));
  for (const flag of ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']) assert.ok(chromeArgs(false).includes(flag), flag);
});

test('normaliseSvgIds replaces the plot uid and numbers trace uids in order of appearance', () => {
  const a = '<defs id="defs-a1b2c3"><clipPath id="clipa1b2c3xy"/></defs><g class="legenda1b2c3"/><g class="tracef00ba4"/><g class="trace0c0c0c"/><g class="tracef00ba4"/>';
  const b = a.replace(/a1b2c3/g, '99ee77').replace(/f00ba4/g, '123456').replace(/0c0c0c/g, 'abcdef');
  const want = '<defs id="defs-000000"><clipPath id="clip000000xy"/></defs><g class="legend000000"/><g class="trace000001"/><g class="trace000002"/><g class="trace000001"/>';
  assert.equal(normaliseSvgIds(a), want);
  assert.equal(normaliseSvgIds(b), want, 'two exports differing only by random ids become identical');
  assert.equal(normaliseSvgIds('<svg/>'), '<svg/>');
});

test('normalisePdfDates fixes dates without changing the length (xref offsets stay valid)', () => {
  const pdf = "%PDF-1.4\n/CreationDate (D:20261122225301+00'00')\n/ModDate (D:20261122225302+00'00')\n";
  const out = Buffer.from(normalisePdfDates(new Uint8Array(Buffer.from(pdf, 'latin1')))).toString('latin1');
  assert.equal(out.length, pdf.length);
  assert.equal(out, "%PDF-1.4\n/CreationDate (D:20000101000000+00'00')\n/ModDate (D:20000101000000+00'00')\n");
});

test('normaliseSvgRoot writes the root attributes in one order, whatever order Plotly used', () => {
  const a = '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="720" height="480" viewBox="0 0 720 480" style=""><g/></svg>';
  const b = '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="720" height="480" style="" viewBox="0 0 720 480"><g/></svg>';
  assert.equal(normaliseSvgRoot(a), normaliseSvgRoot(b));
  assert.equal(normaliseSvgRoot(b), '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="720" height="480" viewBox="0 0 720 480" style=""><g/></svg>');
  assert.equal(normaliseSvgRoot('<svg data-z="1" width="2" data-a="x"/>'), '<svg width="2" data-a="x" data-z="1"/>', 'unknown attributes follow, sorted');
  assert.equal(normaliseSvgRoot('<g/>'), '<g/>');
});

test('normaliseSvgIds numbers colour-bar uids too (gradient id, bar class, tick and title classes)', () => {
  const bar = (uid: string) => `<linearGradient id="g000000-cb${uid}"/><g class="cb${uid} colorbar"><rect style="fill: url('#g000000-cb${uid}');"/><g class="ycb${uid}tick"/><text class="ycb${uid}title"/></g>`;
  const want = bar('000001');
  assert.equal(normaliseSvgIds(bar('ca1785')), want);
  assert.equal(normaliseSvgIds(bar('310964')), want);
  assert.equal(normaliseSvgIds('<g class="cbfill"/><path d="M0,0Lcb123456"/>'), '<g class="cbfill"/><path d="M0,0Lcb123456"/>', 'no colour bar: untouched');
});
