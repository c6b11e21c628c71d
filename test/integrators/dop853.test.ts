import { test } from 'node:test';
import { DOP853 } from '../../src/integrators/tableaus/dop853.js';
import { assertClose } from '../helpers/tolerance.js';

test('tableau consistency: row sums equal the nodes, weights sum to 1, error weights to 0', () => {
  // Published decimals carry ~30 digits: sums hold to round-off (1e-14 relative to the largest term).
  for (let s = 1; s < 16; s++) {
    const row = DOP853.a[s]!;
    const sum = row.reduce((a, b) => a + b, 0);
    const big = Math.max(...row.map(Math.abs));
    assertClose(sum, DOP853.c[s]!, { atol: 1e-14 * big, label: `row ${s}` });
  }
  assertClose(DOP853.b.reduce((a, b) => a + b, 0), 1, { atol: 1e-14, label: 'b' });
  assertClose(DOP853.errors[0]!.e.reduce((a, b) => a + b, 0), 0, { atol: 1e-14, label: 'e5' });
  assertClose(DOP853.errors[1]!.e.reduce((a, b) => a + b, 0), 0, { atol: 1e-14, label: 'e3' });
  assertClose(DOP853.a[12]!, DOP853.b, { atol: 0, label: 'FSAL row' });
});
