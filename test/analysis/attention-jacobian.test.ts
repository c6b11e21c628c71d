/**
 * The attention-layer Jacobian (E-8, E-12, E-13): analytic DA_X and DZ_X against the numpy
 * complex-step Jacobians of the fixture (exact to rounding: tolerance 1e-11 relative to max|J|)
 * and against central finite differences here (h = 1e-6: truncation O(h²)·|A'''| + rounding
 * eps/h ≈ 1e-10, so 1e-7 of max|J|); norms against np.linalg.norm; the N = 1 closed form; the
 * mixed-norm bracket against brute force where the maximum is known exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { attentionForward, attentionJacobian, attentionLayerJacobian, createJacobianWorkspace, layerNorms, mixedNormBracket, twoInfNorm } from '../../src/analysis/attention-jacobian.js';
import { DimensionError, OptionError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';

interface Case {
  X: number[][];
  WQ: number[][];
  WK: number[][];
  WV: number[][];
  scaled: boolean;
  A: number[][];
  P: number[][];
  JA: number[][];
  JZ: number[][];
  jacobianNorm: number;
  dzNorm: number;
  frobeniusP: number;
  spectralP: number;
  spectralWV: number;
  maxRowNorm: number;
  maxColumnNorm: number;
}
const ref = JSON.parse(readFileSync(new URL('../fixtures/entropy/reference.json', import.meta.url), 'utf8')) as { jacobian: Case[] };

const maxAbs = (a: number[][]) => Math.max(...a.flat().map(Math.abs));

test('analytic Jacobians and norms match the numpy complex-step reference', () => {
  for (const [i, c] of ref.jacobian.entries()) {
    const r = attentionLayerJacobian(c.X, c.WQ, c.WK, c.WV, c.scaled);
    assertClose(r.A.flat(), c.A.flat(), { rtol: 1e-12, atol: 1e-13, label: `case ${i} A` });
    assertClose(r.P.flat(), c.P.flat(), { rtol: 1e-12, atol: 1e-15, label: `case ${i} P` });
    assertClose(r.JA.flat(), c.JA.flat(), { atol: 1e-11 * maxAbs(c.JA), label: `case ${i} DA_X` });
    assertClose(r.JZ.flat(), c.JZ.flat(), { atol: 1e-12 * maxAbs(c.JZ), label: `case ${i} DZ_X` });
    for (const key of ['jacobianNorm', 'dzNorm', 'frobeniusP', 'spectralP', 'spectralWV', 'maxRowNorm', 'maxColumnNorm'] as const) {
      assertClose(r.norms[key], c[key], { rtol: 1e-11, label: `case ${i} ${key}` });
    }
  }
});

test('analytic DA_X vs central finite differences (seeded, scaled and unscaled)', () => {
  const rng = new Rng(31);
  for (const [N, D, scaled] of [[5, 3, false], [4, 4, true], [7, 2, false]] as const) {
    const ws = createJacobianWorkspace(N, D);
    const X = rng.fillNormal(new Float64Array(N * D));
    const WQ = rng.fillNormal(new Float64Array(D * D), 1.5 / Math.sqrt(D));
    const WK = rng.fillNormal(new Float64Array(D * D), 1.5 / Math.sqrt(D));
    const WV = rng.fillNormal(new Float64Array(D * D), 2 / Math.sqrt(D));
    const c = scaled ? 1 / Math.sqrt(D) : 1;
    attentionForward(X, WQ, WK, WV, c, ws);
    attentionJacobian(X, WV, c, ws);
    const J = Float64Array.from(ws.JA);
    const JZ = Float64Array.from(ws.JZ);
    const ND = N * D;
    const fd = new Float64Array(ND * ND);
    const fdZ = new Float64Array(N * N * ND);
    const h = 1e-6;
    for (let col = 0; col < ND; col++) {
      const x0 = X[col]!;
      X[col] = x0 + h;
      attentionForward(X, WQ, WK, WV, c, ws);
      const Ap = Float64Array.from(ws.A);
      const Zp = Float64Array.from(ws.Z);
      X[col] = x0 - h;
      attentionForward(X, WQ, WK, WV, c, ws);
      X[col] = x0;
      for (let r = 0; r < ND; r++) fd[r * ND + col] = (Ap[r]! - ws.A[r]!) / (2 * h);
      for (let r = 0; r < N * N; r++) fdZ[r * ND + col] = (Zp[r]! - ws.Z[r]!) / (2 * h);
    }
    const scale = Math.max(...J.map(Math.abs));
    assertClose(J, fd, { atol: 1e-7 * scale, label: `DA_X N=${N} D=${D}` });
    assertClose(JZ, fdZ, { atol: 1e-7 * Math.max(...JZ.map(Math.abs)), label: `DZ_X N=${N} D=${D}` });
  }
});

test('closed forms: N = 1 layer, ‖X‖_(2,∞) readings', () => {
  const r = attentionLayerJacobian([[2]], [[3]], [[3]], [[3]]);
  assert.deepEqual(r.JA, [[3]]);
  assert.deepEqual(r.JZ, [[36]]);
  assert.equal(r.norms.jacobianNorm, 3);
  const X = new Float64Array([3, 4, 0, 0, 1, 1]);
  assertClose(twoInfNorm(X, 3, 2, 'row'), 5, { rtol: 1e-15, label: 'max row norm' });
  assertClose(twoInfNorm(X, 3, 2, 'column'), Math.sqrt(17), { rtol: 1e-15, label: 'max column norm' });
});

test('mixed-norm bracket: lower ≤ exact maximum ≤ upper, lower = exact where the maximum is known', () => {
  const rng = new Rng(32);
  for (let t = 0; t < 10; t++) {
    // D = 1: the row reading's ball is the box [−1, 1]^N (max at a vertex, enumerable), the
    // column reading's ball is the Euclidean unit ball (max = spectral norm).
    const N = 4;
    const ws = createJacobianWorkspace(N, 1);
    const X = rng.fillNormal(new Float64Array(N));
    const W = rng.fillNormal(new Float64Array(1), 2);
    const nm = layerNorms(X, W, W, new Float64Array([1]), 1, ws);
    let exact = 0;
    const x = new Float64Array(N);
    for (let mask = 0; mask < 1 << N; mask++) {
      for (let i = 0; i < N; i++) x[i] = mask & (1 << i) ? 1 : -1;
      let s = 0;
      for (let r = 0; r < N * N; r++) {
        let v = 0;
        for (let j = 0; j < N; j++) v += ws.JZ[r * N + j]! * x[j]!;
        s += v * v;
      }
      exact = Math.max(exact, Math.sqrt(s));
    }
    const row = mixedNormBracket(ws, 'row', nm.dzNorm, rng, 8, 500);
    assert.ok(row.lower <= exact * (1 + 1e-12) && exact <= row.upper * (1 + 1e-12), `row bracket [${row.lower}, ${row.upper}] vs ${exact}`);
    assertClose(row.lower, exact, { rtol: 1e-9, label: 'row lower = vertex maximum' });
    const col = mixedNormBracket(ws, 'column', nm.dzNorm, rng);
    assertClose(col.lower, nm.dzNorm, { rtol: 1e-9, label: 'column (one block) = spectral norm' });
    assertClose(col.upper, nm.dzNorm, { rtol: 1e-15, label: 'column upper = √1·spectral' });
  }
});

test('attentionLayerJacobian: bad input names the argument', () => {
  const X = [[1, 0], [0, 1]];
  const W = [[1, 0], [0, 1]];
  const isErr = (name: string) => (e: unknown) => (e instanceof OptionError || e instanceof DimensionError) && e.option.startsWith(name);
  for (const bad of [[], 'x', [[1, NaN]], [[1], [1, 2]], null]) assert.throws(() => attentionLayerJacobian(bad, W, W, W), isErr('X'));
  for (const [name, pos] of [['WQ', 1], ['WK', 2], ['WV', 3]] as const) {
    for (const bad of [[[1]], [[1, 2, 3], [1, 2, 3]], [[1, Infinity], [0, 1]], 5]) {
      const args: unknown[] = [X, W, W, W];
      args[pos] = bad;
      assert.throws(() => attentionLayerJacobian(args[0], args[1], args[2], args[3]), isErr(name));
    }
  }
  for (const bad of ['yes', 1, null]) assert.throws(() => attentionLayerJacobian(X, W, W, W, bad), isErr('scaled'));
});

test('doc examples of attention-jacobian, as stated', () => {
  assert.equal(createJacobianWorkspace(3, 2).JA.length, 36);
  const ws = createJacobianWorkspace(2, 1);
  attentionForward(new Float64Array([1, -1]), new Float64Array([0]), new Float64Array([0]), new Float64Array([2]), 1, ws);
  assert.deepEqual([...ws.A], [0, 0]);
  const w1 = createJacobianWorkspace(1, 1);
  const X = new Float64Array([2]);
  const W = new Float64Array([3]);
  attentionForward(X, W, W, W, 1, w1);
  attentionJacobian(X, W, 1, w1);
  assert.deepEqual([...w1.JA], [3]);
  assert.deepEqual([...w1.JZ], [36]);
  assert.equal(twoInfNorm(new Float64Array([3, 4, 0, 0]), 2, 2, 'row'), 5);
  assert.equal(twoInfNorm(new Float64Array([3, 4, 0, 0]), 2, 2, 'column'), 4);
  const nm = layerNorms(X, W, W, W, 1, w1);
  assert.deepEqual([nm.jacobianNorm, nm.dzNorm, nm.frobeniusP, nm.spectralP], [3, 36, 1, 1]);
});
