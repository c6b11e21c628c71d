/**
 * Loss expressions h(z) (models/loss-expression.ts): the symbolic derivative against central
 * finite differences for several losses; 'log(1 + exp(-z))' reproduces the built-in logistic loss
 * (gradients to round-off, the flow to the integrator's tolerance); bad expressions and
 * non-finite starts are OptionErrors naming lossExpr; the field belongs to logistic problems only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLossExpressionAt, compileLossExpression } from '../../src/models/loss-expression.js';
import { resolveProblem } from '../../src/models/problem.js';
import { packState, valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { simulate } from '../../src/experiments/simulate.js';
import { OptionError } from '../../src/core/errors.js';
import { assertClose } from '../helpers/tolerance.js';

const EXPRS = ['log(1 + exp(-z))', 'exp(-z)', '(1 - z)^2', 'log(1 + exp(-z))^2 + 0.1 * z^2', 'sqrt(1 + z^2) - z', 'tanh(1 - z) + cosh(z / 3)', 'z^3 / 3 - z', 'log1p(exp(-2 * z)) / 2', 'pi * exp(-z / e)'];

test('h′ from the symbolic derivative equals central finite differences (rel 1e-7)', () => {
  for (const expr of EXPRS) {
    const L = compileLossExpression(expr);
    for (const z of [-2.5, -0.3, 0, 0.7, 1.9, 4]) {
      const h = 1e-5 * Math.max(1, Math.abs(z));
      const fd = (L.h(z + h) - L.h(z - h)) / (2 * h);
      // Central differences: truncation O(h²·h‴) ≈ 1e-10, round-off ≈ 1e-16/h ≈ 1e-11.
      assertClose(L.dh(z), fd, { rtol: 1e-7, atol: 1e-9, label: `${expr} at z = ${z}` });
    }
  }
});

test('log(1 + exp(-z)) is log1p-stable and equals the built-in logistic loss and its flow', () => {
  const L = compileLossExpression('log(1 + exp(-z))');
  assert.equal(L.h(40), Math.log1p(Math.exp(-40)), 'log(1 + u) compiles to log1p(u) (1 + e^-40 would round to 1)');
  assert.ok(L.h(40) > 0);
  const base = { loss: 'logistic' as const, V: [[0.3, -0.2, 0.1], [0.05, 0.2, -0.1]], a: [[0.1, 0, -0.1], [0, 0.2, 0]], beta: [0.8, -0.6], labels: [1, -1] };
  const P0 = resolveProblem(base);
  const P1 = resolveProblem({ ...base, lossExpr: 'log(1 + exp(-z))' });
  const y = packState(P0);
  const g0 = new Float64Array(y.length);
  const g1 = new Float64Array(y.length);
  valueSoftmaxRhs(P0).rhs(0, y, g0);
  valueSoftmaxRhs(P1).rhs(0, y, g1);
  assertClose(g1, g0, { rtol: 1e-13, atol: 1e-16, label: 'RHS' });
  assertClose(valueSoftmaxRhs(P1).loss(y), valueSoftmaxRhs(P0).loss(y), { rtol: 1e-14, label: 'loss' });
  const opts = { tEnd: 100, saveAt: [0, 1, 10, 100] };
  const r0 = simulate(P0, opts);
  const r1 = simulate(P1, opts);
  assert.equal(r1.config.problem.lossExpr, 'log(1 + exp(-z))', 'the result reproduces itself');
  assertClose(r1.columns().loss, r0.columns().loss, { rtol: 1e-8, label: 'loss(t)' });
  assertClose(r1.columns().a, r0.columns().a, { rtol: 1e-8, atol: 1e-10, label: 'a(t)' });
});

test('one-sample fast path is bypassed: exp(-z) flows with its own gradient', () => {
  const P = resolveProblem({ loss: 'logistic', V: [[0.1, -0.2, 0.3]], a: [0, 0, 0], beta: [1], lossExpr: 'exp(-z)' });
  const y = packState(P);
  const flow = valueSoftmaxRhs(P);
  const out = new Float64Array(y.length);
  flow.rhs(0, y, out);
  // −∇L by central differences of the loss.
  for (let q = 0; q < y.length; q++) {
    const yp = y.slice();
    const ym = y.slice();
    yp[q]! += 1e-6;
    ym[q]! -= 1e-6;
    assertClose(out[q]!, -(flow.loss(yp) - flow.loss(ym)) / 2e-6, { rtol: 1e-6, atol: 1e-9, label: `−∂L/∂y[${q}]` });
  }
});

test('bad expressions: one OptionError on lossExpr naming the problem', () => {
  const cases: [unknown, RegExp][] = [
    ['log(1 + exp(-x))', /unknown symbol "x" \(known: z, pi, e\)/],
    ['foo(z)', /unknown function "foo"/],
    ['log(1 + ', /syntax error/],
    ['z > 1', /not supported/],
    ['', /lossExpr: expected an expression in z/],
    [3, /lossExpr: expected an expression in z/],
    ['log(z, 2)', /log takes one argument, received 2/],
  ];
  for (const [expr, re] of cases) {
    assert.throws(() => compileLossExpression(expr as string), (e: unknown) => e instanceof OptionError && e.option === 'lossExpr' && re.test(e.message) && !e.message.includes('\n'), String(expr));
  }
});

test('non-finite at the start is rejected by resolveProblem; lossExpr is a logistic field', () => {
  assert.throws(() => checkLossExpressionAt(compileLossExpression('log(z)'), [-1]), /h\(-1\) = NaN/);
  // z0 = βᵀVσ(0) = mean of V's row = 0 here: log(z) is −∞ there.
  assert.throws(
    () => resolveProblem({ loss: 'logistic', V: [[1, -1]], a: [0, 0], beta: [1], lossExpr: 'log(z)' }),
    (e: unknown) => e instanceof OptionError && /^lossExpr: expected finite h\(z\) and h′\(z\) at the initial margin z = y·βᵀf, received "log\(z\)"; h\(0\) = -Infinity/.test(e.message),
  );
  assert.throws(() => resolveProblem({ loss: 'square', V: [[1, 0]], a: [0, 0], y: [1], lossExpr: 'exp(-z)' }), /lossExpr: expected no field "lossExpr" for loss square.*loss square uses only y/);
});
