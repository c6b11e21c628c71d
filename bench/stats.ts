/** Small helpers shared by the bench scripts. */
import type { SimulateResult } from '../src/experiments/simulate.js';

/** Median of `xs` (mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

/** The environment that keeps a Python peer's BLAS/OpenMP to one thread (peers at their best on a shared 2-core machine). */
export const ONE_BLAS_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } as const;

/** The value after `--name` on the command line, else `fallback`. */
export function arg(name: string, fallback: string | undefined): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Milliseconds with 0, 1 or 2 decimals by size. */
export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** Max |y − ref| / max |ref|: a final state's error relative to the reference's largest entry. */
export function relErr(y: ArrayLike<number>, ref: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    e = Math.max(e, Math.abs(y[i]! - ref[i]!));
    s = Math.max(s, Math.abs(ref[i]!));
  }
  return e / s;
}

/** A result's final state flattened as the flow's state vector: V row by row, then the logits. */
export const stateOf = (r: SimulateResult): number[] => [...r.state.V.flat(), ...(r.state.a as (number | number[])[]).flat()];
