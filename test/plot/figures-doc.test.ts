/**
 * docs/figures.md: its matplotlib example runs on a CSV written from a real run (when Python with
 * pandas and matplotlib is installed), its pgfplots example names columns and series that the CSV
 * has, and the library example states the parameters runSim really resolves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSim } from '../../sims/index.js';
import { writeFigure } from '../../src/plot/html-writer.js';
import { parseCsv } from '../helpers/csv.js';

const doc = readFileSync('docs/figures.md', 'utf8');
const block = (lang: string): string => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc);
  assert.ok(m, `docs/figures.md has a ${lang} block`);
  return m[1]!;
};

async function writeCsv(dir: string): Promise<string> {
  const r = await runSim('entropy-vs-logit-variance', { quick: true });
  const f = r.figures.find((x) => x.name === 'entropy-vs-logit-variance')!;
  return writeFigure(dir, f, { source: r.sim, config: r.config, meta: r.meta }).csv;
}

test('the matplotlib example has five lines and re-plots the CSV (run when pandas and matplotlib are installed)', async (t) => {
  const py = block('python');
  assert.equal(py.trimEnd().split('\n').length, 5);
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-doc-'));
  try {
    const csv = await writeCsv(dir);
    const has = spawnSync('python3', ['-c', 'import pandas, matplotlib'], { encoding: 'utf8' });
    if (has.status !== 0) {
      t.skip('python3 with pandas and matplotlib is not installed');
      return;
    }
    const code = py.replace('vsflow-out/entropy-vs-logit-variance/entropy-vs-logit-variance.csv', csv);
    execFileSync('python3', ['-c', code], { cwd: dir, env: { ...process.env, MPLBACKEND: 'Agg' }, timeout: 60_000 });
    const pdf = join(dir, 'entropy.pdf');
    assert.ok(existsSync(pdf) && statSync(pdf).size > 1000, 'matplotlib wrote the PDF');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the pgfplots example uses columns and series the CSV has', async () => {
  const tex = block('latex');
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-doc-'));
  try {
    const rows = parseCsv(readFileSync(await writeCsv(dir), 'utf8'));
    const header = rows[0]!;
    for (const col of ['series', 'x', 'y']) assert.ok(header.includes(col) && tex.includes(col), col);
    const series = new Set(rows.slice(1).map((r) => r[header.indexOf('series')]));
    const wanted = /\\foreach \\s in \{([^}]*)\}/.exec(tex)![1]!.split(',').map((s) => s.trim());
    for (const s of wanted) assert.ok(series.has(s), `series ${s} in ${[...series].join(' | ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the library example states what runSim resolves', async () => {
  const ts = block('ts');
  const stated = /r\.config\.params; \/\/ (\{.*\})/.exec(ts)![1]!;
  const r = await runSim('entropy-vs-logit-variance', { quick: true, seed: 7, params: { n: 40, d: 3, trials: 10 } });
  const expected = Function(`return (${stated})`)() as Record<string, unknown>;
  assert.deepEqual({ ...(r.config.params as Record<string, unknown>), trials: expected.trials }, expected, 'same names and values (trials lowered here for speed)');
});
