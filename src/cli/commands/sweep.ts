/**
 * `vsflow sweep`: the polarisation predictions (theory/polarization-predictions.md) over many
 * seeded random problems on all cores, resumable from its output file.
 *
 *   vsflow sweep --count 1000 --sizes 2x4,8x8 --init-scales 0.1,1 --losses logistic,square \
 *     --seed 0 --workers auto --out sweep.json
 *
 * The output JSON (written atomically every 2 s and at the end) holds the configuration, one
 * compact entry per problem and the per-prediction tallies. Rerunning the same command resumes:
 * problems already in the file are skipped (a larger --count extends it; any other change of
 * configuration is refused). The worst cases of every prediction are written beside the output as
 * `<out>.worst/problem-<i>.json`, replayable with `vsflow check --problem`.
 * Exit codes: 0 when every prediction held, 1 when one failed on some problem, 2 on bad input,
 * 130 when interrupted (what was computed is kept).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { OptionError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { checkMemory } from '../../core/limits.js';
import { LOSSES } from '../../models/problem.js';
import { resolveSweepConfig, runSweep, sweepProblem, sweepResult, SWEEP_DEFAULTS, type SweepConfig, type SweepEntry, type SweepResult } from '../../experiments/sweep.js';
import { parseChoiceList, parseNumber, parseNumberList } from '../parse.js';
import { runAction } from '../run-action.js';
import { createProgress } from '../progress.js';

interface Flags {
  count?: string;
  sizes?: string;
  initScales?: string;
  aScales?: string;
  losses?: string;
  seed?: string;
  tEnd?: string;
  maxSteps?: string;
  workers?: string;
  out: string;
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

function configFromFlags(flags: Flags): SweepConfig {
  return resolveSweepConfig({
    count: flags.count === undefined ? SWEEP_DEFAULTS.count : parseNumber('--count', flags.count, { integer: true, min: 1, max: 1e7 }),
    sizes: flags.sizes === undefined ? SWEEP_DEFAULTS.sizes : parseSizes(flags.sizes),
    initScales: flags.initScales === undefined ? SWEEP_DEFAULTS.initScales : parseNumberList('--init-scales', flags.initScales, { min: 0 }),
    aScales: flags.aScales === undefined ? SWEEP_DEFAULTS.aScales : parseNumberList('--a-scales', flags.aScales, { min: 0 }),
    losses: flags.losses === undefined ? SWEEP_DEFAULTS.losses : parseChoiceList('--losses', flags.losses, LOSSES),
    seed: flags.seed === undefined ? SWEEP_DEFAULTS.seed : parseNumber('--seed', flags.seed, { integer: true }),
    tEnd: flags.tEnd === undefined ? undefined : parseNumber('--t-end', flags.tEnd, { gt: 0 }),
    ...(flags.maxSteps === undefined ? {} : { maxSteps: parseNumber('--max-steps', flags.maxSteps, { integer: true, min: 1 }) }),
  });
}

/** Entries of an existing output file that belong to the same sweep (resume), or none. */
export function resumeEntries(path: string, config: SweepConfig): SweepEntry[] {
  if (!existsSync(path)) return [];
  let old: SweepResult;
  try {
    old = JSON.parse(readFileSync(path, 'utf8')) as SweepResult;
  } catch (error) {
    throw new OptionError('--out', 'a new path or an earlier sweep output (valid JSON) to resume', path, (error as Error).message.split('\n')[0]);
  }
  if (!old || typeof old !== 'object' || !old.config || !Array.isArray(old.entries)) throw new OptionError('--out', 'a new path or an earlier sweep output to resume', path, 'the file is not a vsflow sweep result');
  const strip = (c: SweepConfig): string => JSON.stringify({ ...c, count: 0, tEnd: c.tEnd ?? null, maxSteps: c.maxSteps ?? null });
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
export function formatSweep(result: SweepResult, worstDir: string | undefined): string {
  const head = ['prediction', 'held', 'pass', 'fail', 'inconcl.', 'n/a', 'worst problems'];
  const rows = Object.entries(result.summary).map(([name, s]) => [name, pct(s.held), String(s.pass), String(s.fail), String(s.inconclusive), String(s.notApplicable), s.worst.join(',')]);
  const width = head.map((h, c) => rows.reduce((w, r) => Math.max(w, r[c]!.length), h.length));
  const line = (cells: string[]): string => cells.map((s, c) => (c === 0 ? s.padEnd(width[c]!) : s.padStart(width[c]!))).join('  ');
  const lines = [line(head), ...rows.map(line)];
  lines.push(`${result.done}/${result.config.count} problems, ${result.failedProblems} with a failed prediction${worstDir ? `; worst cases in ${worstDir}/ (replay: vsflow check --problem ${worstDir}/problem-<i>.json)` : ''}`);
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

/** Registers `vsflow sweep`. */
export function register(program: Command): void {
  program
    .command('sweep')
    .description('Check the polarisation predictions over many seeded random problems on all cores (resumable); report how often each held and the worst cases')
    .option('--count <int>', `number of problems (default ${SWEEP_DEFAULTS.count})`)
    .option('--sizes <list>', 'sizes DxN, comma-separated (default 2x4,8x8)')
    .option('--init-scales <list>', `V ~ x·N(0,1) scales (default ${SWEEP_DEFAULTS.initScales.join(',')})`)
    .option('--a-scales <list>', 'a ~ x·N(0,1) scales (default 0: uniform attention at t = 0)')
    .option('--losses <list>', `losses (default ${SWEEP_DEFAULTS.losses.join(',')})`)
    .option('--seed <int>', 'sweep seed (default 0)')
    .option('--t-end <t>', 'final time (default per loss, as vsflow check)')
    .option('--max-steps <int>', 'step budget of each integration (default as vsflow check); stiff problems (e.g. regression with large ‖X‖‖V‖) need more')
    .option('--workers <n|auto>', 'worker threads (default auto = all cores; 0 = this thread)')
    .option('--out <file>', 'output JSON (resumed when it exists)', 'sweep.json')
    .option('--json', 'print the result JSON on stdout')
    .action(
      runAction(async (flags: Flags) => {
        if (flags.out.trim() === '') throw new OptionError('--out', 'a file path', flags.out);
        const config = configFromFlags(flags);
        // Each entry is a few kB of JSON kept in memory and rewritten every 2 s.
        checkMemory('--count', config.count, config.count * 4096, `${config.count} sweep entries`);
        const workers = flags.workers === undefined || flags.workers === 'auto' ? 'auto' : parseNumber('--workers', flags.workers, { integer: true, min: 0, max: 256 });
        const done = resumeEntries(flags.out, config);
        const started = performance.now();
        const entries = new Map<number, SweepEntry>(done.map((e) => [e.index, e]));
        const save = (): void => writeJsonAtomic(flags.out, sweepResult(config, [...entries.values()], performance.now() - started));
        const bar = createProgress('sweep', config.count);
        bar.update(entries.size);
        let lastSave = performance.now();
        const controller = new AbortController();
        const onSigint = (): void => {
          if (controller.signal.aborted) process.exit(130);
          controller.abort();
        };
        process.on('SIGINT', onSigint);
        let result: SweepResult;
        try {
          result = await runSweep(config, {
            workers,
            done,
            signal: controller.signal,
            onEntry: (e, count) => {
              entries.set(e.index, e);
              bar.update(count);
              if (performance.now() - lastSave > 2000) {
                save();
                lastSave = performance.now();
              }
            },
          });
        } finally {
          bar.stop();
          process.off('SIGINT', onSigint);
        }
        writeJsonAtomic(flags.out, result);
        const worstDir = result.done > 0 ? writeWorst(flags.out, result) : undefined;
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else process.stdout.write(`${formatSweep(result, worstDir)}\n`);
        if (controller.signal.aborted) {
          process.stderr.write(`vsflow: interrupted after ${result.done}/${config.count} problems; rerun the same command to resume\n`);
          process.exitCode = 130;
        } else {
          process.exitCode = result.failedProblems > 0 ? 1 : 0;
        }
      }),
    );
}
