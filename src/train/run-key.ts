/**
 * The key of a training run: a hash of its whole resolved configuration. It names the run's
 * checkpoint file (trainer.ts `checkpointPath`), so runs that differ in any setting (the learning
 * rate, say) never share a checkpoint, and the same run finds its checkpoint on every machine.
 */
import { createHash } from 'node:crypto';
import type { TrainConfig } from './config.js';

/** JSON with object keys sorted and undefined fields left out (canonical text of plain data). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The first 16 hex digits of SHA-256 over the configuration as canonical JSON (sorted keys), so
 * field order does not matter and any changed value changes the key. A field added to
 * TrainConfig later changes every key (old checkpoints are then not found, never misread).
 *
 * @example
 * runKey(resolveTrainConfig('classification', { lr: 1e-3 })) === runKey(resolveTrainConfig('classification', { lr: 2e-3 })); // false
 */
export function runKey(config: TrainConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}
