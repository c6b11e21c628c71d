/**
 * Memory estimates checked before allocating: a size that cannot fit (`--n 1e9`, `--samples
 * 1e9`, `--save-at log:1:10:1e9`, `train --width 1e9`, a 200 MB problem file) is refused with
 * the estimate and the limit, instead of a V8 fatal error (exit 133) or minutes of swapping.
 * The limit defaults to the smaller of half the machine's memory and V8's heap limit (results are
 * JavaScript arrays on that heap); `VSFLOW_MAX_MEMORY_GB` or the CLI's `--max-memory GB` raise it
 * for those who mean it. Estimates are upper-bound-ish byte counts of what the run keeps alive,
 * not exact.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { OptionError } from './errors.js';

const GB = 2 ** 30;

/** Bytes of one JavaScript number kept in a plain array inside a record (value + slot). */
const JS_NUMBER = 16;

let override: number | undefined;

/** Sets the limit in bytes for this process (`undefined` = back to the default). */
export function setMemoryLimit(bytes: number | undefined): void {
  override = bytes;
}

/** The memory limit in bytes: the override, else `VSFLOW_MAX_MEMORY_GB`, else min(RAM/2, V8 heap). */
export function memoryLimit(env: NodeJS.ProcessEnv = process.env): number {
  if (override !== undefined) return override;
  const fromEnv = Number(env.VSFLOW_MAX_MEMORY_GB);
  if (env.VSFLOW_MAX_MEMORY_GB !== undefined && Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv * GB;
  return Math.min(totalmem() / 2, getHeapStatistics().heap_size_limit);
}

/** "3.2 GB", "512 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'more than can be counted';
  if (bytes >= GB) return `${(bytes / GB).toPrecision(3)} GB`;
  return `${(bytes / 2 ** 20).toPrecision(3)} MB`;
}

/**
 * Throws `OptionError(flag, …)` when `bytes` exceeds the limit: the message carries the estimate,
 * the limit and how to raise it.
 *
 * @example
 * checkMemory('--n', 1e9, 1.6e11, 'the flow state and its records'); // OptionError: … needs about 149 GB, limit 8 GB
 */
export function checkMemory(flag: string, received: unknown, bytes: number, what: string, limit = memoryLimit()): void {
  if (bytes <= limit) return;
  throw new OptionError(
    flag,
    `a size whose memory estimate fits the limit (${what} need about ${formatBytes(bytes)}, limit ${formatBytes(limit)})`,
    received,
    'use smaller sizes, or raise the limit with --max-memory GB (or VSFLOW_MAX_MEMORY_GB) if you mean it',
  );
}

/**
 * Flow runs (`simulate`, `check`): the state (d·n + K·n numbers) times the solver's stage
 * buffers (dop853 keeps about 20 copies), plus each saved time's state copy and its record (K·n
 * logits, u, scalars as JS numbers).
 */
export function flowBytes(d: number, n: number, K: number, saves: number): number {
  const state = d * n + K * n;
  const record = (K * n + n + 16 * K) * JS_NUMBER;
  return 8 * state * 20 + saves * (8 * state + record);
}

/** Parsing a JSON file of numbers: about 35 bytes of heap per byte of text (measured: 200 MB → 6.9 GB). */
export function jsonFileBytes(fileBytes: number): number {
  return 35 * fileBytes;
}
