/**
 * Size checks of the flow commands (`simulate`, `check`), run before a problem is generated or
 * read: the memory estimate of `core/limits.ts` for the random-problem sizes, the problem file
 * and the number of saved times; each refusal names the flag that makes the run too big.
 */
import { statSync } from 'node:fs';
import { checkMemory, flowBytes, jsonFileBytes } from '../core/limits.js';

/** Default number of saved times of a flow run (t = 0 and 60 log-spaced times). */
export const DEFAULT_SAVES = 61;

/** Random problem d×n with K samples and `saves` saved times; names the largest given flag. */
export function checkRandomProblemSize(d: number, n: number, K: number, saves: number, given: { dim?: string; tokens?: string; samples?: string }): void {
  const candidates: [string, number][] = [];
  if (given.dim !== undefined) candidates.push(['--dim', d]);
  if (given.tokens !== undefined) candidates.push(['--tokens', n]);
  if (given.samples !== undefined) candidates.push(['--samples', K]);
  const [flag, value] = candidates.reduce<[string, number]>((best, c) => (c[1] > best[1] ? c : best), ['--dim', d]);
  checkMemory(flag, value, flowBytes(d, n, K, saves), 'the flow state, solver buffers and records');
}

/** A problem file: parsing its JSON must fit before it is read. */
export function checkProblemFileSize(path: string): void {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    return; // unreadable: the reader reports it
  }
  checkMemory('--problem', path, jsonFileBytes(size), 'parsing the problem file');
}

/** Saved times: `count` records of a d×n problem with K samples. */
export function checkSaveCount(flag: string, received: unknown, d: number, n: number, K: number, count: number): void {
  checkMemory(flag, received, flowBytes(d, n, K, count), `${count} saved states and records`);
}
