/**
 * Helpers shared by the polarisation sims (theory/polarization-predictions.md): the committed
 * notebook initialisations in sims/data/, log-spaced save grids, stable softmax rows and claim
 * records. Not a sim itself (the registry skips files starting with `_`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ClaimCheck } from './types.js';

/** Reads sims/data/<name> (works from sims/*.ts under tsx and from dist/sims/*.js). */
export function readSimData<T = Record<string, unknown>>(name: string): T {
  for (const rel of [`./data/${name}`, `../../sims/data/${name}`]) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return JSON.parse(readFileSync(url, 'utf8')) as T;
  }
  throw new Error(`sims/data/${name} not found (it ships with the package)`);
}

/** `count` log-spaced times from `from` to `to` inclusive, preceded by 0 when `withZero`. */
export function logTimes(from: number, to: number, count: number, withZero = true): number[] {
  const out = withZero ? [0] : [];
  for (let i = 0; i < count; i++) out.push(from * Math.pow(to / from, i / (count - 1)));
  out[out.length - 1] = to;
  return out;
}

/** softmax(a) as a plain array (max-shifted). */
export function softmaxRow(a: readonly number[]): number[] {
  let m = -Infinity;
  for (const v of a) m = Math.max(m, v);
  const e = a.map((v) => Math.exp(v - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

/** Column `j` of a list of rows. */
export function column(rows: readonly (readonly number[])[], j: number): number[] {
  return rows.map((r) => r[j]!);
}

/** A claim record with `pass` computed from a predicate. */
export function claim(id: string, statement: string, predicted: number | string, measured: number | string, tolerance: string, pass: boolean, range?: string): ClaimCheck {
  return range === undefined ? { id, statement, predicted, measured, tolerance, pass } : { id, statement, predicted, measured, tolerance, pass, range };
}

/** Short number formatting for claims. */
export const num = (v: number, digits = 4): number => Number(v.toPrecision(digits));
