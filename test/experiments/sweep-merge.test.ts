/**
 * Sharded sweeps: the shards of a split, merged, equal the unsharded run entry for entry (only
 * timings differ: meta and each entry's wallTimeMs), summary and failure count included; a
 * missing or incomplete shard is listed; shards of another configuration or split are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSweepConfig, runSweep, type SweepEntry, type SweepResult } from '../../src/experiments/sweep.js';
import { shardFileName, shardRange } from '../../src/experiments/shard.js';
import { mergeSweepShards, sweepShardResult, type ShardInput } from '../../src/experiments/sweep-merge.js';
import { OptionError } from '../../src/core/errors.js';

const config = resolveSweepConfig({ count: 11, sizes: [[2, 2], [3, 4]], initScales: [0.1, 1], losses: ['logistic', 'square'], seed: 3, tEnd: 300 });
// As written to a file (JSON drops undefined settings), without the timings.
const untimed = (r: SweepResult): unknown => {
  const { meta: _m, ...rest } = r;
  return JSON.parse(JSON.stringify({ ...rest, entries: r.entries.map((e: SweepEntry) => ({ ...e, wallTimeMs: 0 })) })) as unknown;
};
const asFile = (r: unknown, index: number, count: number): ShardInput => ({ name: shardFileName({ index, count }), shard: { index, count }, content: JSON.parse(JSON.stringify(r)) });

test('a complete merge of 4 shards equals the unsharded run (meta and timings aside)', async () => {
  const full = await runSweep(config, { workers: 0 });
  const files: ShardInput[] = [];
  for (let k = 0; k < 4; k++) {
    const range = shardRange(config.count, { index: k, count: 4 });
    const r = await runSweep(config, { workers: 0, range });
    assert.deepEqual(r.entries.map((e) => e.index), Array.from({ length: range.end - range.start }, (_, i) => range.start + i), `shard ${k} runs its block only`);
    const shard = sweepShardResult(config, { index: k, count: 4 }, r.entries, r.meta.wallTimeMs);
    assert.equal(shard.shard.complete, true);
    files.push(asFile(shard, k, 4));
  }
  const merge = mergeSweepShards(files.reverse());
  assert.deepEqual(merge.missing, []);
  assert.ok(merge.result !== undefined);
  assert.deepEqual(untimed(merge.result), untimed(full));
  assert.equal(merge.result.entries.length, 11);
});

test('missing and incomplete shards are listed; other configurations and splits are refused', async () => {
  const files: ShardInput[] = [];
  for (const k of [0, 1, 3]) {
    const range = shardRange(config.count, { index: k, count: 4 });
    const r = await runSweep(config, { workers: 0, range });
    // Shard 3 as if interrupted after one problem.
    const entries = k === 3 ? r.entries.slice(0, 1) : r.entries;
    files.push(asFile(sweepShardResult(config, { index: k, count: 4 }, entries, 1), k, 4));
  }
  const merge = mergeSweepShards(files);
  assert.deepEqual(merge.missing, [2, 3]);
  assert.equal(merge.result, undefined);
  assert.equal(merge.done, files.reduce((s, f) => s + (f.content as SweepResult).entries.length, 0));

  const other = resolveSweepConfig({ ...config, seed: 4 });
  const clash = asFile(sweepShardResult(other, { index: 2, count: 4 }, [], 1), 2, 4);
  assert.throws(() => mergeSweepShards([...files, clash]), (e: unknown) => e instanceof OptionError && /shard-2-of-4\.json with different seed/.test(e.message));
  const split = asFile(sweepShardResult(config, { index: 0, count: 2 }, [], 1), 0, 2);
  assert.throws(() => mergeSweepShards([...files, split]), (e: unknown) => e instanceof OptionError && /one split/.test(e.message));
  // A file whose content is another shard than its name says.
  const renamed: ShardInput = { ...files[0]!, name: 'shard-2-of-4.json', shard: { index: 2, count: 4 } };
  assert.throws(() => mergeSweepShards([renamed]), (e: unknown) => e instanceof OptionError && /shard 2 of 4 in shard-2-of-4\.json/.test(e.message));
  assert.throws(() => mergeSweepShards([]), OptionError);
});
