/**
 * The one tolerance helper: |actual − expected| ≤ atol + rtol·|expected|, elementwise. On failure
 * the message names the label, index, actual, expected, difference and tolerance.
 */
import assert from 'node:assert/strict';

export interface Tolerance {
  rtol?: number;
  atol?: number;
  label?: string;
}

export function assertClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  { rtol = 0, atol = 0, label = 'value' }: Tolerance,
): void {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  assert.equal(a.length, e.length, `${label}: length ${a.length} differs from expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const ei = e[i]!;
    const diff = Math.abs(ai - ei);
    const tol = atol + rtol * Math.abs(ei);
    if (!(diff <= tol)) {
      assert.fail(`${label}[${i}]: actual ${ai}, expected ${ei}, |difference| ${diff.toExponential(3)} > tolerance ${tol.toExponential(3)} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** max |a − b| / max |b|: the largest difference relative to the largest entry of `b`. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}
