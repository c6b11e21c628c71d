/**
 * Learning-rate schedule of a run: constant, or linear warm-up followed by a cosine decay, the
 * default of the Eureka authors' training script (boschresearch/eurekaMoments main.py, timm's
 * `CosineLRScheduler`: `--sched cosine`, `--warmup-epochs 5`, `--warmup-lr 1e-6`, `--min-lr 1e-5`;
 * the paper: "We always use the default of 5 Warmup epochs", Sec. 5).
 *
 * With E the run's total epochs, W the warm-up epochs and t the whole epochs done (timm updates
 * the rate once per epoch; no warm-up prefix, so the cosine is over [0, E]):
 *   t < W:  η(t) = η_w + (η − η_w)·t/W
 *   t ≥ W:  η(t) = η_min + ½(η − η_min)(1 + cos(π t/E))
 */
import { OptionError } from '../core/errors.js';

/** Schedule settings (fields of `TrainConfig`). */
export interface LrSchedule {
  readonly lr: number;
  readonly lrSchedule: 'constant' | 'cosine';
  readonly warmupEpochs: number;
  readonly warmupLr: number;
  readonly minLr: number;
}

/**
 * The learning rate at `epoch` (fractional epochs are floored: per-epoch updates) of a run of
 * `totalEpochs` epochs.
 *
 * @example
 * const s = { lr: 1e-3, lrSchedule: 'cosine', warmupEpochs: 5, warmupLr: 1e-6, minLr: 1e-5 } as const;
 * learningRate(s, 0, 100);   // 1e-6 (start of warm-up)
 * learningRate(s, 50, 100);  // 5.05e-4 (half-way down the cosine)
 */
export function learningRate(s: LrSchedule, epoch: number, totalEpochs: number): number {
  if (s.lrSchedule === 'constant') return s.lr;
  if (!(totalEpochs > 0)) throw new OptionError('totalEpochs', 'a positive number', totalEpochs);
  const t = Math.floor(epoch + 1e-9);
  if (t < s.warmupEpochs) return s.warmupLr + ((s.lr - s.warmupLr) * t) / s.warmupEpochs;
  const e = Math.min(t, totalEpochs);
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos((Math.PI * e) / totalEpochs));
}
