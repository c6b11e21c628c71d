/**
 * Shard arithmetic and index resolution (src/experiments/shard.ts) without a scheduler: the
 * blocks of every split cover [0, T) exactly once, contiguously, with sizes differing by at most
 * one; shardOfItem inverts shardRange; `env/N` takes the first set variable in the documented
 * order; bad values name --shard and the variable; --array lists compress runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHARD_INDEX_VARIABLES, arraySpec, parseShard, parseShardFileName, shardFileName, shardOfItem, shardRange } from '../../src/experiments/shard.js';
import { OptionError } from '../../src/core/errors.js';

test('blocks of every split of T items: contiguous, disjoint, covering, balanced; shardOfItem inverts', () => {
  for (const total of [0, 1, 2, 5, 7, 12, 100, 101]) {
    for (const count of [1, 2, 3, 4, 7, 8, 13]) {
      let next = 0;
      const sizes: number[] = [];
      for (let k = 0; k < count; k++) {
        const r = shardRange(total, { index: k, count });
        assert.equal(r.start, next, `T=${total} N=${count} K=${k}: starts where the previous block ended`);
        assert.ok(r.end >= r.start);
        sizes.push(r.end - r.start);
        for (let i = r.start; i < r.end; i++) assert.equal(shardOfItem(total, count, i), k, `T=${total} N=${count} item ${i}`);
        next = r.end;
      }
      assert.equal(next, total, `T=${total} N=${count}: covers every item`);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `T=${total} N=${count}: sizes ${sizes.join(',')}`);
    }
  }
  // The documented example: 10 items in 4 shards.
  assert.deepEqual([0, 1, 2, 3].map((k) => shardRange(10, { index: k, count: 4 })), [{ start: 0, end: 2 }, { start: 2, end: 5 }, { start: 5, end: 7 }, { start: 7, end: 10 }]);
});

test('parseShard: K/N is 0-based; env/N reads the first set variable in the documented order', () => {
  assert.deepEqual(parseShard('0/4'), { index: 0, count: 4 });
  assert.deepEqual(parseShard(' 3 / 4 '), { index: 3, count: 4 });
  assert.deepEqual(SHARD_INDEX_VARIABLES, ['VSFLOW_SHARD_INDEX', 'SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX', 'BATCH_TASK_INDEX']);
  // Each variable alone is read; with several set the earliest in the list wins.
  SHARD_INDEX_VARIABLES.forEach((name, i) => {
    assert.deepEqual(parseShard('env/8', { [name]: String(i + 1) }), { index: i + 1, count: 8 }, name);
    const later = Object.fromEntries(SHARD_INDEX_VARIABLES.slice(i).map((v, j) => [v, String(i + j)]));
    assert.deepEqual(parseShard('env/8', later), { index: i, count: 8 }, `${name} before the later ones`);
  });
  // An empty variable counts as unset (a scheduler template left blank).
  assert.deepEqual(parseShard('env/3', { VSFLOW_SHARD_INDEX: '', SLURM_ARRAY_TASK_ID: '2' }), { index: 2, count: 3 });
});

test('parseShard: bad values raise OptionError naming --shard (and the variable)', () => {
  const bad: [string | undefined, Record<string, string>, RegExp][] = [
    [undefined, {}, /^--shard: expected K\/N/],
    ['4', {}, /^--shard: expected K\/N/],
    ['1/2/3', {}, /^--shard: expected K\/N/],
    ['4/4', {}, /^--shard: expected a 0-based shard index K < N = 4 \(Slurm: --array=0-3\), received "?4\/4/],
    ['-1/4', {}, /^--shard: expected a shard index K/],
    ['1.5/4', {}, /--shard/],
    ['a/4', {}, /--shard/],
    ['0/0', {}, /shard count N/],
    ['0/x', {}, /shard count N/],
    ['0/2000000', {}, /shard count N/],
    ['env/4', {}, /VSFLOW_SHARD_INDEX, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, BATCH_TASK_INDEX/],
    ['env/4', { SLURM_ARRAY_TASK_ID: '4' }, /SLURM_ARRAY_TASK_ID=4/],
    ['env/4', { JOB_COMPLETION_INDEX: 'x' }, /JOB_COMPLETION_INDEX=x/],
  ];
  for (const [text, env, re] of bad) {
    assert.throws(() => parseShard(text, env), (e: unknown) => e instanceof OptionError && re.test(e.message), `${String(text)} ${JSON.stringify(env)}`);
  }
});

test('shard file names round-trip; --array lists compress runs of three or more', () => {
  assert.equal(shardFileName({ index: 2, count: 4 }), 'shard-2-of-4.json');
  assert.deepEqual(parseShardFileName('shard-2-of-4.json'), { index: 2, count: 4 });
  for (const other of ['merged.json', 'shard-4-of-4.json', 'shard-1-of-4.json.tmp', '.shard-1-of-4.json.123.tmp']) assert.equal(parseShardFileName(other), undefined, other);
  assert.equal(arraySpec([2, 5]), '2,5');
  assert.equal(arraySpec([5, 2, 2]), '2,5');
  assert.equal(arraySpec([0, 1]), '0,1');
  assert.equal(arraySpec([0, 1, 2, 3, 7, 9, 10, 11]), '0-3,7,9-11');
  assert.equal(arraySpec([]), '');
});
