/**
 * Several runs of one task: attention variants × seeds, one after the other, with a summary
 * table (Eureka-ratio and mean Eureka-epoch per variant, sink proportion, collapse counts).
 */
import { OptionError } from '../core/errors.js';
import { runMeta, type RunMeta } from '../core/run-meta.js';
import { TRAIN_ATTENTION_KINDS, type TrainAttentionKind } from './attention-kinds.js';
import { loadBackend, type BackendInfo, type BackendName } from './backend.js';
import { resolveTrainConfig, toScale, type TaskId, type TrainConfig, type TrainScale } from './config.js';
import { trainRun, type RunSummary, type TrainHooks, type TrainRunResult } from './trainer.js';

/** Options of `trainMany`. */
export interface TrainManyOptions {
  readonly task: TaskId;
  /** Variants: an attention kind, or `softmax+ht` for softmax with heat treatment (N-3). */
  readonly variants?: readonly string[];
  readonly seeds?: readonly number[];
  /** @deprecated use `scale`; `true` = 'quick'. */
  readonly quick?: boolean;
  /** Scale profile (default 'quick' when `quick` is true, else 'paper'). */
  readonly scale?: TrainScale;
  readonly backend?: BackendName;
  /** Overrides of the task's config (steps, lr, width, …). */
  readonly overrides?: Partial<TrainConfig>;
  /** Keep per-step records in the result (false: summaries and evals only). */
  readonly keepRecords?: boolean;
  /** Hooks for each run (the run's config is passed first). */
  readonly hooksFor?: (config: TrainConfig) => TrainHooks;
  /**
   * Explicit run configurations, trained in this order (a grid's runs, see grid.ts); `variants`,
   * `seeds`, `quick` and `overrides` are then not used.
   */
  readonly runs?: readonly TrainConfig[];
  /** Called after each finished (or interrupted) run with its position in the run list. */
  readonly onRun?: (run: TrainManyResult['runs'][number], position: number) => void;
}

/** One row of the summary table. */
export interface VariantRow {
  readonly variant: string;
  readonly runs: number;
  readonly meanFinalLoss: number;
  readonly meanFinalAccuracy: number | null;
  readonly collapsed: number;
  readonly withLossSpikes: number;
  /** Eureka: runs with a Eureka-moment / runs, and the mean Eureka-epoch over those runs. */
  readonly eurekaRatio: string | null;
  readonly meanEurekaEpoch: number | null;
  /** Induction: mean sink proportion over runs with accuracy > 0.95 (null if none). */
  readonly meanSinkProportion: number | null;
}

/** Result of `trainMany`. */
export interface TrainManyResult {
  readonly task: TaskId;
  readonly config: { readonly task: TaskId; readonly variants: readonly string[]; readonly seeds: readonly number[]; readonly quick: boolean; readonly scale: TrainScale; readonly runs: readonly TrainConfig[] };
  readonly meta: RunMeta & { readonly tfjsVersion: string };
  readonly runs: readonly (Omit<TrainRunResult, 'records'> & { records?: TrainRunResult['records'] })[];
  readonly table: readonly VariantRow[];
}

/**
 * Default variants per task (the comparisons of B.3, A.6 Fig. 4, A.6 Fig. 5, C).
 *
 * @example
 * DEFAULT_VARIANTS.eureka; // ['softmax', 'softmax+ht', 'normsoftmax-var']
 */
export const DEFAULT_VARIANTS: Readonly<Record<TaskId, readonly string[]>> = Object.freeze({
  'icl-regression': ['softmax', 'qk-layernorm', 'relu-kernel', 'elu1-kernel'],
  induction: ['softmax', 'elu1-kernel', 'sigmoid', 'raw-dot'],
  classification: ['softmax'],
  eureka: ['softmax', 'softmax+ht', 'normsoftmax-var'],
});

/**
 * Parses a variant name into attention kind and heat-treatment flag (OptionError naming
 * `attention` otherwise).
 *
 * @example
 * parseVariant('softmax+ht'); // { attention: 'softmax', heatTreatment: true }
 */
export function parseVariant(v: string, option = 'attention'): { attention: TrainAttentionKind; heatTreatment: boolean } {
  const ht = v.endsWith('+ht');
  const kind = ht ? v.slice(0, -3) : v;
  if (!(TRAIN_ATTENTION_KINDS as readonly string[]).includes(kind)) {
    throw new OptionError(option, `one of ${TRAIN_ATTENTION_KINDS.join(', ')} (optionally with +ht for heat treatment)`, v);
  }
  return { attention: kind as TrainAttentionKind, heatTreatment: ht };
}

/**
 * The variant name of a run configuration (`softmax`, `softmax+ht`).
 *
 * @example
 * variantOf(resolveTrainConfig('eureka', { heatTreatment: true })); // 'softmax+ht'
 */
export function variantOf(c: TrainConfig): string {
  return c.attention + (c.heatTreatment ? '+ht' : '');
}

const mean = (a: number[]): number | null => (a.length === 0 ? null : a.reduce((x, y) => x + y, 0) / a.length);

/** The summary table over runs (pure). */
export function summaryTable(task: TaskId, variants: readonly string[], summaries: readonly RunSummary[]): VariantRow[] {
  return variants.map((variant) => {
    const { attention, heatTreatment } = parseVariant(variant);
    const label = attention + (heatTreatment ? '+heat-treatment' : '');
    const rs = summaries.filter((s) => s.attention === label);
    const eureka = rs.filter((s) => s.eurekaEpoch !== null);
    const sinks = rs.map((s) => s.sinkProportion).filter((x): x is number => x !== null);
    return {
      variant,
      runs: rs.length,
      meanFinalLoss: mean(rs.map((s) => s.finalLoss)) ?? NaN,
      meanFinalAccuracy: mean(rs.map((s) => s.finalAccuracy).filter((x): x is number => x !== null)),
      collapsed: rs.filter((s) => s.collapseStep !== null).length,
      withLossSpikes: rs.filter((s) => s.lossSpikes.length > 0).length,
      eurekaRatio: task === 'eureka' ? `${eureka.length}/${rs.length}` : null,
      meanEurekaEpoch: mean(eureka.map((s) => s.eurekaEpoch!)),
      meanSinkProportion: mean(sinks),
    };
  });
}

/**
 * Runs every variant × seed of a task and summarises.
 *
 * @example
 * const r = await trainMany({ task: 'classification', seeds: [0, 1], quick: true, backend: 'wasm' });
 * r.table[0].runs; // 2
 */
export async function trainMany(o: TrainManyOptions): Promise<TrainManyResult> {
  const t0 = performance.now();
  const explicit = o.runs?.map((c) => resolveTrainConfig(o.task, c));
  const variants = explicit === undefined ? (o.variants ?? DEFAULT_VARIANTS[o.task]) : [...new Set(explicit.map(variantOf))];
  const seeds = explicit === undefined ? (o.seeds ?? [o.overrides?.seed ?? 0]) : [...new Set(explicit.map((c) => c.seed))];
  if (explicit === undefined && variants.length === 0) throw new OptionError('attention', 'at least one attention variant', '');
  if (explicit === undefined && seeds.length === 0) throw new OptionError('seeds', 'at least one seed', '');
  const scale = o.scale ?? toScale(o.quick);
  const configs: TrainConfig[] = explicit ?? [];
  if (explicit === undefined) {
    for (const v of variants) {
      const pv = parseVariant(v);
      for (const seed of seeds) configs.push(resolveTrainConfig(o.task, { ...o.overrides, ...pv, seed }, scale));
    }
  }
  const info: BackendInfo = await loadBackend(o.backend ?? 'wasm');
  const runs: TrainManyResult['runs'][number][] = [];
  for (const c of configs) {
    const hooks = o.hooksFor?.(c) ?? {};
    const r = await trainRun(c, info, hooks);
    if (o.keepRecords === false) {
      const { records: _drop, ...rest } = r;
      runs.push(rest);
    } else runs.push(r);
    o.onRun?.(runs.at(-1)!, runs.length - 1);
    if (r.interrupted) break;
  }
  const meta = { ...runMeta({ seed: seeds[0] ?? null, wallTimeMs: performance.now() - t0, backend: info.backend, precision: 'float32' }), tfjsVersion: info.tfjsVersion };
  return { task: o.task, config: { task: o.task, variants, seeds, quick: scale === 'quick', scale, runs: configs }, meta, runs, table: summaryTable(o.task, variants, runs.map((r) => r.summary)) };
}
