/**
 * Every theory id the code cites is defined in theory/*.md: the ids of the sims' `theoryIds`,
 * and every VS-, E-, N-, T- or P- id named in src/, sims/, test/, bench/ and scripts/. An id is
 * defined by a heading (`## E-2, E-3 …`) or a bold item (`- **P-8a …`, `- **Name** (P-0)`) of a
 * theory file. The
 * project cites no file outside it (the notes shared beside the repository) and no issue numbers, which
 * a reader of the package cannot open.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Ids defined in theory/*.md: on heading lines and right after `**` (with a/b/c suffix groups). */
function definedIds(): Set<string> {
  const ids = new Set<string>();
  for (const f of files('theory', /\.md$/)) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (/^#+ /.test(line)) for (const m of line.matchAll(ID)) ids.add(m[0]);
      for (const m of line.matchAll(/\*\*((?:VS|E|N|T|P)-\d+[a-z]?)/g)) ids.add(m[1]!);
      // `- **Scalar-output loss** (P-0): …`
      for (const m of line.matchAll(/\*\*[^*]+\*\* \(((?:VS|E|N|T|P)-\d+[a-z]?)\)/g)) ids.add(m[1]!);
    }
  }
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

test('the id checker finds an undefined id and accepts defined ones', () => {
  const defined = definedIds();
  for (const id of ['VS-8', 'E-3', 'P-8a', 'P-8c', 'T-2b', 'T-4d', 'N-3']) assert.ok(defined.has(id), id);
  for (const id of ['T', 'P', 'E'].map((k) => `${k}-99`)) assert.ok(!defined.has(id), id);
});
