#!/usr/bin/env node
/**
 * CI check of the built package's simulate worker (src/cli/simulate-worker-loader.ts): fresh
 * `vsflow simulate` processes (dist/src/cli/main.js) on a logistic (reduced), a square (low-rank)
 * and the Fig-3 regression problem with the default save times must (1) report that the build's
 * code cache was used (`VSFLOW_CODE_CACHE=report`: "shipped") and (2) print the same JSON as the
 * plain worker (`VSFLOW_CODE_CACHE=0`), wall times and `createdAt` removed. Exits 1 on any
 * difference. Run by .ci/run after `npm test` (needs `npm run build`, which `npm ci` runs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist/src/cli/main.js');
if (!existsSync(join(root, 'dist/src/cli/simulate-worker.bundle.cjs'))) {
  process.stderr.write('code-cache-smoke: dist/src/cli/simulate-worker.bundle.cjs is missing: run npm run build\n');
  process.exit(1);
}
const cases = [
  ['simulate', '--loss', 'logistic', '--dim', '8', '--tokens', '8', '--seed', '0', '--t-end', '1e4', '--json'],
  ['simulate', '--loss', 'square', '--dim', '16', '--tokens', '64', '--seed', '3', '--a-scale', '0.5', '--json'],
  ['simulate', '--problem', join(root, 'sims/data/fig3-regression-kappa5.json'), '--t-end', '300', '--until-loss', '1e-3', '--json'],
];
const strip = (text) => JSON.stringify(JSON.parse(text), (k, v) => (k === 'wallTimeMs' || k === 'createdAt' ? undefined : v));
let failed = false;
for (const args of cases) {
  const run = (mode) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, VSFLOW_CODE_CACHE: mode }, maxBuffer: 1 << 28 });
  const cached = run('report');
  const plain = run('0');
  const label = args.slice(1, 5).join(' ');
  if (cached.status !== 0 || plain.status !== 0) {
    process.stderr.write(`code-cache-smoke: ${label}: exit ${cached.status} / ${plain.status}\n${cached.stderr}${plain.stderr}`);
    failed = true;
    continue;
  }
  const use = /simulate worker code cache: (\S+)/.exec(cached.stderr)?.[1];
  const same = strip(cached.stdout) === strip(plain.stdout);
  process.stdout.write(`code-cache-smoke: ${label}: cache ${use ?? 'not reported'}, ${same ? 'same results as the plain worker' : 'RESULTS DIFFER'}\n`);
  if (use !== 'shipped' || !same) failed = true;
}
process.exit(failed ? 1 : 0);
