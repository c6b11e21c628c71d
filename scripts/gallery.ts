/**
 * `npm run gallery [-- --quick] [-- --training] [-- --from DIR]`: regenerates the committed figure
 * gallery `docs/gallery/` from `vsflow reproduce` runs: `README.md` (claims and figures per
 * paper, see src/plot/gallery-markdown.ts) and the static SVG of every figure, in the paper style
 * (print size; the caption under each figure). Without `--from`
 * it runs `vsflow reproduce --format svg` (full-length runs unless `--quick`) into a temporary
 * folder; `--training` adds a second run of the transformer-training sims at their `--quick`
 * scale (minutes each; paper scale would take hours) whose entries are merged into the gallery
 * and marked as quick runs. With `--from` it reads an existing report folder (its
 * `report.json`). The new gallery is assembled beside the old one and swapped in by rename, so a
 * failed run leaves the committed gallery as it was. Needs the build (`npm ci` runs it) and
 * Chromium for the SVGs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { galleryMarkdown } from '../src/plot/gallery-markdown.js';
import type { ReportData } from '../src/plot/report-page.js';
import { writeFileAtomic } from '../src/core/atomic-write.js';
import { listSims } from '../sims/registry.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'gallery');

/** Temporary report folders, removed on exit (also after `fail`). */
const temps: string[] = [];

function fail(message: string): never {
  process.stderr.write(`gallery: ${message}\n`);
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  process.exit(2);
}

const args = process.argv.slice(2);
const known = new Set(['--quick', '--training', '--from']);
for (const a of args) if (a.startsWith('--') && !known.has(a)) fail(`unknown option ${a} (expected --quick, --training or --from DIR)`);
const quick = args.includes('--quick');
const training = args.includes('--training');
const fromIdx = args.indexOf('--from');
let from: string | undefined;
if (fromIdx >= 0) {
  from = args[fromIdx + 1];
  if (from === undefined || from.startsWith('--')) fail('option --from: expected a report folder, received nothing');
}

const cli = join(root, 'dist', 'src', 'cli', 'main.js');

/** Runs `vsflow reproduce` into a new temporary folder and returns the folder. */
function reproduce(extra: readonly string[]): string {
  if (!existsSync(cli)) fail(`the build is missing (${cli}); run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-gallery-'));
  temps.push(dir);
  const cmd = ['reproduce', '--out', dir, '--format', 'svg', ...extra];
  const r = spawnSync(process.execPath, [cli, ...cmd], { stdio: ['ignore', 'inherit', 'inherit'] });
  // Exit 1 means a claim failed: the gallery still shows it (that is what it is for).
  if (r.status !== 0 && r.status !== 1) fail(`vsflow ${cmd.join(' ')} exited with ${r.status ?? r.signal}`);
  return dir;
}

function readReport(dir: string): ReportData {
  const path = join(dir, 'report.json');
  if (!existsSync(path)) fail(`no report.json in ${dir}`);
  return JSON.parse(readFileSync(path, 'utf8')) as ReportData;
}

/** Each report with the folder its figure paths are relative to. */
const parts: { dir: string; data: ReportData }[] = [];
if (from !== undefined) {
  parts.push({ dir: resolve(from), data: readReport(resolve(from)) });
} else {
  const main = reproduce(quick ? ['--quick'] : []);
  parts.push({ dir: main, data: readReport(main) });
  if (training) {
    const heavy = (await listSims()).filter((x) => x.heavy === true).map((x) => x.id);
    const t = reproduce(['--quick', '--only', heavy.join(',')]);
    parts.push({ dir: t, data: readReport(t) });
  }
}
const first = parts[0]!.data;
const data: ReportData =
  parts.length === 1
    ? first
    : {
        ...first,
        wallTimeMs: parts.reduce((s, p) => s + p.data.wallTimeMs, 0),
        entries: parts.flatMap((p) => p.data.entries),
        // The first run's "skipped the training sims" note no longer applies.
        notes: [...first.notes.filter((n) => !/training sims/.test(n)), ...parts.slice(1).flatMap((p) => p.data.notes)],
      };
const dirOf = new Map(parts.flatMap((p) => p.data.entries.map((e) => [e.id, p.dir] as const)));
const command = `npm run gallery${quick || training ? ' --' : ''}${quick ? ' --quick' : ''}${training ? ' --training' : ''}`;

const staging = `${target}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
try {
  mkdirSync(staging, { recursive: true });
  let copied = 0;
  for (const e of data.entries) {
    for (const f of e.figures) {
      if (f.svg === undefined) continue;
      const dest = join(staging, f.svg);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(join(dirOf.get(e.id)!, f.svg), dest);
      copied++;
    }
  }
  if (copied === 0) fail('the report has no SVG figures (is Chromium installed? see vsflow reproduce --help)');
  // The gallery keeps the SVGs only: the tidy CSVs (up to ~1 MB a figure) stay with `vsflow sim`.
  const svgOnly: ReportData = { ...data, entries: data.entries.map((e) => ({ ...e, figures: e.figures.map(({ csv: _csv, ...f }) => f) })) };
  writeFileAtomic(join(staging, 'README.md'), galleryMarkdown(svgOnly, command));
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  process.stdout.write(`gallery: ${copied} figures and README.md in ${target}\n`);
} finally {
  rmSync(staging, { recursive: true, force: true });
  for (const t of temps) rmSync(t, { recursive: true, force: true });
}
