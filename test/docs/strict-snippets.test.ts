// Every TypeScript example in the docs compiles under `strict`: the ```ts blocks of README.md
// and docs/*.md (importing 'vsflow', 'vsflow/core' or 'vsflow/train', mapped to the sources) and
// the files of docs/examples, type-checked together by tsc. A docs example that only works with
// casts, or uses a field that does not exist, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const docs = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** The ```ts blocks of a Markdown file that are not verbatim copies of docs/examples files. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/(<!-- example: [^>]+ -->\n)?```ts\n([\s\S]*?)```/g)].filter((m) => m[1] === undefined).map((m) => m[2]!);
}

test('README and docs TypeScript examples compile under strict', { timeout: 120_000 }, () => {
  const dir = resolve('.scratch/strict-snippets');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const doc of docs) {
    tsBlocks(readFileSync(doc, 'utf8')).forEach((code, i) => {
      const name = `${doc.replace(/[/.]/g, '_')}_${i}.ts`;
      // `export {}` makes each snippet a module (top-level await, no global name clashes).
      writeFileSync(join(dir, name), `${code}\nexport {};\n`);
      files.push(name);
    });
  }
  assert.ok(files.length >= 2, `found ${files.length} snippets`);
  const root = resolve('.');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], strict: true,
        noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')],
        paths: { vsflow: [join(root, 'src/index.ts')], 'vsflow/core': [join(root, 'src/core-entry.ts')], 'vsflow/train': [join(root, 'src/train/index.ts')] },
      },
      files: [...files, join(root, 'src/integrators/ode45-cash-karp.d.ts'), ...readdirSync('docs/examples').filter((f) => f.endsWith('.ts')).map((f) => join(root, 'docs/examples', f))],
    }),
  );
  try {
    execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`tsc --strict on the docs examples:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
  }
});
