/**
 * The authors'-code readings of the token models (T-2, T-3): concatenated positions (tml-epfl/softmax
 * `positional_type: concat`), PyTorch's nn.Linear initialisation U(±1/√fan_in), and schedules
 * over a longer run's length (`scheduleEpochs`, the Eureka paper's 10 000 epochs).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { loadBackend, resolveTrainConfig } from '../../src/train/index.js';
import { TASKS, TransformerModel, parameterShapes } from '../../src/train/tensors.js';
import { tf } from '../../src/train/tf.js';
import { learningRate } from '../../src/train/schedule.js';

before(async () => {
  await loadBackend('cpu');
});

test('induction: token and position tables of width D/2, concatenated, both N(0, 1)', () => {
  const c = resolveTrainConfig('induction', { width: 8, heads: 2, mlp: 8, batchSize: 3 }, 'quick');
  const m = TASKS.induction.model(c);
  assert.equal(m.positionalType, 'concat');
  const shapes = new Map(parameterShapes(m));
  assert.deepEqual(shapes.get('embed'), [100, 4]);
  assert.deepEqual(shapes.get('pos'), [12, 4]);
  const model = new TransformerModel({ ...m, layers: 1 }, new Rng(3).fork(0));
  try {
    const pos = Float64Array.from(model.p('pos').dataSync());
    const sd = Math.sqrt(pos.reduce((a, v) => a + v * v, 0) / pos.length);
    assert.ok(sd > 0.7 && sd < 1.3, `position std ${sd} ≈ 1 (nn.Embedding), not 0.02`);
    // The forward pass runs on the half-width tables (a shape error otherwise).
    const host = TASKS.induction.batch(new Rng(1), c);
    const other = TASKS.induction.batch(new Rng(2), c);
    const outs = [host, other].map((h): Float64Array => {
      let r = new Float64Array(0);
      tf.tidy(() => {
        r = Float64Array.from(model.forward(tf.tensor(h.input as Int32Array, h.inputShape, 'int32')).out.dataSync());
      });
      return r;
    });
    assert.ok(outs[0]!.some((v, i) => v !== outs[1]![i]), 'different tokens give different outputs');
  } finally {
    model.dispose();
  }
});

test('concatenated positions need an even width', () => {
  const c = resolveTrainConfig('induction', { width: 6, heads: 2, mlp: 8 }, 'quick');
  assert.throws(() => parameterShapes({ ...TASKS.induction.model(c), width: 7, heads: 7 }), /even width/);
});

test('PyTorch nn.Linear init: U(±1/√fan_in) for induction and classification, normal elsewhere', () => {
  for (const task of ['induction', 'classification'] as const) {
    const c = resolveTrainConfig(task, {}, 'quick');
    const m = TASKS[task].model(c);
    assert.equal(m.initDistribution, 'uniform', task);
    const model = new TransformerModel({ ...m, layers: 1 }, new Rng(7).fork(0));
    try {
      const wq = Float64Array.from(model.p('L0.wq').dataSync());
      const a = 1 / Math.sqrt(m.width);
      const max = wq.reduce((x, v) => Math.max(x, Math.abs(v)), 0);
      assert.ok(max <= a * (1 + 1e-6), `${task}: |w| ≤ 1/√fan_in = ${a}, largest ${max}`);
      assert.ok(max > 0.95 * a, `${task}: the range is filled (${max} vs ${a})`);
      const sd = Math.sqrt(wq.reduce((s, v) => s + v * v, 0) / wq.length);
      assert.ok(Math.abs(sd / (a / Math.sqrt(3)) - 1) < 0.1, `${task}: std ${sd} ≈ 1/√(3·fan_in) = ${a / Math.sqrt(3)}`);
    } finally {
      model.dispose();
    }
  }
  const e = TASKS.eureka.model(resolveTrainConfig('eureka', {}, 'quick'));
  assert.notEqual(e.initDistribution, 'uniform', 'the Eureka model keeps its normal init');
});

test('scheduleEpochs: a short run follows the first part of the long schedule', () => {
  const s = { lr: 1e-3, lrSchedule: 'cosine', warmupEpochs: 5, warmupLr: 1e-6, minLr: 1e-5 } as const;
  // Epoch 175 of a 175-epoch schedule is its floor; of the paper's 10 000 epochs it is still ≈ lr.
  assert.equal(learningRate(s, 175, 175), 1e-5);
  const prefix = learningRate(s, 175, 10_000);
  assert.ok(prefix > 0.99 * 1e-3 && prefix < 1e-3, `${prefix}`);
  const c = resolveTrainConfig('eureka', {}, 'quick');
  assert.equal(c.scheduleEpochs, 10_000);
  assert.equal(resolveTrainConfig('eureka', {}, 'medium').scheduleEpochs, 10_000);
  assert.equal(resolveTrainConfig('eureka', {}, 'paper').scheduleEpochs, 0, 'paper scale: the run is the whole schedule');
  assert.throws(() => resolveTrainConfig('eureka', { scheduleEpochs: -1 }, 'quick'), /scheduleEpochs/);
});
