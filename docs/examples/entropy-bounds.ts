// The controlled logit-variance experiment (E-5…E-10) and the ‖P‖_F range (E-7) at small sizes:
// softmax entropy falls as the key scale σ grows, the ELU+1 kernel's stays near log N.
import { runBoundsExperiment, runEntropyExperiment } from '../../src/index.js';

const ent = runEntropyExperiment({ kinds: ['softmax', 'elu1-kernel'], sigmas: [0.5, 8], trials: 2000, seed: 0 });
for (const c of ent.cells) console.log(`${c.kind.padEnd(12)} σ = ${c.sigma}  H = ${c.entropy.mean.toFixed(3)} ± ${c.entropy.se.toFixed(3)} nats`);
const h = (kind: string, sigma: number): number => ent.cells.find((c) => c.kind === kind && c.sigma === sigma)!.entropy.mean;
console.log(`softmax entropy drops with σ: ${h('softmax', 8) < h('softmax', 0.5)}`); // expect: ^softmax entropy drops with σ: true$

const b = runBoundsExperiment({ n: 6, d: 4, draws: 20, matrices: 200, fdDraws: 2, seed: 0 });
const { min, max, violations } = b.frobenius.random;
console.log(`‖P‖_F in [${min.toFixed(3)}, ${max.toFixed(3)}] ⊂ [1, √6]; violations ${violations}`); // expect: violations 0$
