/**
 * A progress bar on stderr for long CLI runs (cli-progress), drawn only when stderr is a
 * terminal: in pipes, files and tests it is a no-op, so output stays clean and parseable.
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';

// cli-progress (CommonJS) is required on the first bar drawn: a fresh process whose stderr is
// not a terminal (pipes, files, tests) never draws one and does not load it (≈ 6–9 ms).
const require = createRequire(import.meta.url);

/**
 * A progress value in one style for every command: integers as integers (`20/800`), other
 * values with up to 4 significant digits and no trailing zeros (`3.5/1000`, `0.0001234`).
 *
 * @example
 * formatCount(20);      // '20'
 * formatCount(3.14159); // '3.142'
 * formatCount(1e5);     // '100000'
 */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** Handle of a progress bar. */
export interface Progress {
  /** Sets the current value (0 … total); cheap, throttled by cli-progress. */
  update(value: number): void;
  /** Removes the bar (idempotent). */
  stop(): void;
}

/**
 * Starts a bar `label [=====-----] 42% | value/total | ETA` on stderr, or a no-op when stderr
 * is not a TTY.
 *
 * @example
 * const bar = createProgress('simulate', 1e5);
 * bar.update(5e4); // half-way (drawn only on a terminal)
 * bar.stop();
 */
export function createProgress(label: string, total: number): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const cliProgress = require('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      formatValue: (v: number, _o: unknown, type: string) => (type === 'value' || type === 'total' ? formatCount(v) : String(v)),
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let stopped = false;
  return {
    update(value: number) {
      if (!stopped) bar.update(Math.min(total, Math.max(0, value)));
    },
    stop() {
      if (!stopped) {
        stopped = true;
        bar.stop();
      }
    },
  };
}
