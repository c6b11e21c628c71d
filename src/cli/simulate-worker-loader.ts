/**
 * The simulate worker of a built package: runs simulate-job.ts from its one-file bundle
 * (simulate-worker.bundle.cjs, made by scripts/bundle-worker.mjs) and compiles that bundle with
 * V8's code cache, so a fresh `vsflow simulate` neither resolves ~90 modules nor parses and
 * compiles each function it calls on first use. The code and so the numbers are the same as the
 * plain worker's (simulate-worker.ts; tested bit for bit); only when the code is compiled changes.
 * Measured on Node 20 (2-core EPYC; docs/cli-startup.md): the first logistic 2×8 solve 2.3 → 0.9 ms.
 *
 * The cache is bytecode for one bundle under one V8 version and flag set. V8 checks its version
 * and flags (a mismatch is "rejected": the bundle is compiled as usual) but identifies the source
 * only by its length, so every cache file is named by a SHA-256 of the bundle's text, Node's
 * version and the architecture: a cache of other code is never found. Where it is looked for:
 * 1. next to the bundle, `simulate-worker.bundle.<key>.v8cache`: written by the build (`npm run
 *    build`, from the warm-up solves of `codeCacheWarmupJobs`), never at run time;
 * 2. else in `$TMPDIR/vsflow-code-cache/` (also keyed by Node's exec options, which can change
 *    V8's flags): written atomically after a run that found no usable cache, so a Node other than
 *    the one that built the package pays the compile once.
 * `VSFLOW_CODE_CACHE=0` turns the bundle and the cache off (the CLI then starts the plain worker).
 *
 * workerData: `{ bundle, job }` (one simulate job; the reply is posted with `codeCache` added) or
 * `{ bundle, warmup: true, cacheOut }` (the build: run the warm-up jobs, write the cache to
 * cacheOut). `tmpCacheDir` replaces the temporary folder (tests).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { setWorkerEngineFlags } from './worker-engine-flags.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { SimulateJob, SimulateReply } from './simulate-job.js';

/** How the bundle was compiled: from a cache (which one), or without one (none found, or rejected). */
export type CodeCacheUse = 'shipped' | 'user' | 'miss' | 'rejected';

/** The worker's input (see the module doc). */
export interface LoaderData {
  bundle: string;
  job?: SimulateJob;
  warmup?: boolean;
  cacheOut?: string;
  tmpCacheDir?: string;
}

/** What the bundle exports (simulate-job.ts). */
interface BundleExports {
  runSimulateJob(job: SimulateJob): Promise<SimulateReply>;
  codeCacheWarmupJobs(): SimulateJob[];
}

/** The cache file names for `source`: the shipped one next to `bundle`, and the user one in `tmp`. */
export function cachePaths(bundle: string, source: string, tmp: string): { shipped: string; user: string } {
  const key = createHash('sha256').update(source).update('\0').update(process.version).update('\0').update(process.arch).digest('hex').slice(0, 24);
  const exec = createHash('sha256').update(process.execArgv.join('\0')).update('\0').update(process.env.NODE_OPTIONS ?? '').digest('hex').slice(0, 8);
  const stem = basename(bundle).replace(/\.cjs$/, '');
  return { shipped: join(dirname(bundle), `${stem}.${key}.v8cache`), user: join(tmp, `${stem}.${key}.${exec}.v8cache`) };
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Writes `data` to `path` atomically (core/atomic-write.ts); false if it cannot (a cache is optional). */
function writeAtomically(path: string, data: Uint8Array): boolean {
  try {
    writeFileAtomic(path, data);
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles the bundle (with the first cache V8 accepts) and evaluates it as a CommonJS module.
 * The wrapper is CommonJS's; the bundle starts with "use strict", as its ES modules were.
 */
export function loadBundle(bundle: string, tmp: string): { exports: BundleExports; script: Script; use: CodeCacheUse; paths: { shipped: string; user: string } } {
  const source = readFileSync(bundle, 'utf8');
  const paths = cachePaths(bundle, source, tmp);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  let script: Script | undefined;
  let use: CodeCacheUse = 'miss';
  for (const [path, kind] of [[paths.shipped, 'shipped'], [paths.user, 'user']] as const) {
    const cachedData = readOrUndefined(path);
    if (cachedData === undefined) continue;
    script = new Script(wrapped, { filename: bundle, cachedData });
    if (script.cachedDataRejected !== true) {
      use = kind;
      break;
    }
    use = 'rejected';
  }
  script ??= new Script(wrapped, { filename: bundle });
  const module = { exports: {} as BundleExports };
  const fn = script.runInThisContext() as (e: object, r: NodeRequire, m: object, f: string, d: string) => void;
  fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { exports: module.exports, script, use, paths };
}

async function main(data: LoaderData): Promise<void> {
  setWorkerEngineFlags();
  const tmp = data.tmpCacheDir ?? join(tmpdir(), 'vsflow-code-cache');
  const { exports, script, use, paths } = loadBundle(data.bundle, tmp);
  if (data.warmup === true) {
    for (const job of exports.codeCacheWarmupJobs()) {
      const reply = await exports.runSimulateJob(job);
      if (!reply.ok) throw new Error(`code-cache warm-up solve failed: ${reply.message}`);
    }
    const written = data.cacheOut !== undefined && writeAtomically(data.cacheOut, script.createCachedData());
    parentPort!.postMessage({ ok: written, codeCache: use, message: written ? `wrote ${data.cacheOut}` : `could not write ${data.cacheOut}` });
    return;
  }
  const reply = await exports.runSimulateJob(data.job!);
  parentPort!.postMessage({ ...reply, codeCache: use });
  // After the reply (the CLI thread goes on): keep this run's bytecode for the next process.
  if (use === 'miss' || use === 'rejected') writeAtomically(paths.user, script.createCachedData());
}

if (parentPort !== null && (workerData as LoaderData | null)?.bundle !== undefined) void main(workerData as LoaderData);
