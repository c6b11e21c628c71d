/**
 * Sharded sweeps: the result of one shard (an ordinary sweep result over its block of problem
 * indices, plus the shard it is), and the merge of all shards back into the result of the
 * unsharded sweep. Pure: the CLI reads and writes the files.
 *
 * Problem i of a sweep depends on (config, i) only (see sweep.ts), so the entries of a complete
 * merge equal those of the one-machine run index for index; only timings differ (`meta` and each
 * entry's `wallTimeMs`).
 */
import { OptionError } from '../core/errors.js';
import { shardRange, type Shard, type ShardRange } from './shard.js';
import { sweepResult, type SweepConfig, type SweepEntry, type SweepResult } from './sweep.js';

/** A shard's output file: the sweep result of its block, and the shard. */
export interface SweepShardResult extends SweepResult {
  readonly shard: Shard & ShardRange & { readonly complete: boolean };
}

/**
 * The result of shard `shard` with `entries` (those outside its block are dropped).
 *
 * @example
 * sweepShardResult(cfg, { index: 0, count: 2 }, [], 0).shard.complete; // false when cfg.count ≥ 2
 */
export function sweepShardResult(config: SweepConfig, shard: Shard, entries: readonly SweepEntry[], wallTimeMs: number): SweepShardResult {
  const range = shardRange(config.count, shard);
  const own = entries.filter((e) => e.index >= range.start && e.index < range.end);
  return { ...sweepResult(config, own, wallTimeMs), shard: { index: shard.index, count: shard.count, ...range, complete: own.length === range.end - range.start } };
}

/** One shard file as read by the merge. */
export interface ShardInput {
  /** File name (for messages). */
  readonly name: string;
  /** Shard from the file name. */
  readonly shard: Shard;
  /** Parsed content. */
  readonly content: unknown;
}

/** Outcome of `mergeSweepShards`. */
export interface SweepMerge {
  readonly count: number;
  readonly config: SweepConfig;
  /** 0-based indices of shards without a file or with an incomplete one. */
  readonly missing: number[];
  /** The merged result when no shard is missing. */
  readonly result: SweepResult | undefined;
  /** Problems done over all shards. */
  readonly done: number;
}

const canonical = (c: SweepConfig): string => JSON.stringify({ ...c, tEnd: c.tEnd ?? null, maxSteps: c.maxSteps ?? null });

/**
 * Checks that the shards belong to one split of one sweep (same N, same configuration, each file
 * the block its name says), lists the missing or incomplete shards, and, when none is, combines
 * the entries by index into the unsharded sweep's result. Errors (OptionError naming `argument`)
 * name the offending file.
 */
export function mergeSweepShards(inputs: readonly ShardInput[], argument = 'DIR'): SweepMerge {
  if (inputs.length === 0) throw new OptionError(argument, 'a folder holding shard-K-of-N.json files of `vsflow sweep --shard`', 'none found');
  const counts = [...new Set(inputs.map((f) => f.shard.count))];
  if (counts.length > 1) throw new OptionError(argument, 'shard files of one split (one N)', `N = ${counts.join(' and ')}`, 'move the files of the other split elsewhere');
  const count = counts[0]!;
  let config: SweepConfig | undefined;
  let first = '';
  const byShard = new Map<number, SweepShardResult>();
  for (const f of inputs) {
    const r = f.content as SweepShardResult;
    if (!r || typeof r !== 'object' || !r.config || !Array.isArray(r.entries) || !r.shard) throw new OptionError(argument, 'vsflow sweep shard results', f.name, 'the file is not one');
    if (r.shard.index !== f.shard.index || r.shard.count !== f.shard.count) throw new OptionError(argument, `shard ${f.shard.index} of ${f.shard.count} in ${f.name}`, `shard ${r.shard.index} of ${r.shard.count}`);
    if (config === undefined) {
      config = r.config;
      first = f.name;
    } else if (canonical(r.config) !== canonical(config)) {
      const keys = Object.keys(config).filter((k) => JSON.stringify((config as unknown as Record<string, unknown>)[k] ?? null) !== JSON.stringify((r.config as unknown as Record<string, unknown>)[k] ?? null));
      throw new OptionError(argument, `shards of one sweep (the configuration of ${first})`, `${f.name} with different ${keys.join(', ')}`);
    }
    const range = shardRange(config.count, f.shard);
    if (r.shard.start !== range.start || r.shard.end !== range.end) throw new OptionError(argument, `problems [${range.start}, ${range.end}) in ${f.name}`, `[${r.shard.start}, ${r.shard.end})`);
    for (const e of r.entries) {
      if (e.index < range.start || e.index >= range.end) throw new OptionError(argument, `entries of problems [${range.start}, ${range.end}) in ${f.name}`, `problem ${e.index}`);
    }
    byShard.set(f.shard.index, r);
  }
  const missing: number[] = [];
  const entries = new Map<number, SweepEntry>();
  let wallTimeMs = 0;
  for (let k = 0; k < count; k++) {
    const r = byShard.get(k);
    const range = shardRange(config!.count, { index: k, count });
    const before = entries.size;
    for (const e of r?.entries ?? []) entries.set(e.index, e);
    if (r === undefined || entries.size - before !== range.end - range.start) missing.push(k);
    if (r !== undefined) {
      wallTimeMs += r.meta?.wallTimeMs ?? 0;
    }
  }
  // The merged meta's wall time is the shards' summed compute time.
  const result = missing.length === 0 ? sweepResult(config!, [...entries.values()], wallTimeMs) : undefined;
  return { count, config: config!, missing, result, done: entries.size };
}
