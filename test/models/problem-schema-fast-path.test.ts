/**
 * checkProblemFile skips zod for numeric array fields that a tight loop proves valid
 * (models/problem-schema.ts, withValidArraysStubbed). Checked here: on valid and invalid problem
 * files of every loss, the outcome (pass, or the OptionError message) equals the one of the full
 * zod path, reached by giving the same fields on an object whose prototype is not
 * Object.prototype (which the fast path leaves to zod whole).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkProblemFile } from '../../src/models/problem-schema.js';

function outcome(spec: unknown): string {
  try {
    checkProblemFile(spec);
    return 'ok';
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

/** The same own fields on an object with an extra (empty) prototype level: the full zod path. */
function viaZod(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(Object.create(Object.prototype) as object) as Record<string, unknown>, spec);
}

test('fast path of checkProblemFile gives the outcome of the full zod path', () => {
  const sq = { loss: 'square', V: [[1, 0], [0, 1]], a: [0, 0], y: [1, 0] };
  const lg = { loss: 'logistic', V: [[0.1, 0, -0.1], [0, 0.2, 0]], a: [[0, 0, 0], [1, 0, 0]], beta: [1, 0], labels: [1, -1] };
  const rg = { loss: 'regression', V: [[1, 0], [0, 1]], a: [0, 0], X: [[1, 2], [3, 4], [5, 6]], y: [[1, 0, 1]] };
  const ce = { loss: 'cross-entropy', V: [[1, 0], [0, 1]], a: [0, 0], p: [0.25, 0.75] };
  const specs: Record<string, unknown>[] = [
    sq, lg, rg, ce,
    { ...sq, V: [[1, NaN], [0, 1]] },
    { ...sq, V: [[1, 0], [-Infinity, 1]] },
    { ...sq, V: [[1, '0'], [0, 1]] },
    { ...sq, V: [] },
    { ...sq, V: [[]] },
    { ...sq, V: [1, 2] },
    // eslint-disable-next-line no-sparse-arrays
    { ...sq, V: [[1, , 0], [0, 1, 0]] },
    { ...sq, V: [new Float64Array([1, 0]), [0, 1]] },
    { ...sq, a: [[0, 0], 1] },
    { ...sq, a: [0, null] },
    { ...sq, a: 'x' },
    { ...sq, y: [[1, 0], [Infinity, 0]] },
    { ...sq, beta: [1, 0] },
    { ...sq, V: [[NaN]], zz: 1 },
    { ...lg, beta: [1, NaN] },
    { ...lg, beta: [[1, 0]] },
    { ...lg, labels: [2, 1] },
    { ...rg, X: [[1, 2], [3, 'x']] },
    { ...rg, X: [] },
    { ...ce, p: [1.5, -0.5] },
    { ...ce, p: [1, -0] },
    { ...ce, p: [[0.5, 0.5], [1, NaN]] },
    { ...sq, seed: 'x' },
    { ...sq, normalization: 'max' },
    { ...sq, comment: 3 },
  ];
  let errors = 0;
  for (const spec of specs) {
    const fast = outcome(spec);
    assert.equal(fast, outcome(viaZod(spec)), JSON.stringify(spec));
    if (fast !== 'ok') errors++;
  }
  // The cases are mostly bad input: the comparison covers the error messages, not only passes.
  assert.ok(errors >= 20, `only ${errors} rejected`);
});
