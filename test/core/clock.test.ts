/** nowMs: a millisecond clock (process.hrtime in Node) whose differences match real time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nowMs } from '../../src/core/clock.js';

test('nowMs advances in milliseconds, agreeing with performance.now over a 30 ms wait', async () => {
  const a = nowMs();
  const p = performance.now();
  await new Promise((r) => setTimeout(r, 30));
  const dt = nowMs() - a;
  const dp = performance.now() - p;
  assert.ok(dt >= 29, `waited ${dt} ms`);
  assert.ok(Math.abs(dt - dp) < 5, `nowMs ${dt} ms vs performance.now ${dp} ms`);
  const b = nowMs();
  assert.ok(nowMs() >= b, 'monotone');
});
