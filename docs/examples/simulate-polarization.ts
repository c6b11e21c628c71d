// Integrate the value-softmax gradient flow of a random logistic problem (Thm 3.2 setting) and
// watch the attention polarise: entropy falls from log N towards 0, max σ rises towards 1.
import { randomProblem, simulate } from '../../src/index.js';

const spec = randomProblem({ loss: 'logistic', d: 8, n: 8, seed: 0 });
const result = simulate(spec, { tEnd: 1e4, saveAt: [0, 1, 100, 1e4] });
for (const r of result.records) {
  console.log(`t = ${r.t.toExponential(0)}  loss = ${r.loss.toExponential(2)}  entropy = ${Number(r.entropy).toFixed(3)}  max σ = ${Number(r.maxProb).toFixed(3)}`);
}
console.log(result.status); // expect: ^success$
