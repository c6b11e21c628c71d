/**
 * Shards of an array job: which contiguous block of work items shard K of N owns, where K comes
 * from (`--shard K/N`, or `--shard env/N` reading the array engine's task index), the shard's
 * file name, and the `--array=` list of missing shards. Pure: the environment is a parameter.
 *
 * K is 0-based, K ∈ [0, N), as the task indices of every engine it reads: Slurm
 * `--array=0-(N−1)` (SLURM_ARRAY_TASK_ID), Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX),
 * AWS Batch array jobs (AWS_BATCH_JOB_ARRAY_INDEX) and GCP Batch (BATCH_TASK_INDEX) all count
 * from 0. N is always explicit: Slurm's SLURM_ARRAY_TASK_COUNT is 1 when a single index is
 * resubmitted, so it cannot stand in for N.
 *
 * Shard K owns items [⌊K·T/N⌋, ⌊(K+1)·T/N⌋) of T: contiguous blocks (not every N-th item, since
 * a sweep's loss × size combinations cycle with the index and would then all land on a few
 * shards), sizes differing by at most one, together covering [0, T) exactly once.
 */
import { OptionError } from '../core/errors.js';

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The block of items a shard owns: [start, end). */
export interface ShardRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Environment variables read by `--shard env/N`, first set wins: vsflow's own, then Slurm,
 * Kubernetes Indexed Job, AWS Batch, GCP Batch.
 *
 * @example
 * SHARD_INDEX_VARIABLES[1]; // 'SLURM_ARRAY_TASK_ID'
 */
export const SHARD_INDEX_VARIABLES: readonly string[] = Object.freeze([
  'VSFLOW_SHARD_INDEX',
  'SLURM_ARRAY_TASK_ID',
  'JOB_COMPLETION_INDEX',
  'AWS_BATCH_JOB_ARRAY_INDEX',
  'BATCH_TASK_INDEX',
]);

/** Largest shard count accepted (Slurm's default MaxArraySize is 1001). */
export const MAX_SHARDS = 1_000_000;

const INTEGER = /^\s*\d+\s*$/;

/**
 * Parses `K/N` or `env/N` (K from the first set variable of SHARD_INDEX_VARIABLES); errors name
 * `flag` (and the variable K came from).
 *
 * @example
 * parseShard('2/4'); // { index: 2, count: 4 }
 * parseShard('env/4', { SLURM_ARRAY_TASK_ID: '3' }); // { index: 3, count: 4 }
 */
export function parseShard(text: string | undefined, env: Readonly<Record<string, string | undefined>> = {}, flag = '--shard'): Shard {
  const m = /^\s*([^/\s]+)\s*\/\s*([^/\s]+)\s*$/.exec(text ?? '');
  if (!m) throw new OptionError(flag, 'K/N (0 ≤ K < N, 0-based as Slurm --array=0-(N-1)) or env/N', text);
  const [, k, n] = m as unknown as [string, string, string];
  if (!INTEGER.test(n) || Number(n) < 1 || Number(n) > MAX_SHARDS) throw new OptionError(flag, `a shard count N between 1 and ${MAX_SHARDS} in K/N`, text);
  const count = Number(n);
  let source = text;
  let indexText = k;
  if (k === 'env') {
    const name = SHARD_INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v]!.trim() !== '');
    if (name === undefined) throw new OptionError(flag, `one of ${SHARD_INDEX_VARIABLES.join(', ')} to be set for env/N`, 'none set', 'or give the index: --shard K/N');
    indexText = env[name]!;
    source = `${name}=${indexText}`;
  }
  if (!INTEGER.test(indexText)) throw new OptionError(flag, 'a shard index K that is an integer ≥ 0', source);
  const index = Number(indexText);
  if (index >= count) throw new OptionError(flag, `a 0-based shard index K < N = ${count} (Slurm: --array=0-${count - 1})`, source);
  return { index, count };
}

/**
 * The contiguous block of `total` items owned by `shard`.
 *
 * @example
 * shardRange(10, { index: 1, count: 4 }); // { start: 2, end: 5 }
 */
export function shardRange(total: number, shard: Shard): ShardRange {
  return { start: Math.floor((shard.index * total) / shard.count), end: Math.floor(((shard.index + 1) * total) / shard.count) };
}

/**
 * The shard (0-based) that owns item `item` of `total` split into `count` shards.
 *
 * @example
 * shardOfItem(10, 4, 4); // 1
 */
export function shardOfItem(total: number, count: number, item: number): number {
  // The largest K with ⌊K·T/N⌋ ≤ item; start from the estimate and correct the rounding.
  let k = Math.min(count - 1, Math.floor(((item + 1) * count) / total));
  while (k > 0 && Math.floor((k * total) / count) > item) k--;
  while (k + 1 < count && Math.floor(((k + 1) * total) / count) <= item) k++;
  return k;
}

/**
 * The file of shard K of N inside the output folder.
 *
 * @example
 * shardFileName({ index: 2, count: 4 }); // 'shard-2-of-4.json'
 */
export function shardFileName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

/** Parses a shard file name back (undefined for other files). */
export function parseShardFileName(name: string): Shard | undefined {
  const m = /^shard-(\d+)-of-(\d+)\.json$/.exec(name);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index < count ? { index, count } : undefined;
}

/**
 * A list of shard indices as a Slurm `--array` value (runs of three or more as ranges).
 *
 * @example
 * arraySpec([2, 5]); // '2,5'
 * arraySpec([0, 1, 2, 3, 7]); // '0-3,7'
 */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}
