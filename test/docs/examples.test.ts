// Every example of docs/examples runs, prints what its `// expect: REGEX` comments say, and is
// shown verbatim in docs/guide.md (so the guide never drifts from code that runs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dir = 'docs/examples';
const examples = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
const guide = readFileSync('docs/guide.md', 'utf8');

test('there are examples and the guide shows each one verbatim', () => {
  assert.ok(examples.length >= 3);
  for (const file of examples) {
    const code = readFileSync(join(dir, file), 'utf8').trimEnd();
    assert.ok(guide.includes(`<!-- example: ${dir}/${file} -->\n\`\`\`ts\n${code}\n\`\`\``), `docs/guide.md shows ${file} verbatim (regenerate the block)`);
  }
});

// Each example is its own process: run them side by side.
describe('docs/examples', { concurrency: true }, () => {
  for (const file of examples) {
    test(`docs/examples/${file} runs and prints what it states`, async () => {
      const path = join(dir, file);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', path], { timeout: 60_000 });
      const lines = stdout.trimEnd().split('\n');
      const expects = [...readFileSync(path, 'utf8').matchAll(/\/\/ expect: (.+)$/gm)].map((m) => new RegExp(m[1]!));
      assert.ok(expects.length > 0, `${file} states at least one expected output`);
      for (const re of expects) assert.ok(lines.some((l) => re.test(l)), `${file}: no output line matches ${re}\n${stdout}`);
    });
  }
});
