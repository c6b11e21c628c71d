/**
 * The tableau builder (tableau.ts, order-conditions.ts): the rooted trees are Butcher's (counts
 * per order 1, 1, 2, 4, 9, 20, 48, 115: OEIS A000081; γ of the order-4 trees 4, 8, 12, 24), every
 * shipped tableau passes its stated orders and fails the next one, and corrupted tableaus are
 * rejected at build time: a weight, a stage coefficient, an embedded or dense weight off by
 * 1e-10 relative, a broken row sum, a stage-s row that is not b, a wrong shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elementaryWeights, orderResidual, rootedTrees } from '../../src/integrators/order-conditions.js';
import { buildTableau, denseWeights, ORDER_TOLERANCE, TableauError, type Tableau } from '../../src/integrators/tableau.js';
import { DOP853 } from '../../src/integrators/tableaus/dop853.js';
import { DOPRI5 } from '../../src/integrators/tableaus/dopri5.js';
import { EULER, RK4 } from '../../src/integrators/tableaus/rk4.js';

const TABLEAUS: readonly Tableau[] = [DOPRI5, DOP853, RK4, EULER];

test('rooted trees: Butcher\'s counts per order and γ of the order-4 trees', () => {
  const trees = rootedTrees(8);
  const counts = [1, 2, 3, 4, 5, 6, 7, 8].map((p) => trees.filter((t) => t.order === p).length);
  assert.deepEqual(counts, [1, 1, 2, 4, 9, 20, 48, 115]);
  assert.deepEqual(trees.filter((t) => t.order === 4).map((t) => t.gamma).sort((a, b) => a - b), [4, 8, 12, 24]);
  assert.equal(rootedTrees(3).length, 4);
});

test('every shipped tableau holds its stated orders and fails the next order', () => {
  for (const T of TABLEAUS) {
    const phi = elementaryWeights(T.a, T.order + 2);
    const abs = elementaryWeights(T.a, T.order + 2, true);
    const b = T.c.map((_, j) => T.b[j] ?? 0);
    assert.ok(orderResidual(b, phi, abs, T.order).relative <= ORDER_TOLERANCE, `${T.name}: order ${T.order}`);
    assert.ok(orderResidual(b, phi, abs, T.order + 1).relative > 1e-8, `${T.name}: not order ${T.order + 1}`);
    for (const [k, est] of T.errors.entries()) {
      const bHat = b.map((x, j) => x - (est.e[j] ?? 0));
      assert.ok(orderResidual(bHat, phi, abs, est.order).relative <= ORDER_TOLERANCE, `${T.name}: estimator ${k} order ${est.order}`);
      assert.ok(orderResidual(bHat, phi, abs, est.order + 1).relative > 1e-8, `${T.name}: estimator ${k} not order ${est.order + 1}`);
    }
    for (const theta of [0.3, 0.7]) {
      const w = denseWeights(T, theta);
      assert.ok(orderResidual(w, phi, abs, T.dense.order, theta).relative <= ORDER_TOLERANCE, `${T.name}: dense order ${T.dense.order} at θ = ${theta}`);
      assert.ok(orderResidual(w, phi, abs, T.dense.order + 1, theta).relative > 1e-8, `${T.name}: dense not order ${T.dense.order + 1} at θ = ${theta}`);
    }
    // The dense output ends on the step: w(1) = b.
    assertArrayNear(denseWeights(T, 1), b, 1e-15, `${T.name}: w(1) = b`);
  }
});

function assertArrayNear(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string): void {
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${label}[${i}]: ${a[i]} vs ${b[i]}`);
}

/** A mutable copy of a tableau's spec. */
interface MutableSpec {
  name: string;
  order: number;
  stages: number;
  c: number[];
  a: number[][];
  b: number[];
  errors: { order: number; e: number[] }[];
  dense: { order: number; width: number; rows: number[][] };
}

function spec(T: Tableau): MutableSpec {
  return {
    name: T.name,
    order: T.order,
    stages: T.stages,
    c: [...T.c],
    a: T.a.map((r) => [...r]),
    b: [...T.b],
    errors: T.errors.map((e) => ({ order: e.order, e: [...e.e] })),
    dense: { order: T.dense.order, width: T.dense.width, rows: T.dense.rows.map((r) => [...r]) },
  };
}

const rejects = (make: () => unknown, pattern: RegExp, label: string): void => {
  assert.throws(make, (e: unknown) => e instanceof TableauError && (pattern.test(e.message) || assert.fail(`${label}: ${e.message}`)), label);
};

test('the shipped tableaus rebuild from their own data', () => {
  for (const T of TABLEAUS) assert.deepEqual(buildTableau(spec(T)), T);
});

test('a corrupted tableau is rejected at build time, naming the failed condition', () => {
  for (const T of [DOPRI5, DOP853, RK4]) {
    // A weight off by 1e-10 relative (kept in the stage-s row so only the order conditions see it).
    const s1 = spec(T);
    const j = s1.b.findIndex((x) => x !== 0);
    s1.b[j]! *= 1 + 1e-10;
    s1.a[T.stages]![j] = s1.b[j]!;
    rejects(() => buildTableau(s1), /b fails the order-\d condition|row sum of a\[\d+\]/, `${T.name}: perturbed b`);
    // A stage coefficient off by 1e-10 relative, with c moved along (row sums hold): order fails.
    const s2 = spec(T);
    // The last step stage (every weight condition sees it; early stages of dop853 enter weakly).
    const row = T.stages - 1;
    const col = s2.a[row]!.findIndex((x) => x !== 0);
    const delta = s2.a[row]![col]! * 1e-10;
    s2.a[row]![col]! += delta;
    s2.c[row]! += delta;
    rejects(() => buildTableau(s2), /fails the order-\d condition/, `${T.name}: perturbed a[${row}][${col}]`);
    // Row sum broken.
    const s3 = spec(T);
    s3.c[2]! += 1e-9;
    rejects(() => buildTableau(s3), /row sum of a\[2\]/, `${T.name}: row sum`);
    // Stage s not at y_{n+1}.
    const s4 = spec(T);
    s4.a[T.stages]![0]! += 1e-3;
    rejects(() => buildTableau(s4), /differs from b\[0\]/, `${T.name}: stage-s row`);
    // Claimed one order too high.
    rejects(() => buildTableau({ ...spec(T), order: T.order + 1 }), /expected order/, `${T.name}: order + 1`);
    // Dense output: claimed one order too high.
    rejects(() => buildTableau({ ...spec(T), dense: { ...spec(T).dense, order: T.dense.order + 1 } }), /dense output/, `${T.name}: dense order + 1`);
  }
  for (const T of [DOPRI5, DOP853]) {
    const s5 = spec(T);
    const j = s5.errors[0]!.e.findIndex((x) => x !== 0);
    s5.errors[0]!.e[j]! *= 1 + 1e-10;
    rejects(() => buildTableau(s5), /embedded solution b − errors\[0\]\.e/, `${T.name}: perturbed e`);
    const s6 = spec(T);
    const r = s6.dense.rows[0]!;
    const k = r.findIndex((x) => x !== 0);
    r[k]! *= 1 + 1e-10;
    rejects(() => buildTableau(s6), /dense output/, `${T.name}: perturbed dense row`);
  }
  rejects(() => buildTableau({ ...spec(RK4), b: [1 / 6, 1 / 3, 1 / 3] }), /b has 3 weights/, 'shape of b');
  rejects(() => buildTableau({ ...spec(RK4), a: [[], [0.5], [0, 0.5], [0, 0, 1, 0], [...RK4.b]] }), /a\[3\] has 4 entries/, 'shape of a');
  rejects(() => buildTableau({ ...spec(EULER), dense: { order: 1, width: 3, rows: [] } }), /dense width 3/, 'dense width');
});
