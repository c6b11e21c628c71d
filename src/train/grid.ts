/**
 * Training grids: attention variants × swept settings × seeds, enumerated in one fixed order so
 * that run i is the same run on every machine (`vsflow train --list-runs`, `--shard K/N`), and
 * the key that names a run's checkpoint: a hash of its whole resolved configuration.
 *
 * Order (mixed radix, last fastest): variant, then each swept setting in GRID_SETTINGS order
 * (values in the order given), then seed. With one value per setting this is the order of
 * `trainMany` (variants × seeds).
 */
import { OptionError } from '../core/errors.js';
import { resolveTrainConfig, type TaskId, type TrainConfig, type TrainScale } from './config.js';
import { parseVariant, summaryTable, type VariantRow } from './train-many.js';
import type { RunSummary } from './trainer.js';
import { runKey } from './run-key.js';

/**
 * Settings that take lists in a grid, in enumeration order.
 *
 * @example
 * GRID_SETTINGS[1]; // 'lr'
 */
export const GRID_SETTINGS = Object.freeze(['steps', 'lr', 'batchSize', 'width', 'layers', 'heads', 'tau', 'initScale'] as const);

/** A setting that can be swept. */
export type GridSetting = (typeof GRID_SETTINGS)[number];

/** Largest grid accepted. */
export const MAX_GRID_RUNS = 1_000_000;

/** A training grid (JSON-friendly; stored in shard files so that a merge can check them). */
export interface TrainGrid {
  readonly task: TaskId;
  readonly quick: boolean;
  /** Scale profile; absent = 'quick' when `quick`, else 'paper' (grids written before scales existed). */
  readonly scale?: TrainScale;
  /** Attention variants (`softmax`, `softmax+ht`, …). */
  readonly variants: readonly string[];
  /** Values per swept setting (a setting absent = the task default). */
  readonly settings: Readonly<Partial<Record<GridSetting, readonly number[]>>>;
  readonly seeds: readonly number[];
  /** Overrides shared by every run (not swept). */
  readonly fixed: Readonly<Partial<TrainConfig>>;
}

/** One run of a grid. */
export interface GridRun {
  /** Position in the enumeration (0-based). */
  readonly index: number;
  readonly variant: string;
  readonly seed: number;
  /** The swept settings' values of this run (only settings given as lists). */
  readonly settings: Readonly<Partial<Record<GridSetting, number>>>;
  readonly config: TrainConfig;
  /** runKey(config). */
  readonly key: string;
}

/** Number of runs of a grid. */
export function gridSize(grid: TrainGrid): number {
  let n = grid.variants.length * grid.seeds.length;
  for (const k of GRID_SETTINGS) n *= grid.settings[k]?.length ?? 1;
  return n;
}

/**
 * Every run of the grid in enumeration order, each configuration resolved and validated
 * (OptionError naming the field, or `attention`, `seeds`, a setting for empty lists).
 *
 * @example
 * const runs = enumerateGrid({ task: 'classification', quick: true, variants: ['softmax'], settings: { lr: [1e-3, 2e-3] }, seeds: [0, 1], fixed: {} });
 * runs.map((r) => `${r.settings.lr}/${r.seed}`); // ['0.001/0', '0.001/1', '0.002/0', '0.002/1']
 */
export function enumerateGrid(grid: TrainGrid): GridRun[] {
  if (grid.variants.length === 0) throw new OptionError('attention', 'at least one attention variant', '');
  if (grid.seeds.length === 0) throw new OptionError('seeds', 'at least one seed', '');
  const swept = GRID_SETTINGS.filter((k) => grid.settings[k] !== undefined);
  for (const k of swept) if (grid.settings[k]!.length === 0) throw new OptionError(k, 'a non-empty list of values', '');
  const size = gridSize(grid);
  if (size > MAX_GRID_RUNS) throw new OptionError('grid', `at most ${MAX_GRID_RUNS} runs`, size);
  const runs: GridRun[] = [];
  for (let index = 0; index < size; index++) {
    let rest = index;
    const seed = grid.seeds[rest % grid.seeds.length]!;
    rest = Math.floor(rest / grid.seeds.length);
    const settings: Partial<Record<GridSetting, number>> = {};
    for (let j = swept.length - 1; j >= 0; j--) {
      const values = grid.settings[swept[j]!]!;
      settings[swept[j]!] = values[rest % values.length]!;
      rest = Math.floor(rest / values.length);
    }
    const variant = grid.variants[rest]!;
    const ordered = Object.fromEntries(swept.map((k) => [k, settings[k]])) as Partial<Record<GridSetting, number>>;
    const config = resolveTrainConfig(grid.task, { ...grid.fixed, ...ordered, ...parseVariant(variant), seed }, grid.scale ?? grid.quick);
    runs.push({ index, variant, seed, settings: ordered, config, key: runKey(config) });
  }
  return runs;
}

/**
 * A label of a run's swept settings (those with more than one value in the grid), e.g.
 * `lr=0.001 width=64`; empty when nothing but variants and seeds is swept.
 */
export function settingsLabel(grid: TrainGrid, settings: Readonly<Partial<Record<GridSetting, number>>>): string {
  return GRID_SETTINGS.filter((k) => (grid.settings[k]?.length ?? 0) > 1)
    .map((k) => `${k}=${settings[k]}`)
    .join(' ');
}

/** A row of the grid's summary table: a variant at one combination of the swept settings. */
export interface GridRow extends VariantRow {
  /** settingsLabel of the group ('' when only variants and seeds are swept). */
  readonly settings: string;
}

/**
 * The summary table of a grid: one row per variant × combination of swept settings, in
 * enumeration order, each over its seeds (summaryTable of train-many.ts on that group). Pure, so
 * a merge of shards gives the table of the one-machine run.
 */
export function gridTable(grid: TrainGrid, done: readonly { readonly run: GridRun; readonly summary: RunSummary }[]): GridRow[] {
  const groups = new Map<string, { variant: string; settings: string; summaries: RunSummary[] }>();
  for (const run of enumerateGrid(grid)) {
    const settings = settingsLabel(grid, run.settings);
    const id = `${run.variant}\u0000${settings}`;
    if (!groups.has(id)) groups.set(id, { variant: run.variant, settings, summaries: [] });
  }
  for (const d of done) groups.get(`${d.run.variant}\u0000${settingsLabel(grid, d.run.settings)}`)?.summaries.push(d.summary);
  return [...groups.values()].map((g) => ({ ...summaryTable(grid.task, [g.variant], g.summaries)[0]!, settings: g.settings }));
}
