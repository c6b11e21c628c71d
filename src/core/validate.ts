/**
 * Validation at the public boundary (library entry points, CLI, problem files). Kernels trust
 * their inputs; everything a user can type goes through one of these first. Hand-written rather
 * than a schema library: the checks are on nested numeric arrays (shapes, finiteness), and the
 * messages must name the field, the expected and the received value in one line.
 */
import { DimensionError, OptionError } from './errors.js';

export interface NumberRule {
  /** Inclusive lower bound. */
  min?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Strict lower bound (value must be greater). */
  gt?: number;
  /** Strict upper bound (value must be smaller). */
  lt?: number;
  integer?: boolean;
}

/**
 * The one rule for a relative tolerance, used by `solve`, `simulate`, `checkPredictions` and the
 * CLI: 0 < rtol < 1 (rtol ≥ 1 accepts any step: 100 % relative error).
 */
export const RTOL_RULE: Readonly<NumberRule> = Object.freeze({ gt: 0, lt: 1 });

function ruleText(rule: NumberRule): string {
  const parts: string[] = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.lt !== undefined) parts.push(`< ${rule.lt}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(' ');
}

/** Checks one number; returns it. Strings are not coerced (the CLI parses before validating). */
export function checkNumber(name: string, value: unknown, rule: NumberRule = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.gt === undefined || value > rule.gt) &&
    (rule.lt === undefined || value < rule.lt);
  if (!ok) throw new OptionError(name, ruleText(rule), value);
  return value as number;
}

/** Checks that `value` is one of `choices`. */
export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new OptionError(name, `one of ${choices.join(', ')}`, value);
  }
  return value as T;
}

/** Checks a boolean. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new OptionError(name, 'true or false', value);
  return value;
}

/** Checks a vector of finite numbers (optionally of a given length); returns a Float64Array copy. */
export function checkVector(name: string, value: unknown, length?: number): Float64Array {
  if (!Array.isArray(value) && !(value instanceof Float64Array)) {
    throw new OptionError(name, length === undefined ? 'an array of finite numbers' : `an array of ${length} finite numbers`, value);
  }
  const arr = value as ArrayLike<unknown>;
  if (length !== undefined && arr.length !== length) throw new DimensionError(name, `(${length})`, `(${arr.length})`);
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new OptionError(`${name}[${i}]`, 'a finite number', v);
    out[i] = v;
  }
  return out;
}

/**
 * Checks a rectangular matrix given as an array of rows; returns a row-major Float64Array and
 * its shape. `rows`/`cols` pin the shape when given.
 */
export function checkMatrix(
  name: string,
  value: unknown,
  rows?: number,
  cols?: number,
): { data: Float64Array; rows: number; cols: number } {
  if (!Array.isArray(value) || value.length === 0 || !value.every((r) => Array.isArray(r))) {
    throw new OptionError(name, 'a non-empty array of rows (arrays of finite numbers)', value);
  }
  const r = value.length;
  const c = (value[0] as unknown[]).length;
  if (rows !== undefined && r !== rows) throw new DimensionError(name, `(${rows}×${cols ?? c})`, `(${r}×${c})`);
  if (cols !== undefined && c !== cols) throw new DimensionError(name, `(${rows ?? r}×${cols})`, `(${r}×${c})`);
  if (c === 0) throw new OptionError(name, 'rows with at least one entry', value);
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const row = value[i] as unknown[];
    if (row.length !== c) throw new DimensionError(`${name}[${i}]`, `(${c})`, `(${row.length})`, 'all rows must have the same length');
    for (let j = 0; j < c; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new OptionError(`${name}[${i}][${j}]`, 'a finite number', v);
      data[i * c + j] = v;
    }
  }
  return { data, rows: r, cols: c };
}

/**
 * Resolves options over frozen defaults: an explicit `undefined` never erases a default, and
 * unknown keys are an error (a typo must not pass silently).
 */
export function resolveOptions<T extends object>(scope: string, defaults: Readonly<T>, given: Partial<T> | undefined): T {
  const out = { ...defaults } as T;
  if (given === undefined || given === null) return out;
  if (typeof given !== 'object') throw new OptionError(scope, 'an options object', given);
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) {
      throw new OptionError(`${scope}.${key}`, `a known option (${Object.keys(defaults).join(', ')})`, key);
    }
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
