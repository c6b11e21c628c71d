/**
 * `vsflow train --task <id>`: trains small transformers with TensorFlow.js (src/train), streams
 * metrics as JSON lines, checkpoints and resumes, and prints a summary table per variant.
 *
 * Grids: `--attention`, `--seeds` and the settings of GRID_SETTINGS (`--lr`, `--steps`,
 * `--batch-size`, `--dim`, `--layers`, `--heads`, `--tau`, `--init-scale`) take comma lists;
 * the runs are enumerated in one fixed order (src/train/grid.ts; `--list-runs` prints them with
 * their indices and checkpoint keys). `--shard K/N --out DIR` trains only shard K's contiguous
 * block of runs into DIR/shard-K-of-N.json (checkpoints in DIR/checkpoints, resumed on rerun;
 * finished runs are not trained again); `vsflow train merge DIR` combines the shards into
 * DIR/merged.json and prints the tables of the one-machine run (exit 3 listing missing shards as
 * `--array=`). Exit codes: 0 done (diverged runs are findings), 2 bad input, 130 interrupted.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { OptionError } from '../../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-write.js';
import { checkChoice } from '../../core/validate.js';
import { arraySpec, parseShard, shardFileName, shardRange, type Shard } from '../../experiments/shard.js';
import type { GridRun, GridSetting, TrainGrid } from '../../train/grid.js';
import type { RunSummary } from '../../train/trainer.js';
import type { TrainManyResult } from '../../train/train-many.js';
import { checkMemory } from '../../core/limits.js';
import { parseNumber, parseNumberList } from '../parse.js';
import { createProgress } from '../progress.js';
import { runAction } from '../run-action.js';
import { renamedOption } from '../renamed-options.js';
import { subcommandFlags } from '../subcommand-flags.js';
import { readShardFiles } from './sweep.js';

/** The flags that make up a training grid (shared with `vsflow slurm train`). */
export interface TrainGridFlags {
  task?: string;
  attention?: string;
  seeds?: string;
  quick?: boolean;
  scale?: string;
  steps?: string;
  lr?: string;
  batchSize?: string;
  dim?: string;
  layers?: string;
  heads?: string;
  tau?: string;
  initScale?: string;
  metricsEvery?: string;
  evalEvery?: string;
  scheduleEpochs?: string;
  rowNormalize: boolean;
}

interface TrainFlags extends TrainGridFlags {
  backend?: string;
  metrics?: string;
  jsonLines?: boolean;
  json?: boolean;
  out?: string;
  checkpoint?: string;
  checkpointEvery?: string;
  resume?: boolean;
  listRuns?: boolean;
  dryRun?: boolean;
  shard?: string;
}

const TASKS = ['icl-regression', 'induction', 'classification', 'eureka'] as const;
const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu', 'webgpu'] as const;
/** Scale ids of `vsflow train --scale` (src/train/config.ts TRAIN_SCALES). */
const TRAIN_SCALE_IDS = ['quick', 'medium', 'paper'] as const;

/** Backend names of `vsflow train --backend`. */
export const TRAIN_BACKENDS = BACKENDS;

/** Swept settings: flag, grid key, rule. */
const LIST_FLAGS: readonly [keyof TrainGridFlags, string, GridSetting, Parameters<typeof parseNumber>[2]][] = [
  ['steps', '--steps', 'steps', { integer: true, min: 1 }],
  ['lr', '--lr', 'lr', { gt: 0 }],
  ['batchSize', '--batch-size', 'batchSize', { integer: true, min: 1 }],
  ['dim', '--dim', 'width', { integer: true, min: 1 }],
  ['layers', '--layers', 'layers', { integer: true, min: 1 }],
  ['heads', '--heads', 'heads', { integer: true, min: 1 }],
  ['tau', '--tau', 'tau', { min: 0 }],
  ['initScale', '--init-scale', 'initScale', { gt: 0 }],
];

const fmt = (x: number | null | undefined, d = 4): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : Number(x).toPrecision(d));

/** Size flags of a run and their config keys (the refusal names the largest one given). */
const SIZE_FLAGS: [string, 'width' | 'layers' | 'batchSize' | 'heads' | 'steps'][] = [
  ['--dim', 'width'],
  ['--layers', 'layers'],
  ['--batch-size', 'batchSize'],
  ['--heads', 'heads'],
  ['--steps', 'steps'],
];

const camel = (flag: string): string => flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
/** The flag of a config field (`--dim` sets the residual width `width`). */
const kebab = (key: string): string => (key === 'width' ? '--dim' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
const flagValue = (flags: TrainFlags, flag: string): unknown => (flags as unknown as Record<string, unknown>)[camel(flag)];

/** `asFlagError` for an async step (the grid resolves every run's config). */
async function asFlagErrorAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    return asFlagError(() => {
      throw error;
    });
  }
}

/** The library names config fields (`heads`); the CLI user typed flags (`--heads`). */
function asFlagError<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof OptionError && /^[a-zA-Z]+$/.test(error.option)) {
      const flag = kebab(error.option);
      throw new OptionError(flag, error.expected, error.received, error.hint);
    }
    throw error;
  }
}

/** Adds the options of a training grid to `command`. */
export function addTrainGridOptions(command: Command): Command {
  renamedOption(command, '--width <list>', '--dim');
  return command
    // Checked in the action, not by commander: `train merge` must not need it.
    .option('--task <id>', `task: ${TASKS.join(', ')} (required)`)
    .option('--attention <list>', 'comma-separated attention variants (kind, or softmax+ht for heat treatment) (default the task comparison)')
    .option('--seeds <list>', 'comma-separated seeds (default 0)')
    .option('--quick', 'scaled-down settings (minutes on a laptop CPU); same as --scale quick')
    .option('--scale <id>', "scale profile: quick (minutes), medium (~30 min per task on a 2-core laptop), paper (the papers' settings)")
    .option('--steps <list>', 'training steps (overrides the task default); a comma list sweeps')
    .option('--lr <list>', 'learning rate; a comma list sweeps')
    .option('--batch-size <list>', 'batch size; a comma list sweeps')
    .option('--dim <list>', 'residual width d_model (config field width); a comma list sweeps')
    .option('--layers <list>', 'number of layers; a comma list sweeps')
    .option('--heads <list>', 'heads per layer; a comma list sweeps')
    .option('--tau <list>', 'temperature (0 = sqrt(d_k)); a comma list sweeps')
    .option('--init-scale <list>', 'multiplier of the N(0, 1/fan_in) weight initialisation; a comma list sweeps')
    .option('--metrics-every <int>', 'attention metrics every n steps')
    .option('--eval-every <int>', 'held-out evaluation every n steps')
    .option('--schedule-epochs <x>', 'length in epochs of the lr schedule and heat treatment (0 = the run; a shorter run is its first part)')
    .option('--no-row-normalize', 'kernel/φ-logit kinds without row normalisation');
}

/** The grid from its flags, every run validated (errors name the flag or the field). */
export async function trainGridFromFlags(flags: TrainGridFlags): Promise<TrainGrid> {
  const task = checkChoice('--task', flags.task, TASKS);
  const seeds = parseNumberList('--seeds', flags.seeds ?? '0', { integer: true, min: 0 });
  const settings: Partial<Record<GridSetting, number[]>> = {};
  for (const [key, flag, setting, rule] of LIST_FLAGS) {
    const text = flags[key] as string | undefined;
    if (text !== undefined) settings[setting] = parseNumberList(flag, text, rule);
  }
  const fixed: Record<string, unknown> = { rowNormalize: flags.rowNormalize };
  if (flags.metricsEvery !== undefined) fixed.metricsEvery = parseNumber('--metrics-every', flags.metricsEvery, { integer: true, min: 1 });
  if (flags.evalEvery !== undefined) fixed.evalEvery = parseNumber('--eval-every', flags.evalEvery, { integer: true, min: 0 });
  if (flags.scheduleEpochs !== undefined) fixed.scheduleEpochs = parseNumber('--schedule-epochs', flags.scheduleEpochs, { min: 0 });
  // Library import after validation: loading TensorFlow.js takes a moment.
  const { DEFAULT_VARIANTS, parseVariant, enumerateGrid } = await import('../../train/index.js');
  const variants = flags.attention === undefined ? [...DEFAULT_VARIANTS[task]] : flags.attention.split(',').map((v, i) => (parseVariant(v.trim(), `--attention[${i}]`), v.trim()));
  if (flags.quick && flags.scale !== undefined && flags.scale !== 'quick') throw new OptionError('--scale', "'quick' or no --scale together with --quick", flags.scale);
  const scale = flags.scale === undefined ? (flags.quick ? 'quick' : 'paper') : checkChoice('--scale', flags.scale, TRAIN_SCALE_IDS);
  const grid: TrainGrid = { task, quick: scale === 'quick', scale, variants, settings, seeds, fixed };
  // Resolves every run: a bad combination (heads not dividing width, say) fails before training.
  enumerateGrid(grid);
  return grid;
}

/** The grid as flags of `vsflow train` (canonical: every list explicit). */
export function trainGridArgs(grid: TrainGrid): string[] {
  const args = ['--task', grid.task, '--attention', grid.variants.join(','), '--seeds', grid.seeds.join(',')];
  if (grid.quick) args.push('--quick');
  else if (grid.scale === 'medium') args.push('--scale', 'medium');
  for (const [, flag, setting] of LIST_FLAGS) if (grid.settings[setting] !== undefined) args.push(flag, grid.settings[setting]!.join(','));
  if (grid.fixed.metricsEvery !== undefined) args.push('--metrics-every', String(grid.fixed.metricsEvery));
  if (grid.fixed.evalEvery !== undefined) args.push('--eval-every', String(grid.fixed.evalEvery));
  if (grid.fixed.scheduleEpochs !== undefined) args.push('--schedule-epochs', String(grid.fixed.scheduleEpochs));
  if (grid.fixed.rowNormalize === false) args.push('--no-row-normalize');
  return args;
}

type RunOut = TrainManyResult['runs'][number] & { readonly index: number; readonly key: string };

/** A result file of `vsflow train` (whole grid, a shard, or a merge). */
export interface TrainGridResult extends TrainManyResult {
  readonly grid: TrainGrid;
  readonly runs: readonly RunOut[];
  readonly gridTable: readonly import('../../train/grid.js').GridRow[];
  readonly shard?: Shard & { readonly start: number; readonly end: number; readonly complete: boolean };
}

const FINISHED = new Set(['completed', 'early-stopped', 'diverged']);

/** The per-run table and the grid's summary table (same for a one-machine run and a merge). */
export function formatTrainTables(result: TrainGridResult, gridRuns: readonly GridRun[], settingsLabel: (s: GridRun['settings']) => string): string[] {
  const swept = gridRuns.some((r) => settingsLabel(r.settings) !== '');
  const lines: string[] = [];
  lines.push(`run   variant               seed  ${swept ? 'settings'.padEnd(22) + '  ' : ''}status       steps  final loss  final acc  min H/logN  collapse@  loss spikes  max |g|   eureka@ep  sink prop  CLS max`);
  for (const r of result.runs) {
    const s = r.summary;
    const run = gridRuns[r.index]!;
    lines.push(
      [
        String(r.index).padStart(4),
        run.variant.padEnd(20),
        String(s.seed).padStart(4),
        ...(swept ? [settingsLabel(run.settings).padEnd(22)] : []),
        r.status.padEnd(11),
        String(r.stepsDone).padStart(6),
        fmt(s.finalLoss).padStart(10),
        fmt(s.finalAccuracy, 3).padStart(9),
        fmt(s.finalMinEntropy === null ? null : s.finalMinEntropy / s.logN, 3).padStart(10),
        (s.collapseStep === null ? '-' : String(s.collapseStep)).padStart(9),
        String(s.lossSpikes.length).padStart(11),
        fmt(s.maxGradNorm, 3).padStart(9),
        (s.eurekaEpoch === null ? '-' : fmt(s.eurekaEpoch, 4)).padStart(10),
        fmt(s.sinkProportion, 3).padStart(9),
        fmt(s.clsConcentration, 3).padStart(8),
      ].join('  '),
    );
  }
  lines.push('');
  lines.push(`variant               ${swept ? 'settings'.padEnd(22) + '  ' : ''}runs  mean final loss  mean acc  collapsed  with spikes  eureka ratio  mean eureka@ep  mean sink prop`);
  for (const row of result.gridTable) {
    lines.push(
      [
        row.variant.padEnd(20),
        ...(swept ? [row.settings.padEnd(22)] : []),
        String(row.runs).padStart(4),
        fmt(row.meanFinalLoss).padStart(15),
        fmt(row.meanFinalAccuracy, 3).padStart(8),
        String(row.collapsed).padStart(9),
        String(row.withLossSpikes).padStart(11),
        (row.eurekaRatio ?? '-').padStart(12),
        fmt(row.meanEurekaEpoch).padStart(14),
        fmt(row.meanSinkProportion, 3).padStart(14),
      ].join('  '),
    );
  }
  return lines;
}

/** Builds a grid result from finished runs (sorted by index); `meta` from the runs' trainMany. */
async function gridResult(grid: TrainGrid, runs: readonly RunOut[], meta: TrainManyResult['meta'], shard?: Shard): Promise<TrainGridResult> {
  const { enumerateGrid, gridTable, summaryTable } = await import('../../train/index.js');
  const all = enumerateGrid(grid);
  const sorted = [...runs].sort((a, b) => a.index - b.index);
  const range = shard === undefined ? undefined : shardRange(all.length, shard);
  const done = sorted.filter((r) => FINISHED.has(r.status));
  return {
    task: grid.task,
    config: { task: grid.task, variants: grid.variants, seeds: grid.seeds, quick: grid.quick, scale: grid.scale ?? (grid.quick ? 'quick' : 'paper'), runs: sorted.map((r) => r.config) },
    meta,
    runs: sorted,
    table: summaryTable(grid.task, grid.variants, done.map((r) => r.summary)),
    grid,
    gridTable: gridTable(grid, done.map((r) => ({ run: all[r.index]!, summary: r.summary as RunSummary }))),
    ...(shard === undefined || range === undefined ? {} : { shard: { ...shard, ...range, complete: done.length === range.end - range.start } }),
  };
}

const canonicalGrid = (g: TrainGrid): string => JSON.stringify(g);

/** Finished runs of an earlier file of the same grid and shard (resume), or none. */
function resumeRuns(path: string, grid: TrainGrid, shard: Shard): RunOut[] {
  if (!existsSync(path)) return [];
  let old: TrainGridResult;
  try {
    old = JSON.parse(readFileSync(path, 'utf8')) as TrainGridResult;
  } catch (error) {
    throw new OptionError('--out', 'a folder whose shard file is valid JSON', path, (error as Error).message.split('\n')[0]);
  }
  if (!old?.grid || !Array.isArray(old.runs) || old.shard?.index !== shard.index || old.shard.count !== shard.count || canonicalGrid(old.grid) !== canonicalGrid(grid)) {
    throw new OptionError('--out', `the same grid and shard ${shard.index}/${shard.count} to resume ${path}`, 'a file of another grid or shard', 'use another --out folder');
  }
  return old.runs.filter((r) => FINISHED.has(r.status));
}

async function trainAction(flags: TrainFlags): Promise<void> {
  const backend = checkChoice('--backend', flags.backend ?? 'auto', BACKENDS);
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard, process.env);
  if (shard !== undefined && !flags.listRuns) {
    if (flags.out === undefined || flags.out.trim() === '') throw new OptionError('--out', 'a folder for the shard files (with --shard)', flags.out);
    if (existsSync(flags.out) && !statSync(flags.out).isDirectory()) throw new OptionError('--out', 'a folder (with --shard the shard writes DIR/shard-K-of-N.json)', flags.out, 'it is a file');
  }
  const checkpointEvery = flags.checkpointEvery === undefined ? 0 : parseNumber('--checkpoint-every', flags.checkpointEvery, { integer: true, min: 1 });
  // A shard checkpoints into DIR/checkpoints (at interruption, and every --checkpoint-every) and resumes.
  const checkpointDir = flags.checkpoint ?? (shard === undefined || flags.out === undefined ? undefined : join(flags.out, 'checkpoints'));
  if (checkpointEvery > 0 && checkpointDir === undefined) throw new OptionError('--checkpoint-every', 'to be used with --checkpoint DIR', flags.checkpointEvery);
  if (flags.resume && checkpointDir === undefined) throw new OptionError('--resume', 'to be used with --checkpoint DIR', true);
  // A typo in the folder must not silently train from scratch.
  if (flags.resume && flags.checkpoint !== undefined && !existsSync(flags.checkpoint)) throw new OptionError('--checkpoint', 'an existing checkpoint folder to resume from (--resume)', flags.checkpoint, 'drop --resume to start a new run');
  const grid = await asFlagErrorAsync(() => trainGridFromFlags(flags));
  const { enumerateGrid, settingsLabel, trainMany } = await import('../../train/index.js');
  const all = enumerateGrid(grid);
  // The memory estimate of each run before TensorFlow.js allocates anything (the refusal names
  // the largest size flag given).
  const { trainMemoryBytes } = await import('../../train/memory-estimate.js');
  const sizeGiven = SIZE_FLAGS.filter(([flag]) => flagValue(flags, flag) !== undefined);
  for (const r of all) {
    const c = r.config;
    const [flag, key] = sizeGiven.reduce<[string, (typeof SIZE_FLAGS)[number][1]]>((best, g) => (Number(c[g[1]]) > Number(c[best[1]]) ? g : best), sizeGiven[0] ?? ['--dim', 'width']);
    checkMemory(flag, c[key], trainMemoryBytes(c), `the weights, optimiser state, activations and records of ${r.variant}`);
  }
  const label = (s: GridRun['settings']): string => settingsLabel(grid, s);
  if (flags.listRuns) {
    const range = shard === undefined ? { start: 0, end: all.length } : shardRange(all.length, shard);
    process.stdout.write(`run   key               variant              seed  settings\n`);
    for (const r of all.slice(range.start, range.end)) {
      const settings = Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(' ');
      process.stdout.write(`${String(r.index).padStart(4)}  ${r.key}  ${r.variant.padEnd(20)} ${String(r.seed).padStart(4)}  ${settings}\n`);
    }
    process.stdout.write(`${range.end - range.start} of ${all.length} runs${shard === undefined ? '' : ` (shard ${shard.index}/${shard.count})`}\n`);
    return;
  }
  const range = shard === undefined ? { start: 0, end: all.length } : shardRange(all.length, shard);
  // Cost estimate of the runs before any starts (auto: the wasm fallback's rates); --dry-run stops here.
  const { estimateTrainRun, formatEstimate } = await import('../../train/index.js');
  // The estimate is the output of --dry-run; before a real run it is a note on stderr (stdout keeps the tables).
  const sayEstimate = (line: string): void => void (flags.dryRun && !flags.jsonLines && !flags.json ? process.stdout : process.stderr).write(`${line}\n`);
  const scaleName = grid.scale ?? (grid.quick ? 'quick' : 'paper');
  const seen = new Set<string>();
  // Printed when a scale profile is asked for by name (`--scale`) or with --dry-run.
  for (const r of flags.scale !== undefined || flags.dryRun ? all.slice(range.start, range.end) : []) {
    const label = `${r.variant}${Object.keys(r.settings).length > 0 ? ` ${settingsLabel(grid, r.settings)}` : ''}`;
    if (seen.has(label)) continue;
    seen.add(label);
    const est = estimateTrainRun(r.config, backend === 'auto' ? 'wasm' : backend);
    sayEstimate(`estimate ${grid.task} ${label} (${scaleName} scale, per run): ${formatEstimate(est)}${backend === 'auto' ? ' (auto: wasm unless tfjs-node loads)' : ''}`);
  }
  if (flags.dryRun) return;
  const out = shard === undefined ? flags.out : join(flags.out!, shardFileName(shard));
  const finished = shard === undefined ? [] : resumeRuns(out!, grid, shard);
  const skip = new Set(finished.map((r) => r.index));
  const todo = all.slice(range.start, range.end).filter((r) => !skip.has(r.index));

  if (flags.metrics !== undefined) {
    mkdirSync(dirname(flags.metrics), { recursive: true });
    writeFileAtomic(flags.metrics, '');
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let bar = createProgress('train', 1);
  const runs: RunOut[] = [...finished];
  const t0 = performance.now();
  const { runMeta } = await import('../../core/run-meta.js');
  // Progress saves of a shard, one after the other (the final write waits for them).
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (out === undefined) return saving;
    const info = runs.at(-1)?.backend;
    const meta = { ...runMeta({ seed: grid.seeds[0] ?? null, wallTimeMs: performance.now() - t0, backend: info?.backend ?? 'not loaded', precision: 'float32' }), tfjsVersion: info?.tfjsVersion ?? '' };
    const snapshot = [...runs];
    saving = saving.then(async () => writeJsonAtomic(out, await gridResult(grid, snapshot, meta, shard)));
    return saving;
  };
  try {
    if (shard !== undefined) await save();
    const many = await trainMany({
      task: grid.task,
      runs: todo.map((r) => r.config),
      backend,
      keepRecords: shard === undefined,
      onRun: (r, position) => {
        runs.push({ ...r, index: todo[position]!.index, key: todo[position]!.key });
        // Each finished run is saved at once: a later kill loses at most the run in progress.
        if (shard !== undefined && FINISHED.has(r.status)) void save();
      },
      hooksFor: (c) => {
        bar.stop();
        bar = createProgress(`train ${c.attention}${c.heatTreatment ? '+ht' : ''} seed ${c.seed}`, c.steps);
        const tag = { variant: c.attention + (c.heatTreatment ? '+ht' : ''), seed: c.seed };
        return {
          signal: controller.signal,
          checkpointEvery,
          checkpointDir,
          resume: (flags.resume ?? false) || shard !== undefined,
          onProgress: (s) => bar.update(s),
          onRecord: (rec) => {
            const line = `${JSON.stringify({ ...tag, ...rec })}\n`;
            if (flags.metrics !== undefined) appendFileSync(flags.metrics, line);
            if (flags.jsonLines) process.stdout.write(line);
          },
        };
      },
    });
    bar.stop();
    await saving;
    const result = await gridResult(grid, runs, { ...many.meta, wallTimeMs: performance.now() - t0 }, shard);
    if (out !== undefined) writeJsonAtomic(out, result);
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const say = (s: string): void => void (flags.jsonLines || flags.json ? process.stderr : process.stdout).write(`${s}\n`);
    say(`task ${grid.task}  backend ${result.meta.backend} (tfjs ${result.meta.tfjsVersion}, float32)  scale ${grid.scale ?? (grid.quick ? 'quick' : 'paper')}  wall ${(result.meta.wallTimeMs / 1000).toFixed(1)} s${shard === undefined ? '' : `  shard ${shard.index}/${shard.count}: runs [${range.start}, ${range.end}) of ${all.length}`}`);
    for (const line of formatTrainTables(result, all, label)) say(line);
    if (grid.task === 'eureka') for (const row of result.table) say(`Eureka-ratio ${row.variant}: ${row.eurekaRatio} (mean Eureka-epoch ${fmt(row.meanEurekaEpoch)})`);
    if (result.runs.some((r) => r.status === 'interrupted') || (controller.signal.aborted && runs.length < range.end - range.start)) {
      say(checkpointDir ? `interrupted: checkpoint written to ${checkpointDir}; continue with ${shard === undefined ? '--resume' : 'the same command'}` : 'interrupted (no --checkpoint folder: progress not saved)');
      process.exitCode = 130;
    }
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `vsflow train merge DIR`. */
async function mergeAction(dir: string, given: { out?: string; json?: boolean }, command: Command): Promise<void> {
  const flags = subcommandFlags(given, command, ['out', 'json']);
  const out = flags.out ?? join(dir, 'merged.json');
  const files = readShardFiles(dir);
  if (files.length === 0) throw new OptionError('DIR', 'a folder holding shard-K-of-N.json files of `vsflow train --shard`', dir, 'none found');
  const counts = [...new Set(files.map((f) => f.shard.count))];
  if (counts.length > 1) throw new OptionError('DIR', 'shard files of one split (one N)', `N = ${counts.join(' and ')}`, 'move the files of the other split elsewhere');
  const count = counts[0]!;
  let grid: TrainGrid | undefined;
  const runs = new Map<number, RunOut>();
  let wall = 0;
  let meta: TrainManyResult['meta'] | undefined;
  for (const f of files) {
    const r = f.content as TrainGridResult;
    if (!r?.grid || !Array.isArray(r.runs) || r.shard?.index !== f.shard.index || r.shard.count !== count) throw new OptionError('DIR', 'vsflow train shard results', join(dir, f.name), 'the file is not one');
    if (grid === undefined) grid = r.grid;
    else if (canonicalGrid(r.grid) !== canonicalGrid(grid)) throw new OptionError('DIR', `shards of one grid (that of ${files[0]!.name})`, `${f.name} with another grid`);
    for (const run of r.runs) if (FINISHED.has(run.status)) runs.set(run.index, run);
    wall += r.meta?.wallTimeMs ?? 0;
    meta ??= r.meta;
  }
  const { enumerateGrid, settingsLabel } = await import('../../train/index.js');
  const all = enumerateGrid(grid!);
  const missing: number[] = [];
  for (let k = 0; k < count; k++) {
    const range = shardRange(all.length, { index: k, count });
    for (let i = range.start; i < range.end; i++) {
      if (!runs.has(i)) {
        missing.push(k);
        break;
      }
    }
  }
  if (missing.length > 0) {
    process.stderr.write(`vsflow: train merge: ${missing.length} of ${count} shards missing or incomplete (${runs.size}/${all.length} runs done); resubmit them with --array=${arraySpec(missing)}\n`);
    process.exitCode = 3;
    return;
  }
  const result = await gridResult(grid!, [...runs.values()], { ...meta!, wallTimeMs: wall });
  writeJsonAtomic(out, result);
  // With --json the merged result goes to stdout and the tables to stderr (as every --json command).
  const text = flags.json === true ? process.stderr : process.stdout;
  if (flags.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  text.write(`task ${grid!.task}  backend ${result.meta.backend} (tfjs ${result.meta.tfjsVersion}, float32)  scale ${grid!.scale ?? (grid!.quick ? 'quick' : 'paper')}  merged ${count} shards, ${all.length} runs into ${out}\n`);
  for (const line of formatTrainTables(result, all, (s) => settingsLabel(grid!, s))) text.write(`${line}\n`);
  if (grid!.task === 'eureka') for (const row of result.table) text.write(`Eureka-ratio ${row.variant}: ${row.eurekaRatio} (mean Eureka-epoch ${fmt(row.meanEurekaEpoch)})\n`);
}

/** Registers `vsflow train` and `vsflow train merge`. */
export function register(program: Command): void {
  const train = program
    .command('train')
    .description('Train small transformers with TensorFlow.js (icl-regression, induction, classification, eureka) and measure attention entropy, sinks and Eureka-moments; lists sweep a grid');
  addTrainGridOptions(train)
    .option('--backend <name>', `backend: ${BACKENDS.join(', ')}; auto = tensorflow if installed, else wasm (default auto)`)
    .option('--metrics <file>', 'stream every record as JSON lines into FILE')
    .option('--json-lines', 'stream every record as JSON lines on stdout (the table goes to stderr)')
    .option('--json', 'print the full result JSON on stdout (the table goes to stderr)')
    .option('--out <file|dir>', 'write the full result JSON; with --shard a folder that gets shard-K-of-N.json')
    .option('--checkpoint <dir>', 'checkpoint folder (files keyed by a hash of each run\'s whole configuration)')
    .option('--checkpoint-every <int>', 'write a checkpoint every n steps (needs --checkpoint, or --shard)')
    .option('--resume', 'continue from the checkpoints in --checkpoint')
    .option('--dry-run', 'print the estimated FLOPs, memory and wall time of each run and exit without training')
    .option('--list-runs', 'print the grid\'s runs with their indices and checkpoint keys (of the shard with --shard) and exit')
    .option('--shard <K/N|env/N>', 'train only shard K of N of the grid (0-based, as Slurm --array=0-(N-1)); env/N reads K from VSFLOW_SHARD_INDEX, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or BATCH_TASK_INDEX')
    .action(runAction(trainAction));
  train
    .command('merge')
    .description('Merge the shard files of `vsflow train --shard` in DIR into DIR/merged.json and print the tables of the whole grid (exit 3 listing missing shards)')
    .argument('<DIR>', 'folder with shard-K-of-N.json files')
    .option('--out <file>', 'merged result (default DIR/merged.json)')
    .option('--json', 'print the merged JSON on stdout (the tables go to stderr)')
    .action(runAction(mergeAction));
}
