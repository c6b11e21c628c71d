/**
 * The progress bar loads cli-progress on the first bar drawn (src/cli/progress.ts): without a
 * terminal, createProgress is a no-op and cli-progress is not loaded; on a terminal, the bar is
 * drawn as before (`label [...] 0% | 0/total | ETA …` on stderr).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createProgress } from '../../src/cli/progress.js';

const require = createRequire(import.meta.url);
const path = require.resolve('cli-progress');

test('no terminal: a no-op, cli-progress not loaded; a terminal: the bar is drawn', () => {
  const isTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  const write = process.stderr.write;
  let out = '';
  try {
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    const quiet = createProgress('simulate', 10);
    quiet.update(5);
    quiet.stop();
    assert.equal(require.cache[path], undefined, 'cli-progress loaded without a terminal');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    process.stderr.write = ((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    const bar = createProgress('simulate', 10);
    bar.update(5);
    bar.stop();
  } finally {
    process.stderr.write = write;
    if (isTTY) Object.defineProperty(process.stderr, 'isTTY', isTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  assert.ok(require.cache[path] !== undefined, 'cli-progress loaded for the bar');
  assert.match(out, /simulate \[[░█]+\] 0% \| 0\/10 \| ETA/);
});
