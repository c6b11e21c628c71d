/**
 * Shared runner and figure helpers of the training sims (sims/train-*.ts): each sim is one task
 * of src/train run over its attention variants, with claims from theory/training-predictions.md.
 * Sims use the wasm backend (the portable default) and the task's `--quick` settings.
 */
import { TASK_DEFAULTS, TASK_MEDIUM, TASK_QUICK, summaryTable, trainMany, type TaskId, type TrainConfig, type TrainManyResult } from '../src/train/index.js';
import { figure, horizontalLine, legendKey, lineTrace, seriesColor } from '../src/plot/index.js';
import type { NamedFigure } from '../src/plot/figure-types.js';
import { simParams } from './_params.js';
import type { SimContext, SimParameter, SimResult } from './types.js';

/** What a training sim runs. */
export interface TrainSimSpec {
  readonly id: string;
  readonly task: TaskId;
  readonly variants: readonly string[];
  /** Seeds of the full and quick runs (each 0, 1, …, n − 1: the `seeds` parameter counts them). */
  readonly seeds: readonly number[];
  readonly quickSeeds: readonly number[];
  /** Seeds of the `--scale medium` run (default: `seeds`). */
  readonly mediumSeeds?: readonly number[];
  /** Extra overrides of the quick run (on top of the task's --quick settings). */
  readonly quickOverrides?: Partial<TrainConfig>;
}

/** The parameters of a training sim, by name (see `trainParameters`). */
export interface TrainSimParams {
  readonly seeds: number;
  readonly steps: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly attention: string;
  readonly [name: string]: number | string | boolean;
}

/** A value of the task's config at a scale (the spec's quick overrides included). */
function taskValue<K extends 'steps' | 'lr' | 'batchSize'>(spec: TrainSimSpec, scale: 'quick' | 'medium' | 'paper', key: K): TrainConfig[K] {
  const paper = TASK_DEFAULTS[spec.task][key];
  if (scale === 'paper') return paper;
  if (scale === 'medium') return (TASK_MEDIUM[spec.task][key] ?? paper) as TrainConfig[K];
  return (spec.quickOverrides?.[key] ?? TASK_QUICK[spec.task][key] ?? paper) as TrainConfig[K];
}

/**
 * The parameters a researcher sets on a training sim (`vsflow sim <id> --set steps=50`), as
 * data: number of seeds, steps, learning rate, batch size and the attention variant(s). Defaults
 * per scale are the task's settings (src/train/config.ts: TASK_DEFAULTS = `--scale paper`,
 * TASK_QUICK = `--quick`, TASK_MEDIUM = `--scale medium`), so a run without `--set` is the run the
 * sim always made.
 *
 * @example
 * trainParameters(SPEC).find((p) => p.name === 'steps')?.quick; // 400 for the in-context sims
 */
export function trainParameters(spec: TrainSimSpec): SimParameter[] {
  const medium = <T extends number | string>(paper: T, value: T): { medium?: T } => (value !== paper ? { medium: value } : {});
  const quick = <T extends number | string>(paper: T, value: T): { quick?: T } => (value !== paper ? { quick: value } : {});
  const num = (key: 'steps' | 'lr' | 'batchSize') => {
    const paper = taskValue(spec, 'paper', key);
    return { default: paper, ...quick(paper, taskValue(spec, 'quick', key)), ...medium(paper, taskValue(spec, 'medium', key)) };
  };
  const nSeeds = spec.seeds.length;
  const out: SimParameter[] = [
    { name: 'seeds', type: 'integer', default: nSeeds, ...quick(nSeeds, spec.quickSeeds.length), ...medium(nSeeds, (spec.mediumSeeds ?? spec.seeds).length), min: 1, max: 100, doc: 'number of seeds: every variant is trained with seeds 0 … n − 1 (--seed N trains seed N alone instead); claims over seeds need ≥ 2' },
    { name: 'steps', type: 'integer', ...num('steps'), min: 1, max: 1_000_000, doc: `optimizer steps per run${spec.task === 'eureka' ? ' (one batch each; at paper scale the batch is the whole 30 % split, so steps are epochs); the warm-up + cosine and heat-treatment schedules span them' : ''}` },
    { name: 'lr', type: 'number', ...num('lr'), min: 1e-9, max: 10, doc: `learning rate (${TASK_DEFAULTS[spec.task].optimizer}${TASK_DEFAULTS[spec.task].lrSchedule === 'cosine' ? ', peak of the warm-up + cosine schedule' : ''})` },
    { name: 'batchSize', type: 'integer', ...num('batchSize'), min: 1, max: 100_000, doc: 'sequences per optimizer step' },
  ];
  if (spec.variants.length > 1) out.push({ name: 'attention', type: 'choice', default: 'all', choices: ['all', ...spec.variants], doc: `attention variant(s) to train: all (${spec.variants.join(', ')}) or one of them; claims comparing variants are then inconclusive (a group has no runs)` });
  return out;
}

/** The seeds, variants and config overrides of a run with these parameters (smoke `overrides` win). */
export function trainRunPlan(spec: TrainSimSpec, ctx: SimContext, overrides: Partial<TrainConfig> = {}): { seeds: number[]; variants: string[]; overrides: Partial<TrainConfig>; scale: 'quick' | 'medium' | 'paper' } {
  const scale = ctx.scale ?? (ctx.quick ? 'quick' : 'paper');
  const p = simParams<TrainSimParams>({ ...ctx, scale }, trainParameters(spec));
  const seeds = ctx.seed !== undefined ? [ctx.seed] : Array.from({ length: p.seeds }, (_, i) => i);
  const variants = p.attention === undefined || p.attention === 'all' ? [...spec.variants] : [p.attention];
  return { seeds, variants, scale, overrides: { ...(scale === 'quick' ? spec.quickOverrides : {}), steps: p.steps, lr: p.lr, batchSize: p.batchSize, ...overrides } };
}

/** Runs the spec with the context's parameters (overrides: smoke settings of the tests). */
export async function runTrainSim(spec: TrainSimSpec, ctx: SimContext, overrides: Partial<TrainConfig> = {}): Promise<TrainManyResult> {
  const plan = trainRunPlan(spec, ctx, overrides);
  let done = 0;
  const total = plan.variants.length * plan.seeds.length;
  return trainMany({
    task: spec.task,
    variants: plan.variants,
    seeds: plan.seeds,
    scale: plan.scale,
    backend: 'wasm',
    overrides: plan.overrides,
    hooksFor: (c) => ({
      signal: ctx.signal,
      onProgress: (s, n) => {
        ctx.onProgress?.((done + s / n) / total, `${c.attention} seed ${c.seed}`);
        if (s === n) done++;
      },
    }),
  });
}

/**
 * Two results of one task as one (runs and configs concatenated, variants and seeds united, the
 * table recomputed, wall times added): extra runs at another setting, or seeds run separately.
 */
export function mergeTrainResults(a: TrainManyResult, b: TrainManyResult): TrainManyResult {
  if (a.task !== b.task) throw new Error(`cannot merge ${a.task} with ${b.task} results`);
  const variants = [...new Set([...a.config.variants, ...b.config.variants])];
  const seeds = [...new Set([...a.config.seeds, ...b.config.seeds])].sort((x, y) => x - y);
  const runs = [...a.runs, ...b.runs];
  const meta = { ...a.meta, wallTimeMs: (a.meta.wallTimeMs ?? 0) + (b.meta.wallTimeMs ?? 0) };
  return { task: a.task, config: { ...a.config, variants, seeds, runs: [...a.config.runs, ...b.config.runs] }, meta, runs, table: summaryTable(a.task, variants, runs.map((r) => r.summary)) };
}

/** The SimResult of a training sim. */
export function trainSimResult(id: string, r: TrainManyResult, quick: boolean, claims: SimResult['claims']): SimResult {
  const { quick: _q, ...rest } = r.config;
  return { sim: id, config: { ...rest, quick }, meta: r.meta, data: r, claims };
}

/** Which runs a step figure shows and how (defaults: every seed, colour per variant, dash per seed). */
export interface StepFigureStyle {
  /** Only these seeds (default: every seed of the result). */
  readonly seeds?: readonly number[];
  /** Dash of a run's line from its attention label and seed index (default: one dash per seed). */
  readonly dash?: (attention: string, seedIndex: number) => string;
  /** Legend entry of a run (default: `<attention> seed <seed>`). */
  readonly name?: (attention: string, seed: number) => string;
}

/** Dashes of the seeds, by seed index. */
export const SEED_DASHES: readonly string[] = ['solid', 'dash', 'dot', 'dashdot', 'longdash'];

/**
 * Legend of many runs as a key: one entry per variant (its colour) and one per seed (its dash,
 * in black) instead of one per run (20 entries for 4 variants × 5 seeds); the runs' own traces
 * keep their full names (CSV series, hover) but leave the legend.
 */
export function runKey(variants: readonly string[], seeds: readonly number[], dash: (seedIndex: number) => string = (i) => SEED_DASHES[i % SEED_DASHES.length]!): Record<string, unknown>[] {
  const byVariant = variants.map((v, i) => legendKey(v, 'solid', seriesColor(i)));
  // More seeds than dashes: the dashes repeat, so one entry names the seeds instead.
  if (seeds.length > SEED_DASHES.length) return [...byVariant, legendKey(`seeds ${seeds.join(', ')} (dash per seed, repeating)`, 'solid')];
  return [...byVariant, ...seeds.map((s, i) => legendKey(`seed ${s}`, dash(i)))];
}

/**
 * A per-step series of each run as line traces (one colour per variant, dashes per seed; with
 * several seeds the legend is a key of variants and seeds, see `runKey`). A run that diverged is
 * flagged (`meta.diverged`), so the paper style ends its line in a × marker.
 */
export function stepFigure(
  r: TrainManyResult,
  name: string,
  title: string,
  y: { title: string; unit?: string; log?: boolean },
  pick: (rec: TrainManyResult['runs'][number]['records'] extends readonly (infer R)[] | undefined ? R : never) => number | undefined,
  refs: { value: number; name: string; dash?: string }[] = [],
  style: StepFigureStyle = {},
): NamedFigure {
  const variants = r.config.variants;
  const seeds = style.seeds ?? r.config.seeds;
  const keyed = style.dash === undefined && style.name === undefined && seeds.length > 1;
  const data: Record<string, unknown>[] = [];
  let maxStep = 1;
  r.runs.forEach((run) => {
    if (style.seeds !== undefined && !style.seeds.includes(run.config.seed)) return;
    const recs = (run.records ?? []).filter((x) => pick(x) !== undefined);
    const vi = variants.findIndex((v) => run.summary.attention === v.replace('+ht', '+heat-treatment'));
    const seedIndex = r.config.seeds.indexOf(run.config.seed);
    maxStep = Math.max(maxStep, ...recs.map((x) => x.step + 1));
    const trace = lineTrace({
      name: style.name?.(run.summary.attention, run.config.seed) ?? `${run.summary.attention} seed ${run.config.seed}`,
      x: recs.map((x) => x.step + 1),
      y: recs.map((x) => pick(x)!),
      index: vi,
      dash: style.dash?.(run.summary.attention, seedIndex) ?? SEED_DASHES[seedIndex % SEED_DASHES.length]!,
      ...(keyed ? { showlegend: false } : { legendgroup: run.summary.attention }),
    });
    data.push(run.status === 'diverged' && recs.length > 0 ? { ...trace, meta: { diverged: true } } : trace);
  });
  if (keyed) data.push(...runKey(variants.map((v) => v.replace('+ht', '+heat-treatment')), seeds));
  for (const ref of refs) data.push(horizontalLine(ref.value, [1, maxStep], { name: ref.name, ...(ref.dash !== undefined ? { dash: ref.dash } : {}) }));
  return { name, title, figure: figure({ title, x: { title: 'training step', log: true }, y, data }) };
}

/** A heat map of an N×N attention matrix (row = query, column = key). */
export function heatmapFigure(name: string, title: string, P: readonly number[], n: number, labels?: readonly string[]): NamedFigure {
  const z = Array.from({ length: n }, (_, i) => P.slice(i * n, (i + 1) * n));
  const ticks = labels ?? Array.from({ length: n }, (_, i) => String(i));
  return {
    name,
    title,
    figure: figure({
      title,
      x: { title: 'key position', category: true },
      y: { title: 'query position', category: true, reversed: true },
      data: [{ type: 'heatmap', z, x: ticks, y: ticks, colorscale: 'Viridis', zmin: 0, zmax: 1, colorbar: { title: { text: 'attention weight' } } }],
    }),
  };
}
