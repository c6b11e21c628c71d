import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOP853_ERROR_PATTERN, DOP853_STAGE_PATTERN } from '../../src/integrators/dop853.js';
import { DOP853 } from '../../src/integrators/tableaus/dop853.js';
import { assertClose } from '../helpers/tolerance.js';

const nonzero = (row: readonly number[]): number[] => row.flatMap((v, j) => (v !== 0 ? [j] : []));

test('the kernel\'s written-out stage sums cover exactly the tableau\'s nonzeros', () => {
  for (let s = 1; s <= 12; s++) assert.deepEqual(nonzero(DOP853.a[s]!), DOP853_STAGE_PATTERN[s], `stage ${s}`);
  assert.deepEqual(nonzero(DOP853.e5), DOP853_ERROR_PATTERN);
  assert.deepEqual(nonzero(DOP853.e3), DOP853_ERROR_PATTERN);
});

test('tableau consistency: row sums equal the nodes, weights sum to 1, error weights to 0', () => {
  // Published decimals carry ~30 digits: sums hold to round-off (1e-14 relative to the largest term).
  for (let s = 1; s < 16; s++) {
    const row = DOP853.a[s]!;
    const sum = row.reduce((a, b) => a + b, 0);
    const big = Math.max(...row.map(Math.abs));
    assertClose(sum, DOP853.c[s]!, { atol: 1e-14 * big, label: `row ${s}` });
  }
  assertClose(DOP853.b.reduce((a, b) => a + b, 0), 1, { atol: 1e-14, label: 'b' });
  assertClose(DOP853.e5.reduce((a, b) => a + b, 0), 0, { atol: 1e-14, label: 'e5' });
  assertClose(DOP853.e3.reduce((a, b) => a + b, 0), 0, { atol: 1e-14, label: 'e3' });
});
