/**
 * Helpers shared by the polarisation sims (theory/polarization-predictions.md): the committed
 * notebook initialisations in sims/data/, log-spaced save grids, stable softmax rows and claim
 * records. Not a sim itself (the registry skips files starting with `_`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { polarizationCase } from '../src/analysis/predictions.js';
import { SUM_A } from '../src/analysis/polarization-registry.js';
import type { SimRecord } from '../src/analysis/observables.js';
import type { PredictionCheck } from '../src/core/claim.js';
import { notApplicableCheck } from '../src/core/prediction.js';
import { resolveProblem, type ProblemSpec } from '../src/models/problem.js';
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

/**
 * A registered prediction's check (src/analysis/polarization-registry.ts) as a sim claim: the id,
 * numbers, tolerance and verdict are the registry's; `statement` may name the sim's setting. A
 * prediction that does not apply, or whose regime the run did not reach, is inconclusive.
 */
export function checkClaim(c: PredictionCheck, statement = c.statement): ClaimCheck {
  const status = c.status === 'not-applicable' ? 'inconclusive' : c.status;
  return {
    id: c.id,
    statement,
    predicted: c.predicted ?? '—',
    measured: c.measured ?? '—',
    tolerance: c.tolerance,
    pass: status === 'pass',
    status,
    ...(c.range !== undefined && c.range !== '—' ? { range: c.range } : {}),
    ...(c.note !== undefined ? { note: c.note } : {}),
  };
}

/**
 * P-3 (Σ_i a_ki conserved, every sample) on a sim's saves, decided by the registered prediction
 * `SUM_A`: the largest drift of Σa over the saves against 1e-10·(1 + max|a|).
 */
export function sumAClaim(problem: ProblemSpec, records: readonly SimRecord[], statement: string): ClaimCheck {
  const c = polarizationCase(resolveProblem(problem));
  const a = SUM_A.applies(c);
  if (!a.applies) return checkClaim(notApplicableCheck(SUM_A, a.reason), statement);
  const sums = (x: SimRecord): number[] => (Array.isArray(x.sumA) ? x.sumA : [x.sumA]);
  const s0 = sums(records[0]!);
  let drift = 0;
  let maxAbsA = 0;
  for (const r of records) {
    sums(r).forEach((v, k) => (drift = Math.max(drift, Math.abs(v - s0[k]!))));
    for (const v of (r.a as (number | number[])[]).flat()) maxAbsA = Math.max(maxAbsA, Math.abs(v));
  }
  const tEnd = records[records.length - 1]!.t;
  return checkClaim(SUM_A.verdict({ sumADrift: drift, maxAbsA, steps: records.length, tReached: tEnd, where: `${records.length} saves, t ∈ [0, ${tEnd}]` }, c), statement);
}
