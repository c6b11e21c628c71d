import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers/tolerance.js';

test('same seed gives the same numbers; different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xa = Array.from({ length: 5 }, () => a.uniform());
  assert.deepEqual(xa, Array.from({ length: 5 }, () => b.uniform()));
  assert.notDeepEqual(xa, Array.from({ length: 5 }, () => c.uniform()));
});

test('uniform and normal moments match theory (seeded, 2e5 draws, 5 standard errors)', () => {
  const rng = new Rng(7);
  const n = 200_000;
  let su = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = rng.normal();
    sn += z;
    sn2 += z * z;
  }
  assertClose(su / n, 0.5, { atol: 5 * Math.sqrt(1 / 12 / n), label: 'mean U' });
  assertClose(sn / n, 0, { atol: 5 / Math.sqrt(n), label: 'mean N' });
  assertClose(sn2 / n, 1, { atol: 5 * Math.sqrt(2 / n), label: 'var N' });
});

test('permutation is a permutation', () => {
  const p = Array.from(new Rng(1).permutation(50)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 50 }, (_, i) => i));
});

test('fillNormal gives bit for bit the numbers and the end state of a loop of normal() (odd and even lengths, a pending spare, scale and mean)', () => {
  for (let seed = 0; seed < 60; seed++) {
    const fast = new Rng(seed);
    const slow = new Rng(seed);
    for (const [len, scale, mean] of [[1, 1, 0], [2, 1, 0], [5, 0.3, -1], [0, 1, 0], [7, 2, 0.5], [1, 1, 0], [4, 1, 0], [33, 1e-3, 1e3], [6, 1, 0]] as const) {
      if (seed % 3 === 0) assert.ok(Object.is(fast.normal(), slow.normal()), 'normal() between fills');
      const a = fast.fillNormal(new Float64Array(len), scale, mean);
      const b = Float64Array.from({ length: len }, () => mean + scale * slow.normal());
      a.forEach((x, i) => assert.ok(Object.is(x, b[i]), `seed ${seed} len ${len} [${i}]: ${x} vs ${b[i]}`));
    }
    assert.equal(fast.uniform(), slow.uniform(), `seed ${seed}: state after the fills`);
  }
});
