/**
 * drive's onSave (simulate's low-rank records are made from it instead of stored saved states):
 * - the states handed over are the stored saves' bit for bit (a low-rank and a full-state dop853
 *   stepper; saves at t0, inside steps and at the end; with a terminal event), the save times are
 *   the same, and Solution.y is left empty;
 * - each state stays valid until the save after next (the previous one is intact when the next
 *   arrives), as the doc promises and simulate relies on for the invalid-observation case;
 * - its time is not the integration's: a callback that waits 2 ms per save leaves
 *   stats.wallTimeMs below the waiting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drive, STALL_STEPS, type DriverOptions } from '../../src/integrators/driver.js';
import { dop853Stepper } from '../../src/integrators/dop853.js';
import { lowRankStepper } from '../../src/integrators/low-rank-stages.js';
import type { Stepper } from '../../src/integrators/stepper.js';
import type { EventSpec } from '../../src/integrators/types.js';
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem } from '../../src/models/problem-resolve.js';
import { packState, valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { nowMs } from '../../src/core/clock.js';

const P = resolveProblem(randomProblem({ loss: 'square', d: 4, n: 8, samples: 2, seed: 5, vScale: 0.3, aScale: 0.5 }));
const y0 = packState(P);
const tEnd = 50;
const atol = new Float64Array(y0.length).fill(1e-10);
// 0 (a save at t0), log-spaced times inside steps, and tEnd (the last step's end).
const SAVES = Float64Array.from([0, ...Array.from({ length: 40 }, (_, i) => 1e-3 * Math.pow(tEnd / 1e-3, i / 40)), tEnd]);

const steppers: [string, () => Stepper][] = [
  ['low-rank', () => lowRankStepper(P, 0, y0, { method: 'dop853', rtol: 1e-8, atol, dt0: 1e-3, dtMax: Infinity }).stepper],
  ['full-state', () => dop853Stepper(valueSoftmaxRhs(P).rhs, 0, y0, tEnd, { rtol: 1e-8, atol, dt0: 1e-3, dtMax: Infinity })],
];

function options(events: EventSpec[], onSave?: (t: number, y: Float64Array) => void): DriverOptions {
  return { method: 'dop853', t0: 0, tEnd, saveTimes: SAVES, events, dense: false, maxSteps: 100000, stallSteps: STALL_STEPS, onStep: undefined, signal: undefined, rhsEvals: () => 0, startMs: nowMs(), onSave };
}

/** The loss falls below half its start: a terminal event inside the run. */
const lossEvent = (): EventSpec => {
  const flow = valueSoftmaxRhs(P);
  const half = 0.5 * flow.loss(y0);
  return { name: 'half-loss', fn: (_t, y) => flow.loss(y) - half, direction: -1, terminal: true };
};

for (const [name, make] of steppers) {
  for (const withEvent of [false, true]) {
    test(`drive onSave (${name}${withEvent ? ', terminal event' : ''}): the stored saves' states bit for bit, each valid until the save after next`, () => {
      const stored = drive(make(), options(withEvent ? [lossEvent()] : []));
      const ts: number[] = [];
      const copies: Float64Array[] = [];
      let prev: Float64Array | undefined;
      const handed = drive(
        make(),
        options(withEvent ? [lossEvent()] : [], (t, y) => {
          // The previous state's buffer is still intact when the next one arrives.
          if (prev !== undefined) assert.deepEqual(prev, copies[copies.length - 1], `state before t = ${t} overwritten`);
          ts.push(t);
          copies.push(Float64Array.from(y));
          prev = y;
        }),
      );
      if (withEvent) assert.equal(stored.status, 'terminated');
      assert.ok(stored.t.length > 5, 'several saves');
      assert.deepEqual(handed.t, stored.t, 'save times');
      assert.deepEqual(ts, stored.t, 'times handed over');
      assert.equal(handed.y.length, 0, 'no stored states');
      assert.equal(copies.length, stored.y.length);
      for (let i = 0; i < copies.length; i++) assert.deepEqual(copies[i], stored.y[i], `state ${i} (t = ${stored.t[i]})`);
      assert.deepEqual(handed.yEnd, stored.yEnd);
      assert.equal(handed.status, stored.status);
      assert.equal(handed.stats.steps, stored.stats.steps);
    });
  }
}

test('drive onSave: the time in the callback is left out of stats.wallTimeMs', () => {
  let waited = 0;
  const sol = drive(
    steppers[0]![1](),
    options([], () => {
      const t = nowMs();
      while (nowMs() - t < 2);
      waited += nowMs() - t;
    }),
  );
  assert.ok(waited >= 2 * SAVES.length, `waited ${waited} ms`);
  assert.ok(sol.stats.wallTimeMs < waited / 2, `stats.wallTimeMs ${sol.stats.wallTimeMs} ms against ${waited} ms in onSave`);
});
