// VERSION (read by runMeta in every entry, the browser-safe one included) equals package.json's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/core/version.js';
import { packageVersion, runMeta } from '../../src/core/run-meta.js';

test('VERSION is package.json version (bump both)', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version, 'src/core/version.ts differs from package.json');
  assert.equal(packageVersion(), pkg.version);
  assert.equal(runMeta({ seed: null, wallTimeMs: 0 }).node, process.version);
});
