#!/usr/bin/env node
/**
 * Bundles the simulate worker's job (src/cli/simulate-job.ts and every vsflow module it imports;
 * dependencies stay `require`d from node_modules) into one CommonJS file with esbuild, then makes
 * its V8 code cache by running the warm-up solves in a worker of the loader
 * (src/cli/simulate-worker-loader.ts; docs/cli-startup.md). Run by `npm run build` after tsc.
 *
 * Usage: node scripts/bundle-worker.mjs [--out DIR] [--loader FILE.js] [--no-cache]
 *   --out     folder for simulate-worker.bundle.cjs and its cache (default dist/src/cli)
 *   --loader  the built loader that makes the cache (default DIR/simulate-worker-loader.js)
 */
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const out = resolve(arg('--out', join(root, 'dist/src/cli')));
const bundle = join(out, 'simulate-worker.bundle.cjs');
const loader = resolve(arg('--loader', join(out, 'simulate-worker-loader.js')));

await build({
  entryPoints: [join(root, 'src/cli/simulate-job.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.build.json'),
  // The ES modules' import.meta.url (loss-expression.ts resolves mathjs from it) becomes the bundle's own URL.
  define: { 'import.meta.url': '__vsflow_import_meta_url' },
  banner: { js: '"use strict";\nconst __vsflow_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  legalComments: 'none',
  logLevel: 'warning',
});

// Old caches are of other bundles (their names hold the bundle's hash): remove them.
for (const name of readdirSync(out)) if (/^simulate-worker\.bundle\..*\.v8cache$/.test(name)) rmSync(join(out, name));

if (!process.argv.includes('--no-cache')) {
  // The cache file's name is the loader's (it hashes the bundle as it reads it).
  const { cachePaths } = await import(loader);
  const cacheOut = cachePaths(bundle, readFileSync(bundle, 'utf8'), out).shipped;
  const reply = await new Promise((done, fail) => {
    const worker = new Worker(loader, { workerData: { bundle, warmup: true, cacheOut } });
    worker.once('message', done);
    worker.once('error', fail);
  });
  if (!reply.ok) {
    process.stderr.write(`bundle-worker: ${reply.message}\n`);
    process.exit(1);
  }
}
