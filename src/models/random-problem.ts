/**
 * Random problems with documented initial scales (theory: A.5 for the Fig-2 defaults).
 * Streams (Rng.fork): 0 → V, 1 → a, 2 → the loss data (β, y, X, p), 3 → labels. Initialisation:
 *   V_ij ~ vScale·N(0, 1)               (default 0.1, the Fig-2 notebook's W = 0.1·randn)
 *   a_kj ~ aCenter + aScale·N(0, 1)      (default aScale 0: a = 0, uniform attention as in Fig 2;
 *                                         aCenter = 0 for softmax/sigmoid, 1 for l1/sum/l2sq/relu,
 *                                         whose N(a) is undefined at a = 0)
 *   logistic: β ~ N(0, I_d)/‖·‖; labels ±1 uniformly (K > 1 only; K = 1 uses +1)
 *   square: y_k ~ N(0, I_d) · regression: X ~ N(0, 1) with m = d rows, y_k ~ N(0, I_m)
 *   cross-entropy: p_k = softmax(10·U[0, 1)^d) (the appendix's p* = softmax(10·rand))
 * One target row per sample when K > 1.
 */
import { Rng } from '../core/rng.js';
import { softmax } from '../core/softmax.js';
import { checkChoice, checkNumber, resolveOptions } from '../core/validate.js';
import { NORMALIZATIONS, type NormalizationName } from './normalizations.js';
import { LOSSES, type LossName, type ProblemSpec } from './problem-resolve.js';
import { arrayHypot } from '../core/array-extrema.js';

/** Options of randomProblem. */
export interface RandomProblemOptions {
  loss: LossName;
  d: number;
  n: number;
  /** Number of samples K (each with its own logits; shared V). */
  samples: number;
  seed: number;
  vScale: number;
  aScale: number;
  normalization: NormalizationName;
}

/** Defaults: the Fig-2 setting (logistic, d = n = 8, V = 0.1·randn, a = 0). */
export const RANDOM_PROBLEM_DEFAULTS: Readonly<RandomProblemOptions> = Object.freeze({
  loss: 'logistic',
  d: 8,
  n: 8,
  samples: 1,
  seed: 0,
  vScale: 0.1,
  aScale: 0,
  normalization: 'softmax',
});

function draw(rng: Rng, count: number, scale: number, center = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(center + scale * rng.normal());
  return out;
}

function matrix(rng: Rng, r: number, c: number, scale: number, center = 0): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < r; i++) out.push(draw(rng, c, scale, center));
  return out;
}

/**
 * A seeded random problem file (same options → same problem).
 *
 * @example
 * const spec = randomProblem({ loss: 'square', d: 2, n: 3, seed: 1 });
 * spec.V.length;    // 2
 * spec.a;           // [0, 0, 0]
 * spec.y!.length;   // 2
 */
export function randomProblem(options?: Partial<RandomProblemOptions>): ProblemSpec {
  const o = resolveOptions('randomProblem', RANDOM_PROBLEM_DEFAULTS, options);
  const loss = checkChoice('loss', o.loss, LOSSES);
  const normalization = checkChoice('normalization', o.normalization, NORMALIZATIONS);
  const d = checkNumber('d', o.d, { integer: true, min: 1 });
  const n = checkNumber('n', o.n, { integer: true, min: 1 });
  const K = checkNumber('samples', o.samples, { integer: true, min: 1 });
  const seed = checkNumber('seed', o.seed, { integer: true });
  const vScale = checkNumber('vScale', o.vScale, { min: 0 });
  const aScale = checkNumber('aScale', o.aScale, { min: 0 });
  const rng = new Rng(seed);
  const center = normalization === 'softmax' || normalization === 'sigmoid' ? 0 : 1;
  const V = matrix(rng.fork(0), d, n, vScale);
  const aRows = matrix(rng.fork(1), K, n, aScale, center);
  const data = rng.fork(2);
  const spec: ProblemSpec = { loss, V, a: K === 1 ? aRows[0]! : aRows };
  if (normalization !== 'softmax') spec.normalization = normalization;
  const perSample = (rowsK: number[][]): number[] | number[][] => (K === 1 ? rowsK[0]! : rowsK);
  switch (loss) {
    case 'logistic': {
      const b = draw(data, d, 1);
      const norm = arrayHypot(b) || 1;
      spec.beta = b.map((v) => v / norm);
      if (K > 1) {
        const lr = rng.fork(3);
        spec.labels = Array.from({ length: K }, () => (lr.uniform() < 0.5 ? -1 : 1));
      }
      break;
    }
    case 'square':
      spec.y = perSample(matrix(data, K, d, 1));
      break;
    case 'regression':
      spec.X = matrix(data, d, d, 1);
      spec.y = perSample(matrix(data, K, d, 1));
      break;
    case 'cross-entropy': {
      const rowsP: number[][] = [];
      for (let k = 0; k < K; k++) {
        const logits = new Float64Array(d);
        for (let i = 0; i < d; i++) logits[i] = 10 * data.uniform();
        const p = new Float64Array(d);
        softmax(logits, p);
        rowsP.push(Array.from(p));
      }
      spec.p = perSample(rowsP);
      break;
    }
  }
  spec.seed = seed;
  spec.comment = `randomProblem ${JSON.stringify({ loss, d, n, samples: K, seed, vScale, aScale, normalization })}`;
  return spec;
}
