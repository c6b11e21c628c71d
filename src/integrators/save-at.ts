/**
 * Save-time grids for `solve`.
 */
import { checkNumber } from '../core/validate.js';
import { OptionError } from '../core/errors.js';
import type { SaveAt } from './types.js';

/**
 * Resolves `saveAt` to an increasing Float64Array of times inside [t0, t1].
 * - explicit list: checked (finite, strictly increasing, inside [t0, t1]) and copied;
 * - `{log: [from, to, count]}`: count points 10^(log10 from + i·(log10 to − log10 from)/(count−1)),
 *   i = 0..count−1 (= from·(to/from)^(i/(count−1))), with
 *   0 < from ≤ to, the end points exact (count = 1 needs from = to).
 * Errors are `OptionError`s naming `saveAt` (`saveAt[i]`, `saveAt.log[k]`).
 * Example: `resolveSaveAt({log: [1, 100, 3]}, 0, 100)` → Float64Array [1, 10, 100].
 */
export function resolveSaveAt(saveAt: SaveAt, t0: number, t1: number): Float64Array {
  if (Array.isArray(saveAt)) {
    const list = saveAt as readonly unknown[];
    if (list.length === 0) throw new OptionError('saveAt', 'a non-empty list of times or {log: [from, to, count]}', saveAt);
    const out = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const t = checkNumber(`saveAt[${i}]`, list[i], { min: t0, max: t1 });
      if (i > 0 && !(t > out[i - 1]!)) throw new OptionError(`saveAt[${i}]`, `a time > saveAt[${i - 1}] = ${out[i - 1]} (strictly increasing)`, t);
      out[i] = t;
    }
    return out;
  }
  if (typeof saveAt !== 'object' || saveAt === null || !Array.isArray((saveAt as { log?: unknown }).log)) {
    throw new OptionError('saveAt', 'an increasing list of times or {log: [from, to, count]}', saveAt);
  }
  const log = (saveAt as { log: readonly unknown[] }).log;
  if (log.length !== 3) throw new OptionError('saveAt.log', '[from, to, count] (3 numbers)', log);
  const from = checkNumber('saveAt.log[0]', log[0], { gt: 0, min: t0, max: t1 });
  const to = checkNumber('saveAt.log[1]', log[1], { min: from, max: t1 });
  const count = checkNumber('saveAt.log[2]', log[2], { integer: true, min: 1 });
  if (count === 1) {
    if (from !== to) throw new OptionError('saveAt.log[2]', 'a count ≥ 2 when from < to', count);
    return Float64Array.of(from);
  }
  if (from === to) throw new OptionError('saveAt.log[1]', `a time > from = ${from} when count ≥ 2`, to);
  const out = new Float64Array(count);
  // In base-10 exponents so decade grids ({log: [1e-2, 1e5, 8]}) hit the powers of ten exactly.
  const e0 = Math.log10(from);
  const e1 = Math.log10(to);
  for (let i = 0; i < count; i++) out[i] = Math.pow(10, e0 + ((e1 - e0) * i) / (count - 1));
  out[0] = from;
  out[count - 1] = to;
  return out;
}
