/**
 * `vsflow sweep`: the polarisation predictions (theory/polarization-predictions.md) over many
 * seeded random problems on all cores, resumable from its output file.
 *
 *   vsflow sweep --count 1000 --sizes 2x4,8x8 --v-scales 0.1,1 --losses logistic,square \
 *     --seed 0 --workers auto --out sweep.json
 *
 * The output JSON (written atomically every 2 s and at the end) holds the configuration, one
 * compact entry per problem and the per-prediction tallies. Rerunning the same command resumes:
 * problems already in the file are skipped (a larger --count extends it; any other change of
 * configuration is refused). The worst cases of every prediction are written beside the output as
 * `<out>.worst/problem-<i>.json`, replayable with `vsflow check --problem`.
 * Exit codes: 0 when every prediction held, 1 when one failed on some problem, 2 on bad input,
 * 130 when interrupted by SIGINT or SIGTERM (what was computed is kept).
 *
 * Sharded (array jobs, docs/cluster.md): `--shard K/N --out DIR` (or `--shard env/N`, K from the
 * array engine's task index) runs only shard K's contiguous block of problems (0-based K, as
 * Slurm's `--array=0-(N-1)`) into `DIR/shard-K-of-N.json`, resumable the same way; it exits 0
 * once its block is complete, whether or not predictions failed (a finding, not a job failure).
 * `vsflow sweep merge DIR` checks the shards agree, combines them into `DIR/merged.json` (equal
 * entry for entry to the unsharded run, timings aside) and exits 3 listing the missing shards as
 * a ready-to-paste `--array=` when some are missing or incomplete.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { OptionError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { checkMemory } from '../../core/limits.js';
import { LOSSES } from '../../models/problem.js';
import { resolveSweepConfig, runSweep, sweepProblem, sweepResult, SWEEP_DEFAULTS, type SweepConfig, type SweepEntry, type SweepResult } from '../../experiments/sweep.js';
import { arraySpec, parseShard, parseShardFileName, shardFileName, shardRange, type Shard } from '../../experiments/shard.js';
import { mergeSweepShards, sweepShardResult, type ShardInput, type SweepShardResult } from '../../experiments/sweep-merge.js';
import { parseChoiceList, parseNumber, parseNumberList } from '../parse.js';
import { runAction } from '../run-action.js';
import { renamedOption } from '../renamed-options.js';
import { subcommandFlags } from '../subcommand-flags.js';
import { createProgress } from '../progress.js';

/** The flags that make up a sweep's configuration (shared with `vsflow slurm sweep`). */
export interface SweepConfigFlags {
  count?: string;
  sizes?: string;
  vScales?: string;
  aScales?: string;
  losses?: string;
  seed?: string;
  tEnd?: string;
  maxSteps?: string;
}

interface Flags extends SweepConfigFlags {
  workers?: string;
  out?: string;
  shard?: string;
  json?: boolean;
}

/** Parses `2x4,8x8` into [[2, 4], [8, 8]]. */
export function parseSizes(text: string | undefined): [number, number][] {
  if (text === undefined || text.trim() === '') throw new OptionError('--sizes', 'a comma-separated list of DxN (e.g. 2x4,8x8)', text);
  return text.split(',').map((part, i) => {
    const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/.exec(part);
    if (!m) throw new OptionError(`--sizes[${i}]`, 'DxN with positive integers (e.g. 8x8)', part);
    return [parseNumber(`--sizes[${i}]`, m[1], { integer: true, min: 1, max: 512 }), parseNumber(`--sizes[${i}]`, m[2], { integer: true, min: 1, max: 512 })];
  });
}

/** The sweep configuration from its flags (errors name the flag). */
export function sweepConfigFromFlags(flags: SweepConfigFlags): SweepConfig {
  return resolveSweepConfig({
    count: flags.count === undefined ? SWEEP_DEFAULTS.count : parseNumber('--count', flags.count, { integer: true, min: 1, max: 1e7 }),
    sizes: flags.sizes === undefined ? SWEEP_DEFAULTS.sizes : parseSizes(flags.sizes),
    initScales: flags.vScales === undefined ? SWEEP_DEFAULTS.initScales : parseNumberList('--v-scales', flags.vScales, { min: 0 }),
    aScales: flags.aScales === undefined ? SWEEP_DEFAULTS.aScales : parseNumberList('--a-scales', flags.aScales, { min: 0 }),
    losses: flags.losses === undefined ? SWEEP_DEFAULTS.losses : parseChoiceList('--losses', flags.losses, LOSSES),
    seed: flags.seed === undefined ? SWEEP_DEFAULTS.seed : parseNumber('--seed', flags.seed, { integer: true }),
    tEnd: flags.tEnd === undefined ? undefined : parseNumber('--t-end', flags.tEnd, { gt: 0 }),
    ...(flags.maxSteps === undefined ? {} : { maxSteps: parseNumber('--max-steps', flags.maxSteps, { integer: true, min: 1 }) }),
  });
}

/** The configuration as flags of `vsflow sweep` (canonical: every setting explicit). */
export function sweepConfigArgs(c: SweepConfig): string[] {
  return [
    '--count', String(c.count),
    '--sizes', c.sizes.map(([d, n]) => `${d}x${n}`).join(','),
    '--v-scales', c.initScales.join(','),
    '--a-scales', c.aScales.join(','),
    '--losses', c.losses.join(','),
    '--seed', String(c.seed),
    ...(c.tEnd === undefined ? [] : ['--t-end', String(c.tEnd)]),
    ...(c.maxSteps === undefined ? [] : ['--max-steps', String(c.maxSteps)]),
  ];
}

/** Adds the options of a sweep's configuration to `command`. */
export function addSweepConfigOptions(command: Command): Command {
  renamedOption(command, '--init-scales <list>', '--v-scales');
  return command
    .option('--count <int>', `number of problems (default ${SWEEP_DEFAULTS.count})`)
    .option('--sizes <list>', 'sizes DxN (--dim × --tokens of the random problems), comma-separated (default 2x4,8x8)')
    .option('--v-scales <list>', `V ~ x·N(0,1) scales, as --v-scale of vsflow check (default ${SWEEP_DEFAULTS.initScales.join(',')})`)
    .option('--a-scales <list>', 'a ~ x·N(0,1) scales, as --a-scale of vsflow check (default 0: uniform attention at t = 0)')
    .option('--losses <list>', `losses (default ${SWEEP_DEFAULTS.losses.join(',')})`)
    .option('--seed <int>', 'sweep seed (default 0)')
    .option('--t-end <x>', 'final time (default per loss, as vsflow check)')
    .option('--max-steps <int>', 'step budget of each integration (default as vsflow check); stiff problems (e.g. regression with large ‖X‖‖V‖) need more');
}

/**
 * Entries of an existing output file that belong to the same sweep (resume), or none. A shard's
 * file must hold the same shard of the same configuration (count included: it decides the block).
 */
export function resumeEntries(path: string, config: SweepConfig, shard?: Shard): SweepEntry[] {
  if (!existsSync(path)) return [];
  let old: SweepResult;
  try {
    old = JSON.parse(readFileSync(path, 'utf8')) as SweepResult;
  } catch (error) {
    throw new OptionError('--out', 'a new path or an earlier sweep output (valid JSON) to resume', path, (error as Error).message.split('\n')[0]);
  }
  if (!old || typeof old !== 'object' || !old.config || !Array.isArray(old.entries)) throw new OptionError('--out', 'a new path or an earlier sweep output to resume', path, 'the file is not a vsflow sweep result');
  const strip = (c: SweepConfig): string => JSON.stringify({ ...c, count: shard === undefined ? 0 : c.count, tEnd: c.tEnd ?? null, maxSteps: c.maxSteps ?? null });
  if (shard !== undefined) {
    const s = (old as Partial<SweepShardResult>).shard;
    if (s === undefined || s.index !== shard.index || s.count !== shard.count || strip(old.config) !== strip(config)) {
      throw new OptionError('--out', `the same sweep and shard ${shard.index}/${shard.count} to resume ${path}`, `a file of ${s === undefined ? 'an unsharded sweep' : `shard ${s.index}/${s.count}`} with ${JSON.stringify(old.config)}`, 'use another --out folder');
    }
  }
  if (strip(old.config) !== strip(config)) {
    throw new OptionError('--out', 'the same sweep configuration to resume (only --count may grow)', path, `it holds ${JSON.stringify({ ...old.config, count: undefined })}; use another --out`);
  }
  // Finished work is never dropped: a smaller --count (or the default) than the file holds is refused.
  const beyond = old.entries.filter((e) => e.index >= config.count);
  if (beyond.length > 0) {
    const need = beyond.reduce((m, e) => Math.max(m, e.index), 0) + 1;
    throw new OptionError('--count', `at least ${need} to resume ${path} (it holds ${old.entries.length} finished entries, up to index ${need - 1})`, config.count, 'pass --count ' + need + ' or more, or use another --out');
  }
  return old.entries;
}

const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(x === 1 ? 0 : 1)}%`);

/** The human summary: one row per prediction. */
export function formatSweep(result: SweepResult, worstDir: string | undefined, range?: { start: number; end: number }): string {
  const head = ['prediction', 'held', 'pass', 'fail', 'inconcl.', 'n/a', 'worst problems'];
  const rows = Object.entries(result.summary).map(([name, s]) => [name, pct(s.held), String(s.pass), String(s.fail), String(s.inconclusive), String(s.notApplicable), s.worst.join(',')]);
  const width = head.map((h, c) => rows.reduce((w, r) => Math.max(w, r[c]!.length), h.length));
  const line = (cells: string[]): string => cells.map((s, c) => (c === 0 ? s.padEnd(width[c]!) : s.padStart(width[c]!))).join('  ');
  const lines = [line(head), ...rows.map(line)];
  const of = range === undefined ? `${result.config.count} problems` : `${range.end - range.start} problems of this shard ([${range.start}, ${range.end}) of ${result.config.count})`;
  lines.push(`${result.done}/${of}, ${result.failedProblems} with a failed prediction${worstDir ? `; worst cases in ${worstDir}/ (replay: vsflow check --problem ${worstDir}/problem-<i>.json)` : ''}`);
  return lines.join('\n');
}

/** Writes the worst cases' problem files; returns the folder. */
function writeWorst(out: string, result: SweepResult): string {
  const dir = `${out}.worst`;
  mkdirSync(dir, { recursive: true });
  const byIndex = new Map<number, string[]>();
  for (const [name, s] of Object.entries(result.summary)) {
    for (const i of s.worst) byIndex.set(i, [...(byIndex.get(i) ?? []), name]);
  }
  for (const [i, names] of byIndex) {
    const e = result.entries.find((x) => x.index === i)!;
    const spec = sweepProblem(result.config, i);
    const failed = Object.keys(e.failures);
    spec.comment = `vsflow sweep problem ${i} (seed ${e.seed}): worst case of ${names.join(', ')}${failed.length ? `; FAILED ${failed.join(', ')}` : ''}${replayFlags(result.config)}`;
    writeJsonAtomic(join(dir, `problem-${i}.json`), spec);
  }
  // Worst cases of an earlier (interrupted) run that are no longer the worst would be replayed
  // by mistake: remove them (only vsflow's own problem-<i>.json files).
  for (const name of readdirSync(dir)) {
    const m = /^problem-(\d+)\.json$/.exec(name);
    if (m && !byIndex.has(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
  return dir;
}

/** The `vsflow check` flags that replay a sweep problem with the sweep's settings. */
function replayFlags(c: SweepConfig): string {
  const flags = [c.tEnd !== undefined ? `--t-end ${c.tEnd}` : '', c.maxSteps !== undefined ? `--max-steps ${c.maxSteps}` : ''].filter(Boolean);
  return flags.length > 0 ? `; replay with ${flags.join(' ')}` : '';
}

/** Runs `fn` with SIGINT and SIGTERM aborting `controller` (a second signal exits 130 at once). */
async function withSignals<T>(controller: AbortController, fn: () => Promise<T>): Promise<T> {
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The output folder of a sharded run: absent or a folder (errors name --out). */
function checkOutDir(dir: string | undefined): string {
  if (dir === undefined || dir.trim() === '') throw new OptionError('--out', 'a folder for the shard files (with --shard)', dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new OptionError('--out', 'a folder (with --shard the shard writes DIR/shard-K-of-N.json)', dir, 'it is a file');
  return dir;
}

/** `vsflow sweep` itself, unsharded or one shard. */
async function sweepAction(flags: Flags): Promise<void> {
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard, process.env);
  const out = shard === undefined ? (flags.out ?? 'sweep.json') : join(checkOutDir(flags.out), shardFileName(shard));
  if (out.trim() === '') throw new OptionError('--out', 'a file path', flags.out);
  const config = sweepConfigFromFlags(flags);
  // Each entry is a few kB of JSON kept in memory and rewritten every 2 s.
  checkMemory('--count', config.count, config.count * 4096, `${config.count} sweep entries`);
  const workers = flags.workers === undefined || flags.workers === 'auto' ? 'auto' : parseNumber('--workers', flags.workers, { integer: true, min: 0, max: 256 });
  const range = shard === undefined ? undefined : shardRange(config.count, shard);
  const done = resumeEntries(out, config, shard);
  const started = performance.now();
  const entries = new Map<number, SweepEntry>(done.map((e) => [e.index, e]));
  const build = (list: readonly SweepEntry[], wallTimeMs: number): SweepResult | SweepShardResult => (shard === undefined ? sweepResult(config, list, wallTimeMs) : sweepShardResult(config, shard, list, wallTimeMs));
  const save = (): void => writeJsonAtomic(out, build([...entries.values()], performance.now() - started));
  const total = range === undefined ? config.count : range.end - range.start;
  const bar = createProgress(shard === undefined ? 'sweep' : `sweep shard ${shard.index}/${shard.count}`, total);
  bar.update(entries.size);
  let lastSave = performance.now();
  const controller = new AbortController();
  let result: SweepResult;
  try {
    result = await withSignals(controller, () =>
      runSweep(config, {
        workers,
        done,
        range,
        signal: controller.signal,
        onEntry: (e, count) => {
          entries.set(e.index, e);
          bar.update(count);
          if (performance.now() - lastSave > 2000) {
            save();
            lastSave = performance.now();
          }
        },
      }),
    );
  } finally {
    bar.stop();
  }
  result = build(result.entries, result.meta.wallTimeMs);
  writeJsonAtomic(out, result);
  const worstDir = shard === undefined && result.done > 0 ? writeWorst(out, result) : undefined;
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${formatSweep(result, worstDir, range)}\n`);
  if (controller.signal.aborted && result.done < total) {
    process.stderr.write(`vsflow: interrupted after ${result.done}/${total} problems${shard === undefined ? '' : ` of shard ${shard.index}/${shard.count}`}; saved to ${out}; rerun the same command to resume\n`);
    process.exitCode = 130;
  } else if (shard !== undefined) {
    // A shard's job is done when its block is: failed predictions are findings for the merge.
    process.exitCode = 0;
  } else {
    process.exitCode = result.failedProblems > 0 ? 1 : 0;
  }
}

/** The shard files of a folder (errors name DIR). */
export function readShardFiles(dir: string): ShardInput[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OptionError('DIR', 'a folder of shard files', dir);
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const shard = parseShardFileName(name);
      if (shard === undefined) return [];
      let content: unknown;
      try {
        content = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
      } catch (error) {
        throw new OptionError('DIR', 'shard files with valid JSON', join(dir, name), (error as Error).message.split('\n')[0]);
      }
      return [{ name, shard, content }];
    });
}

/** `vsflow sweep merge DIR`. */
async function mergeAction(dir: string, given: { out?: string; json?: boolean }, command: Command): Promise<void> {
  const flags = subcommandFlags(given, command, ['out', 'json']);
  const out = flags.out ?? join(dir, 'merged.json');
  if (out.trim() === '') throw new OptionError('--out', 'a file path', flags.out);
  const merge = mergeSweepShards(readShardFiles(dir));
  if (merge.result === undefined) {
    process.stderr.write(
      `vsflow: sweep merge: ${merge.missing.length} of ${merge.count} shards missing or incomplete (${merge.done}/${merge.config.count} problems done); resubmit them with --array=${arraySpec(merge.missing)}\n`,
    );
    process.exitCode = 3;
    return;
  }
  writeJsonAtomic(out, merge.result);
  const worstDir = merge.result.done > 0 ? writeWorst(out, merge.result) : undefined;
  if (flags.json) process.stdout.write(`${JSON.stringify(merge.result, null, 2)}\n`);
  else process.stdout.write(`${formatSweep(merge.result, worstDir)}\nmerged ${merge.count} shards into ${out}\n`);
  process.exitCode = 0;
}

/** Registers `vsflow sweep` and `vsflow sweep merge`. */
export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('Check the polarisation predictions over many seeded random problems on all cores (resumable); report how often each held and the worst cases');
  addSweepConfigOptions(sweep)
    .option('--workers <int|auto>', 'worker threads (default auto = the CPUs this process may use; 0 = this thread)')
    .option('--shard <K/N|env/N>', 'run only shard K of N (0-based, as Slurm --array=0-(N-1)); env/N reads K from VSFLOW_SHARD_INDEX, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or BATCH_TASK_INDEX; --out is then a folder')
    .option('--out <file|dir>', 'output JSON, resumed when it exists (default sweep.json); with --shard a folder that gets shard-K-of-N.json')
    .option('--json', 'print the result JSON on stdout')
    .action(runAction(sweepAction));
  sweep
    .command('merge')
    .description('Merge the shard files of `vsflow sweep --shard` in DIR into DIR/merged.json (exit 3 listing missing shards as --array=...)')
    .argument('<DIR>', 'folder with shard-K-of-N.json files')
    .option('--out <file>', 'merged result (default DIR/merged.json)')
    .option('--json', 'print the merged JSON on stdout')
    .action(runAction(mergeAction));
}
