/**
 * Every theory id the code cites is defined in theory/*.md: the ids of the sims' `theoryIds`,
 * and every VS-, E-, N-, T- or P- id named in src/, sims/, test/, bench/ and scripts/. An id is
 * defined by a heading (`## E-2, E-3 …`) or a bold item (`- **P-8a …`, `- **Name** (P-0)`) of a
 * theory file. The
 * project cites no file outside it (the notes shared beside the repository) and no issue numbers, which
 * a reader of the package cannot open.
 *
 * And the converse: every id theory/*.md defines is tested. An id counts as tested when a test
 * file (other than this one) cites it, when a sim that a test runs by name makes a claim with
 * that id (`claim('P-13', …)`, `id: 'T-1a'`), or when its definition names an alias that is
 * tested (`**P-1 (u, a) reduction** (VS-6)`). Ids that define notation rather than predict
 * anything are listed in UNTESTED_BY_DESIGN with the reason.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { listSims } from '../../sims/registry.js';

const ID = /\b(?:VS|E|N|T|P)-\d+[a-z]?\b/g;

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (ext.test(name)) out.push(p);
  }
  return out;
}

/** Ids defined in theory/*.md, each with the aliases its definition names: `**P-4 …** (VS-10)`. */
function definitions(): Map<string, string[]> {
  const defs = new Map<string, string[]>();
  const add = (id: string, aliases: string[] = []): void => {
    defs.set(id, [...(defs.get(id) ?? []), ...aliases]);
  };
  for (const f of files('theory', /\.md$/)) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (/^#+ /.test(line)) for (const m of line.matchAll(ID)) add(m[0]);
      // `- **P-4 n = 2 first integral** (VS-10): …`: the parenthesis right after the bold names aliases.
      for (const m of line.matchAll(/\*\*((?:VS|E|N|T|P)-\d+[a-z]?)[^*]*\*\*(?: \(([^)]*)\))?/g)) add(m[1]!, [...(m[2] ?? '').matchAll(ID)].map((a) => a[0]));
      // `- **Scalar-output loss** (P-0): …`
      for (const m of line.matchAll(/\*\*[^*]+\*\* \(((?:VS|E|N|T|P)-\d+[a-z]?)\)/g)) add(m[1]!);
    }
  }
  return defs;
}

/** Ids defined in theory/*.md: on heading lines and right after `**` (with a/b/c suffix groups). */
function definedIds(): Set<string> {
  const ids = new Set(definitions().keys());
  // A defined id with a letter (T-4a) defines its base (T-4) too.
  for (const id of [...ids]) ids.add(id.replace(/[a-z]$/, ''));
  return ids;
}

const SOURCES = ['src', 'sims', 'test', 'bench', 'scripts'].flatMap((d) => files(d, /\.(ts|mjs)$/));

test('sims: every theoryIds entry is defined in theory/*.md', async () => {
  const defined = definedIds();
  const missing = (await listSims()).flatMap((s) => s.theoryIds.filter((id) => !defined.has(id)).map((id) => `${s.id}: ${id}`));
  assert.deepEqual(missing, []);
});

test('code, tests, sims: every cited VS/E/N/T/P id is defined in theory/*.md', () => {
  const defined = definedIds();
  const missing: string[] = [];
  for (const f of SOURCES) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(ID)) if (!defined.has(m[0])) missing.push(`${f}: ${m[0]}`);
  }
  assert.deepEqual([...new Set(missing)], []);
});

/** The shared notes' names (built here so that this guard does not cite them itself) and issue numbers. */
const SHARED_OR_ISSUE = new RegExp(`${['THEORY', 'ENVIRONMENT'].map((k) => `${k}-NOTES`).join('|')}|STYLE\\.md|\\bissue #?\\d+`, 'gi');

test('the project cites no shared notes and no issue numbers', () => {
  const bad: string[] = [];
  for (const f of SOURCES) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(SHARED_OR_ISSUE)) bad.push(`${f}: ${m[0]}`);
  }
  assert.deepEqual(bad, []);
});

/**
 * Ids that define notation or the model rather than predict a number, so no test can fail on
 * them; what they define is tested under the ids that use it.
 */
const UNTESTED_BY_DESIGN: Readonly<Record<string, string>> = Object.freeze({
  'VS-1': 'the model f = Vσ(a) and the losses: a definition (its gradients VS-2, VS-3 and flow VS-4 are tested)',
  'P-0': 'the definition of a scalar-output loss (which problems it covers is tested through P-1, P-4 … P-7 applicability)',
});

/** Ids cited by the tests, by claims of sims that the tests run, or by an alias of a tested id. */
function testedIds(): Set<string> {
  const self = new URL(import.meta.url).pathname;
  const tests = files('test', /\.(ts|mjs)$/).filter((f) => !self.endsWith(f));
  const text = tests.map((f) => readFileSync(f, 'utf8')).join('\n');
  const tested = new Set([...text.matchAll(ID)].map((m) => m[0]));
  for (const f of files('sims', /\.ts$/)) {
    const id = basename(f, '.ts');
    if (id.startsWith('_') || !new RegExp(`(?<![\\w-])${id}(?![\\w-])`).test(text)) continue;
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/(?:claim\(\s*|\bid: )'((?:VS|E|N|T|P)-\d+[a-z]?)'/g)) tested.add(m[1]!);
  }
  // An id whose definition names a tested alias is tested (P-3 is VS-8, P-5 is VS-11 and VS-12).
  for (const [id, aliases] of definitions()) if (aliases.length > 0 && aliases.every((a) => tested.has(a))) tested.add(id);
  return tested;
}

test('every id theory/*.md defines is tested (or listed as a definition, with the reason)', () => {
  const tested = testedIds();
  const untested = [...definitions().keys()].filter((id) => !tested.has(id) && !(id in UNTESTED_BY_DESIGN));
  assert.deepEqual(untested, []);
  // The allow-list holds no id that is in fact tested, and none that theory/ does not define.
  for (const id of Object.keys(UNTESTED_BY_DESIGN)) {
    assert.ok(definitions().has(id), `${id} is not defined in theory/`);
    assert.ok(!tested.has(id), `${id} is tested: remove it from UNTESTED_BY_DESIGN`);
  }
});

test('the tested-id rule: an id cited nowhere is untested; a sim claim or an alias makes it tested', () => {
  const tested = testedIds();
  for (const id of ['P-4', 'P-6', 'P-8b', 'P-8c', 'P-16', 'P-13', 'P-1']) assert.ok(tested.has(id), id);
  assert.ok(!tested.has(['P', '99'].join('-')));
  assert.deepEqual(definitions().get('P-5'), ['VS-11', 'VS-12']);
});

test('the id checker finds an undefined id and accepts defined ones', () => {
  const defined = definedIds();
  for (const id of ['VS-8', 'E-3', 'P-8a', 'P-8c', 'T-2b', 'T-4d', 'N-3']) assert.ok(defined.has(id), id);
  for (const id of ['T', 'P', 'E'].map((k) => `${k}-99`)) assert.ok(!defined.has(id), id);
});
