/**
 * Detecting a Eureka-moment in a run's evaluations (eureka-moments paper, Sec. 1–4).
 *
 * The paper's detection is a threshold: validation accuracy ≥ 70 % ("a conservative threshold at
 * the validation accuracy of 70 %, where 50 % can be reached solving only task 2", Sec. 4, the
 * vision task); its Eureka-ratio counts the runs above it, also runs that learn the task at once
 * ("Eureka-moments happen much earlier or instantly"). What distinguishes a Eureka-moment from
 * grokking is stated in Sec. 2: "both the validation and the training loss saturate before
 * rapidly improving", "no overfitting", and "the sudden leap occurs for both simultaneously".
 *
 * A run here is classified [reconstructed: the reasoning task's criterion is in the paper's
 * appendix A.12, which we do not have; we apply the vision threshold, above this task's task-2
 * level 6/11 ≈ 0.545, and make the Sec. 2 distinction operational]:
 * - the leap: the first evaluation with validation accuracy ≥ `threshold`;
 * - `grokking`: training accuracy reached `threshold` more than `lagFraction` of the leap epoch
 *   before validation accuracy did (training saturated first: overfitting, then generalisation);
 * - `eureka`: not grokking, and before the leap both training and validation loss stayed within a
 *   relative band `flatTolerance` ((max − min)/max) over a window of at least `plateauEpochs`
 *   epochs (the plateau of both losses);
 * - `instant`: reached the threshold without such a plateau (and not grokking);
 * - `null`: no leap.
 */

/** One evaluation as the detector needs it. */
export interface EurekaEval {
  readonly epoch: number;
  readonly step: number;
  /** Validation (held-out) loss and accuracy. */
  readonly loss: number;
  readonly accuracy: number;
  /** Loss and accuracy on the training split. */
  readonly trainLoss?: number;
  readonly trainAccuracy?: number;
}

/** Settings of the detector. */
export interface EurekaCriterion {
  readonly threshold: number;
  readonly plateauEpochs: number;
  readonly flatTolerance: number;
  readonly lagFraction: number;
}

/** How a run reached (or did not reach) the threshold. */
export type EurekaKind = 'eureka' | 'instant' | 'grokking';

/** The detector's verdict for one run. */
export interface EurekaDetection {
  readonly kind: EurekaKind | null;
  /** Step and epoch of the leap (first validation accuracy ≥ threshold), or null. */
  readonly step: number | null;
  readonly epoch: number | null;
  /** Longest window before the leap with both losses flat (epochs), 0 if none. */
  readonly plateauEpochs: number;
}

/**
 * The default criterion for a run of `totalEpochs`: threshold 0.7 [paper, vision], a plateau of
 * at least 10 % of the run (≥ 5 epochs), flat within 10 %, and a grokking lag of 25 % of the leap
 * epoch [reconstructed].
 */
export function defaultEurekaCriterion(totalEpochs: number): EurekaCriterion {
  return { threshold: 0.7, plateauEpochs: Math.max(5, 0.1 * totalEpochs), flatTolerance: 0.1, lagFraction: 0.25 };
}

/** Longest run of consecutive evaluations (before index `end`) where both losses are flat, in epochs. */
function longestFlatWindow(evals: readonly EurekaEval[], end: number, tol: number): number {
  let best = 0;
  let start = 0;
  for (let k = 0; k < end; k++) {
    // Shrink the window [start, k] until both losses are within the band.
    const flat = (i0: number): boolean => {
      for (const key of ['loss', 'trainLoss'] as const) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = i0; i <= k; i++) {
          const v = evals[i]![key];
          if (v === undefined || !Number.isFinite(v)) return false;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        if (hi <= 0 || (hi - lo) / hi > tol) return false;
      }
      return true;
    };
    while (start <= k && !flat(start)) start++;
    if (start <= k) best = Math.max(best, evals[k]!.epoch - evals[start]!.epoch);
  }
  return best;
}

/**
 * Classifies a run from its evaluations (ordered by step).
 *
 * @example
 * // Plateau at 0.54 for 40 epochs, then both accuracies jump: a Eureka-moment.
 * detectEureka(evals, defaultEurekaCriterion(100)).kind; // 'eureka'
 */
export function detectEureka(evals: readonly EurekaEval[], c: EurekaCriterion): EurekaDetection {
  const j = evals.findIndex((e) => e.accuracy >= c.threshold);
  if (j < 0) return { kind: null, step: null, epoch: null, plateauEpochs: longestFlatWindow(evals, evals.length, c.flatTolerance) };
  const leap = evals[j]!;
  const plateau = longestFlatWindow(evals, j, c.flatTolerance);
  const trainFirst = evals.findIndex((e) => (e.trainAccuracy ?? -1) >= c.threshold);
  const grokking = trainFirst >= 0 && leap.epoch - evals[trainFirst]!.epoch > c.lagFraction * leap.epoch;
  const kind: EurekaKind = grokking ? 'grokking' : plateau >= c.plateauEpochs ? 'eureka' : 'instant';
  return { kind, step: leap.step, epoch: leap.epoch, plateauEpochs: plateau };
}
