import { test } from 'node:test';
import { DOPRI5 } from '../../src/integrators/tableaus/dopri5.js';
import { assertClose } from '../helpers/tolerance.js';

test('dopri5 tableau: row sums = nodes, Σb = 1, Σe = 0, FSAL row = b; dense output reproduces the step', () => {
  DOPRI5.a.forEach((row, i) => assertClose(row.reduce((a, b) => a + b, 0), DOPRI5.c[i + 1]!, { atol: 1e-15, label: `row ${i + 2}` }));
  assertClose(DOPRI5.b.reduce((a, b) => a + b, 0), 1, { atol: 1e-15, label: 'b' });
  assertClose(DOPRI5.e.reduce((a, b) => a + b, 0), 0, { atol: 1e-15, label: 'e' });
  assertClose(DOPRI5.a[5]!, DOPRI5.b.slice(0, 6), { atol: 0, label: 'FSAL' });
  // Hairer's d_j: the continuous extension's 5th coefficient vanishes on constants (Σd = 0).
  assertClose(DOPRI5.d.reduce((a, b) => a + b, 0), 0, { atol: 1e-14, label: 'd' });
});
