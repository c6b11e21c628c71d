/**
 * `npm run gallery [-- --quick] [-- --training] [-- --from DIR]`: regenerates the committed figure
 * gallery `docs/gallery/` from a `vsflow reproduce` run: `README.md` (claims and figures per
 * paper, see src/plot/gallery-markdown.ts) and the static SVG of every figure. Without `--from`
 * it runs `vsflow reproduce --format svg` (full-length runs unless `--quick`) into a temporary
 * folder first; with `--from` it reads an existing report folder (its `report.json`). The new
 * gallery is assembled beside the old one and swapped in by rename, so a failed run leaves the
 * committed gallery as it was. Needs the build (`npm ci` runs it) and Chromium for the SVGs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { galleryMarkdown } from '../src/plot/gallery-markdown.js';
import type { ReportData } from '../src/plot/report-page.js';
import { writeFileAtomic } from '../src/core/atomic-write.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'gallery');

function fail(message: string): never {
  process.stderr.write(`gallery: ${message}\n`);
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

let reportDir: string;
let cleanup: string | undefined;
if (from !== undefined) {
  reportDir = resolve(from);
} else {
  const cli = join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) fail(`the build is missing (${cli}); run npm run build first`);
  cleanup = mkdtempSync(join(tmpdir(), 'vsflow-gallery-'));
  reportDir = cleanup;
  const cmd = ['reproduce', '--out', reportDir, '--format', 'svg', ...(quick ? ['--quick'] : []), ...(training ? ['--training'] : [])];
  const r = spawnSync(process.execPath, [cli, ...cmd], { stdio: ['ignore', 'inherit', 'inherit'] });
  // Exit 1 means a claim failed: the gallery still shows it (that is what it is for).
  if (r.status !== 0 && r.status !== 1) fail(`vsflow ${cmd.join(' ')} exited with ${r.status ?? r.signal}`);
}

const reportPath = join(reportDir, 'report.json');
if (!existsSync(reportPath)) fail(`no report.json in ${reportDir}`);
const data = JSON.parse(readFileSync(reportPath, 'utf8')) as ReportData;
const command = `npm run gallery${quick ? ' -- --quick' : ''}${training ? ' -- --training' : ''}`;

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
      copyFileSync(join(reportDir, f.svg), dest);
      copied++;
    }
  }
  if (copied === 0) fail('the report has no SVG figures (is Chromium installed? see vsflow reproduce --help)');
  writeFileAtomic(join(staging, 'README.md'), galleryMarkdown(data, command));
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  process.stdout.write(`gallery: ${copied} figures and README.md in ${target}\n`);
} finally {
  rmSync(staging, { recursive: true, force: true });
  if (cleanup !== undefined) rmSync(cleanup, { recursive: true, force: true });
}
