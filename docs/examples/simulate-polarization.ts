// Integrate the value-softmax gradient flow of a random logistic problem (Thm 3.2 setting) and
// watch the attention polarise: entropy falls from log N towards 0, max σ rises towards 1.
import { randomProblem, simulate } from '../../src/index.js';

const spec = randomProblem({ loss: 'logistic', d: 8, n: 8, seed: 0 });
const result = simulate(spec, { tEnd: 1e4, saveAt: [0, 1, 100, 1e4] });
// The column view: one Float64Array per observable (per-sample ones are [T, K]; here K = 1).
const { t, loss, entropy, maxProb } = result.columns();
for (let i = 0; i < t.length; i++) {
  console.log(`t = ${t[i]!.toExponential(0)}  loss = ${loss[i]!.toExponential(2)}  entropy = ${entropy[i]!.toFixed(3)}  max σ = ${maxProb[i]!.toFixed(3)}`);
}
console.log(`logits [T, K, n] = [${result.series('a').shape.join(', ')}]`); // expect: ^logits \[T, K, n\] = \[4, 1, 8\]$
console.log(result.status); // expect: ^success$
