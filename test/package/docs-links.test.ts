// The docs work after install: every relative link in the shipped Markdown (README, docs/,
// theory/) points at a file that `npm pack` puts in the tarball, and no doc cites a file outside
// the repository. LICENSE, CITATION.cff and CITATION.bib ship and agree with package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const packed: string[] = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
const shipped = new Set(packed);
const markdown = packed.filter((p) => p.endsWith('.md'));

test('the tarball ships the docs, licence, citation files and changelog', () => {
  for (const f of ['README.md', 'LICENSE', 'CITATION.cff', 'CITATION.bib', 'CHANGELOG.md', 'docs/guide.md', 'docs/result-schema.md', 'theory/README.md']) {
    assert.ok(shipped.has(f), `${f} is in the tarball`);
  }
  assert.ok(!packed.some((p) => p.startsWith('docs/api/')), 'generated API HTML is not shipped');
});

test('every relative Markdown link in the tarball resolves to a shipped file', () => {
  const broken: string[] = [];
  for (const file of markdown) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1]!;
      if (/^[a-z]+:/i.test(href) || href.startsWith('#')) continue;
      const target = normalize(join(dirname(file), decodeURI(href.split('#')[0]!)));
      if (!shipped.has(target) && !packed.some((p) => p.startsWith(`${target}/`))) broken.push(`${file}: ${href}`);
    }
  }
  assert.deepEqual(broken, [], 'links to files that are not in the tarball');
});

test('no shipped doc or source cites notes outside the repository', () => {
  // dist/ is built from src/ (and may be stale in a work tree): check the sources it comes from.
  const sources = [...packed.filter((p) => /\.(md|ts)$/.test(p) && !p.startsWith('dist/')), ...execFileSync('git', ['ls-files', 'src'], { encoding: 'utf8' }).trim().split('\n')];
  // The shared notes' names, built here so that this guard does not cite them itself.
  const SHARED_NOTES = new RegExp(`${['THEORY', 'ENVIRONMENT'].map((k) => `${k}-NOTES`).join('|')}|/work/shared`);
  const offenders = sources.filter((p) => SHARED_NOTES.test(readFileSync(p, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('LICENSE is MIT as package.json says, and the citation files name the three papers', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string; version: string };
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync('LICENSE', 'utf8'), /^MIT License/);
  const cff = readFileSync('CITATION.cff', 'utf8');
  assert.match(cff, new RegExp(`^version: ${pkg.version.replace(/\./g, '\\.')}$`, 'm'), 'CITATION.cff version matches package.json');
  const bib = readFileSync('CITATION.bib', 'utf8');
  for (const title of ['Gradient Flow Polarizes Softmax Outputs towards Low-Entropy Solutions', 'Transformer Training Instability of Softmax and Lipschitz Kernel Attentions', 'Eureka-Moments in Transformers: Multi-Step Tasks Reveal Softmax Induced Optimization Problems']) {
    assert.ok(cff.includes(title), `CITATION.cff cites ${title}`);
    assert.ok(bib.includes(`title  = {${title}}`), `CITATION.bib cites ${title}`);
  }
  assert.equal((bib.match(/^@\w+\{/gm) ?? []).length, 4, 'vsflow and three papers');
});
