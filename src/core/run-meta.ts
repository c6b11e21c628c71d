/**
 * Run metadata carried by every result: the resolved config, seed, package version, backend
 * and wall time, so a result file reproduces itself.
 */
import { readFileSync } from 'node:fs';

let cachedVersion: string | undefined;

/** The installed vsflow version (read once from package.json). */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    // Works from src/core (tsx) and from dist/src/core (built): walk up to the package root.
    for (const rel of ['../../package.json', '../../../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'vsflow' && pkg.version) {
          cachedVersion = pkg.version;
          break;
        }
      } catch {
        // try the next candidate
      }
    }
    cachedVersion ??= '0.0.0-unknown';
  }
  return cachedVersion;
}

/** Metadata block of a result. */
export interface RunMeta {
  readonly package: 'vsflow';
  readonly version: string;
  readonly node: string;
  /** Compute backend: `float64-js` for theory/flow code, a tfjs backend name for training. */
  readonly backend: string;
  /** Floating-point precision of the computation. */
  readonly precision: 'float64' | 'float32';
  readonly seed: number | null;
  readonly wallTimeMs: number;
  readonly createdAt: string;
}

/** Builds the metadata block. */
export function runMeta(args: {
  seed: number | null;
  wallTimeMs: number;
  backend?: string;
  precision?: 'float64' | 'float32';
}): RunMeta {
  return Object.freeze({
    package: 'vsflow' as const,
    version: packageVersion(),
    node: process.version,
    backend: args.backend ?? 'float64-js',
    precision: args.precision ?? 'float64',
    seed: args.seed,
    wallTimeMs: args.wallTimeMs,
    createdAt: new Date().toISOString(),
  });
}
