// TypeDoc takes a barrel's leading comment as the summary of its first re-export unless the
// comment is tagged @module (before this test `simulate`, `observe` and `loadBackend` were all
// summarised "Public API of src/…"). Measured with `npx typedoc --json` (excludeExternals, so the
// `tf` namespace of vsflow/train/tensors is not documented as ours): 178 functions, none
// with a barrel summary, none without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const barrels = ['src/index.ts', ...readdirSync('src', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join('src', e.name, 'index.ts')).filter((f) => existsSync(f))];

test('every barrel comment is a @module comment, so it never becomes a function summary', () => {
  for (const file of barrels) {
    const head = /^\/\*\*[\s\S]*?\*\//.exec(readFileSync(file, 'utf8'));
    assert.ok(head, `${file} starts with a doc comment`);
    assert.match(head[0], /@module\b/, `${file}: tag the leading comment @module`);
  }
});
