/**
 * Training grids (src/train/grid.ts) and run keys (src/train/run-key.ts): the enumeration is the
 * documented mixed radix (variant, swept settings in GRID_SETTINGS order, seed fastest) and, with
 * no lists, the order of trainMany (variants × seeds); run keys separate runs that differ only in
 * lr and do not depend on field order; the grid table groups by variant × swept settings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRID_SETTINGS, enumerateGrid, gridSize, gridTable, resolveTrainConfig, runKey, settingsLabel, type TrainGrid } from '../../src/train/index.js';
import { OptionError } from '../../src/core/errors.js';
import type { RunSummary } from '../../src/train/trainer.js';

const grid: TrainGrid = { task: 'classification', quick: true, variants: ['softmax', 'sigmoid'], settings: { width: [32, 64], lr: [1e-3, 2e-3, 4e-3] }, seeds: [0, 1], fixed: {} };

test('enumeration: variant, then settings in GRID_SETTINGS order (lr before width), seed fastest', () => {
  const runs = enumerateGrid(grid);
  assert.equal(runs.length, 2 * 3 * 2 * 2);
  assert.equal(gridSize(grid), runs.length);
  assert.deepEqual(GRID_SETTINGS.indexOf('lr') < GRID_SETTINGS.indexOf('width'), true);
  runs.forEach((r, i) => {
    // i = ((variant·3 + lr)·2 + width)·2 + seed
    const seed = i % 2;
    const width = Math.floor(i / 2) % 2;
    const lr = Math.floor(i / 4) % 3;
    const variant = Math.floor(i / 12);
    assert.equal(r.index, i);
    assert.equal(r.seed, grid.seeds[seed]);
    assert.equal(r.config.width, grid.settings.width![width]);
    assert.equal(r.config.lr, grid.settings.lr![lr]);
    assert.equal(r.variant, grid.variants[variant]);
    assert.equal(r.config.attention, grid.variants[variant]);
    assert.deepEqual(Object.keys(r.settings), ['lr', 'width']);
  });
  assert.equal(new Set(runs.map((r) => r.key)).size, runs.length, 'every run its own key');
  // Deterministic: a second enumeration is identical.
  assert.deepEqual(enumerateGrid(grid), runs);
  assert.equal(settingsLabel(grid, runs[6]!.settings), 'lr=0.002 width=64');
});

test('without lists the order is that of trainMany: variants × seeds', () => {
  const g: TrainGrid = { task: 'eureka', quick: true, variants: ['softmax', 'softmax+ht'], settings: {}, seeds: [3, 1], fixed: { steps: 7 } };
  const runs = enumerateGrid(g);
  assert.deepEqual(runs.map((r) => `${r.variant}/${r.seed}`), ['softmax/3', 'softmax/1', 'softmax+ht/3', 'softmax+ht/1']);
  assert.equal(runs[2]!.config.heatTreatment, true);
  assert.equal(runs[0]!.config.steps, 7);
  assert.equal(settingsLabel(g, runs[0]!.settings), '');
});

test('runKey: differs when only lr differs, ignores field order, 16 hex digits', () => {
  const a = resolveTrainConfig('classification', { lr: 1e-3 }, true);
  const b = resolveTrainConfig('classification', { lr: 2e-3 }, true);
  assert.notEqual(runKey(a), runKey(b));
  const reordered = Object.fromEntries(Object.entries(a).reverse()) as unknown as typeof a;
  assert.equal(runKey(reordered), runKey(a));
  assert.match(runKey(a), /^[0-9a-f]{16}$/);
  for (const k of Object.keys(a)) {
    const v = (a as unknown as Record<string, unknown>)[k];
    const changed = { ...a, [k]: typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : `${String(v)}x` };
    assert.notEqual(runKey(changed as typeof a), runKey(a), `changing ${k} changes the key`);
  }
});

test('grid table: one row per variant × swept-settings combination, over its seeds', () => {
  const runs = enumerateGrid(grid);
  const summary = (loss: number, attention: string): RunSummary => ({ attention, seed: 0, steps: 1, finalLoss: loss, finalAccuracy: null, finalMinEntropy: null, logN: 1, collapseStep: null, lossSpikes: [], gradSpikes: [], maxGradNorm: 0, eurekaStep: null, eurekaEpoch: null, sinkProportion: null, clsConcentration: null, divergedStep: null });
  const rows = gridTable(grid, runs.map((r) => ({ run: r, summary: summary(r.index, r.variant) })));
  assert.equal(rows.length, 12);
  assert.equal(rows[0]!.settings, 'lr=0.001 width=32');
  assert.equal(rows[0]!.runs, 2);
  assert.equal(rows[0]!.meanFinalLoss, 0.5, 'runs 0 and 1 (seeds 0, 1)');
  assert.equal(rows[11]!.variant, 'sigmoid');
  assert.equal(rows[11]!.meanFinalLoss, 22.5);
});

test('bad grids name the option', () => {
  assert.throws(() => enumerateGrid({ ...grid, variants: [] }), (e: unknown) => e instanceof OptionError && e.option === 'attention');
  assert.throws(() => enumerateGrid({ ...grid, seeds: [] }), (e: unknown) => e instanceof OptionError && e.option === 'seeds');
  assert.throws(() => enumerateGrid({ ...grid, settings: { lr: [] } }), (e: unknown) => e instanceof OptionError && e.option === 'lr');
  assert.throws(() => enumerateGrid({ ...grid, settings: { heads: [3] } }), (e: unknown) => e instanceof OptionError && e.option === 'heads');
  assert.throws(() => enumerateGrid({ ...grid, variants: ['nope'] }), (e: unknown) => e instanceof OptionError && e.option === 'attention');
});
