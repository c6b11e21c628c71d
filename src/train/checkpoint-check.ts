/**
 * Reading a training checkpoint for `--resume`: a truncated file, a file without weights, or
 * weights of the wrong size are one-line `OptionError`s naming the file and what is wrong (never
 * a SyntaxError or TypeError trace, never tensors built from `undefined`).
 */
import { readFileSync } from 'node:fs';
import { OptionError } from '../core/errors.js';

/** Expected sizes (element counts) of the named weights and of each weight's optimiser slots. */
export interface CheckpointShape {
  readonly params: ReadonlyMap<string, number>;
  readonly slots: ReadonlyMap<string, readonly number[]>;
}

const base64Floats = (s: unknown): number | undefined => {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.byteLength(s, 'base64');
  return bytes % 4 === 0 ? bytes / 4 : undefined;
};

/**
 * Parses and checks the checkpoint at `path` against `shape`; returns it typed as `T`.
 *
 * @example
 * readCheckpoint('ck/checkpoint-induction-softmax-seed0.json', shape); // throws OptionError when truncated
 */
export function readCheckpoint<T>(path: string, shape: CheckpointShape, format: string): T {
  const bad = (why: string): never => {
    throw new OptionError('--resume', 'a complete vsflow training checkpoint', path, `${why}; delete it to start afresh or resume from another --checkpoint folder`);
  };
  let ck: Record<string, unknown>;
  try {
    ck = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return bad(`not readable JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!ck || typeof ck !== 'object' || Array.isArray(ck)) return bad('not a JSON object');
  if (ck.format !== format) return bad(`format ${JSON.stringify(ck.format)} instead of ${format}`);
  if (!ck.config || typeof ck.config !== 'object') return bad('no config');
  if (typeof ck.step !== 'number' || !Number.isInteger(ck.step) || ck.step < 0) return bad('no step counter');
  if (typeof ck.optimizerT !== 'number' || !Number.isFinite(ck.optimizerT)) return bad('no optimiser step');
  if (!Array.isArray(ck.records) || !Array.isArray(ck.evals)) return bad('no records');
  const params = ck.params as Record<string, unknown> | undefined;
  const slots = ck.slots as Record<string, unknown> | undefined;
  if (!params || typeof params !== 'object') return bad('no weights (params)');
  if (!slots || typeof slots !== 'object') return bad('no optimiser slots');
  for (const [name, size] of shape.params) {
    const got = base64Floats(params[name]);
    if (got !== size) return bad(`weight ${name}: ${got === undefined ? 'missing or not base64' : `${got} values instead of ${size}`}`);
  }
  for (const [name, sizes] of shape.slots) {
    const list = slots[name];
    if (!Array.isArray(list) || list.length !== sizes.length) return bad(`optimiser slots of ${name} missing`);
    sizes.forEach((size, i) => {
      const got = base64Floats(list[i]);
      if (got !== size) bad(`optimiser slot ${name}[${i}]: ${got === undefined ? 'missing or not base64' : `${got} values instead of ${size}`}`);
    });
  }
  return ck as T;
}
