/**
 * The flat form of the order conditions that buildTableau runs at import
 * (order-conditions.ts `elementaryWeightTable`, `tableOrderResidual`) against the per-tree
 * reference (`elementaryWeights`, `orderResidual`): the same Φ and |Φ| bit for bit, the same worst
 * residual (value bits, tree, order) for every weight set of every shipped tableau at every order
 * up to one past its stated one, on the tableaus as shipped and corrupted; and buildTableau's
 * error for a corrupted tableau is the message the reference residuals give, check for check in
 * buildTableau's order (b, each embedded solution, the dense output at θ = 1/w … 1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elementaryWeights, elementaryWeightTable, orderResidual, tableOrderResidual } from '../../src/integrators/order-conditions.js';
import { buildTableau, denseWeights, ORDER_TOLERANCE, TableauError, type Tableau, type TableauSpec } from '../../src/integrators/tableau.js';
import { DOP853 } from '../../src/integrators/tableaus/dop853.js';
import { DOPRI5 } from '../../src/integrators/tableaus/dopri5.js';
import { EULER, RK4 } from '../../src/integrators/tableaus/rk4.js';
import { Rng } from '../../src/core/rng.js';

const TABLEAUS: readonly Tableau[] = [DOPRI5, DOP853, RK4, EULER];

/** The weight sets buildTableau checks, with their orders and θ, in its order. */
function weightSets(T: TableauSpec): { label: string; w: ArrayLike<number>; order: number; theta: number }[] {
  const S = T.c.length;
  const b = new Float64Array(S);
  for (let j = 0; j < T.stages; j++) b[j] = T.b[j]!;
  const out: { label: string; w: ArrayLike<number>; order: number; theta: number }[] = [{ label: 'b', w: b, order: T.order, theta: 1 }];
  T.errors.forEach((est, k) => out.push({ label: `the embedded solution b − errors[${k}].e`, w: Float64Array.from(b, (x, j) => (j <= T.stages ? x - est.e[j]! : x)), order: est.order, theta: 1 }));
  for (let q = 1; q <= T.dense.width; q++) out.push({ label: `the dense output at θ = ${(q / T.dense.width).toPrecision(3)}`, w: denseWeights(T, q / T.dense.width), order: T.dense.order, theta: q / T.dense.width });
  return out;
}

/** A copy of T's data with a[i][j] (and c[i], so the row sum holds) scaled by 1 + rel. */
function corrupted(T: Tableau, i: number, j: number, rel: number): TableauSpec {
  const a = T.a.map((r) => [...r]);
  const c = [...T.c];
  const delta = a[i]![j]! * rel;
  a[i]![j]! += delta;
  c[i]! += delta;
  return { ...T, a, c, b: [...T.b], errors: T.errors.map((e) => ({ ...e, e: [...e.e] })), dense: { ...T.dense, rows: T.dense.rows.map((r) => [...r]) } };
}

function sameResidual(got: ReturnType<typeof orderResidual>, want: ReturnType<typeof orderResidual>, label: string): void {
  assert.ok(Object.is(got.relative, want.relative) && got.tree === want.tree && got.treeOrder === want.treeOrder, `${label}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
}

test('elementaryWeightTable: Φ and |Φ| bit for bit those of elementaryWeights', () => {
  for (const T of TABLEAUS) {
    for (const p of [1, T.order, T.order + 1]) {
      const table = elementaryWeightTable(T.a, p);
      const phi = elementaryWeights(T.a, p);
      const abs = elementaryWeights(T.a, p, true);
      assert.equal(table.trees.length, phi.length);
      assert.equal(table.phi.length, phi.length * T.c.length);
      phi.forEach((f, t) => {
        for (let i = 0; i < f.length; i++) {
          assert.ok(Object.is(table.phi[t * T.c.length + i], f[i]), `${T.name} p=${p} Φ tree ${t} stage ${i}`);
          assert.ok(Object.is(table.phiAbs[t * T.c.length + i], abs[t]![i]), `${T.name} p=${p} |Φ| tree ${t} stage ${i}`);
        }
      });
    }
  }
});

test('tableOrderResidual: the worst residual of orderResidual, on shipped and corrupted tableaus', () => {
  const rng = new Rng(11);
  let compared = 0;
  let failing = 0;
  for (const T of TABLEAUS) {
    const variants: TableauSpec[] = [T];
    for (let k = 0; k < 4 && T.a.length > 2; k++) {
      const i = 2 + Math.floor(rng.uniform() * (T.a.length - 2));
      const j = T.a[i]!.findIndex((x) => x !== 0);
      if (j >= 0) variants.push(corrupted(T, i, j, 10 ** -(4 + 3 * k)));
    }
    for (const V of variants) {
      const pMax = Math.max(V.order, V.dense.order, ...V.errors.map((e) => e.order)) + 1;
      const table = elementaryWeightTable(V.a, pMax);
      const phi = elementaryWeights(V.a, pMax);
      const abs = elementaryWeights(V.a, pMax, true);
      for (const set of weightSets(V)) {
        for (let p = 1; p <= pMax; p++) {
          const want = orderResidual(set.w, phi, abs, p, set.theta);
          sameResidual(tableOrderResidual(set.w, table, p, set.theta), want, `${V.name} ${set.label} p=${p}`);
          compared++;
          if (want.relative > ORDER_TOLERANCE) failing++;
        }
      }
    }
  }
  assert.ok(compared > 300 && failing > 50, `${compared} residuals compared, ${failing} above the tolerance`);
});

test('buildTableau rejects a corrupted tableau with the message of the reference residuals', () => {
  let rejected = 0;
  for (const T of [DOPRI5, DOP853, RK4]) {
    for (let i = 2; i < T.a.length; i++) {
      const j = T.a[i]!.findIndex((x) => x !== 0);
      // (The stage-s row must equal b: changing it fails the shape check before any order.)
      if (j < 0 || i === T.stages) continue;
      const V = corrupted(T, i, j, 1e-6);
      // The first failing check in buildTableau's order, worded from the reference functions.
      const pMax = Math.max(V.order, V.dense.order, ...V.errors.map((e) => e.order));
      const phi = elementaryWeights(V.a, pMax);
      const abs = elementaryWeights(V.a, pMax, true);
      let expected: string | undefined;
      for (const set of weightSets(V)) {
        const r = orderResidual(set.w, phi, abs, set.order, set.theta);
        if (!(r.relative <= ORDER_TOLERANCE)) {
          expected = `tableau ${V.name}: ${set.label} fails the order-${r.treeOrder} condition of tree ${r.tree} (relative residual ${r.relative.toExponential(2)} > ${ORDER_TOLERANCE}); expected order ${set.order}`;
          break;
        }
      }
      if (expected === undefined) {
        assert.doesNotThrow(() => buildTableau(V), `${T.name} a[${i}][${j}]: the reference passes it`);
        continue;
      }
      assert.throws(() => buildTableau(V), (e: unknown) => e instanceof TableauError && e.message === expected, `${T.name} a[${i}][${j}]: ${expected}`);
      rejected++;
    }
  }
  assert.ok(rejected >= 10, `${rejected} corrupted tableaus rejected`);
});
