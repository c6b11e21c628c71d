import { resolveProblem } from './src/models/problem.js';
import { randomProblem } from './src/models/random-problem.js';
import { reducedFlow } from './src/models/reduced-flow.js';
import { gradientDescent } from './src/models/gradient-descent.js';
const P = resolveProblem(randomProblem({ loss: 'logistic', d: 8, n: 8, seed: 3, vScale: 0.1 } as any));
const R = reducedFlow(P);
const o = { saveTimes: new Float64Array([0, 1e5]), maxSteps: 1e9, onStep: undefined, signal: undefined };
for (let rep = 0; rep < 3; rep++) {
  let c = process.cpuUsage(); const a = gradientDescent(R.rhs, R.y0, 1e5, 0.1, o); let u = process.cpuUsage(c); console.log('reduced', (u.user + u.system) / 1000);
  c = process.cpuUsage(); const b = gradientDescent(R.rhs, R.y0, 1e5, 0.1, { ...o, block: R.gdBlock }); u = process.cpuUsage(c); console.log('fused', (u.user + u.system) / 1000, a.yEnd.every((v, i) => Object.is(v, b.yEnd[i])));
}
