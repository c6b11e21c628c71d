/**
 * stageSum (stage-sum.ts) against the written-out expression base + h·(c_0k_0 + c_1k_1 + …) for
 * 1..13 terms (every pass pattern of the four-term kernel: first, middle, last, single): bitwise
 * equal, seeded random data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stageSum, stageTerms } from '../../src/integrators/stage-sum.js';
import { Rng } from '../../src/core/rng.js';

test('stageSum is bitwise the left-to-right written-out sum for 1..20 terms, zeros skipped', () => {
  const rng = new Rng(11);
  const n = 37;
  const K = Array.from({ length: 24 }, () => Float64Array.from({ length: n }, () => rng.normal()));
  const base = Float64Array.from({ length: n }, () => rng.normal());
  const out = new Float64Array(n);
  for (let m = 1; m <= 20; m++) {
    // Row over 24 stages with m nonzeros at random places.
    const row = new Array<number>(24).fill(0);
    const pool = Array.from({ length: 24 }, (_, j) => j);
    for (let j = 23; j > 0; j--) {
      const r = rng.int(j + 1);
      [pool[j], pool[r]] = [pool[r]!, pool[j]!];
    }
    const places = pool.slice(0, m).sort((a, b) => a - b);
    for (const j of places) row[j] = rng.normal();
    const terms = stageTerms(row);
    assert.deepEqual(Array.from(terms.idx), places);
    const h = 0.1 + rng.uniform();
    stageSum(out, base, h, terms, K, n);
    for (let i = 0; i < n; i++) {
      let s = row[places[0]!]! * K[places[0]!]![i]!;
      for (let q = 1; q < m; q++) s = s + row[places[q]!]! * K[places[q]!]![i]!;
      const want = base[i]! + h * s;
      assert.ok(Object.is(out[i], want), `m = ${m}, i = ${i}: ${out[i]} vs ${want}`);
    }
  }
});
