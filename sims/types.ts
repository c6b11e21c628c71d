/**
 * The contract of a sim: one figure or experiment of a paper, as `vsflow sim <id>`.
 * Each file in sims/ (other than this one and registry.ts) default-exports a `SimDefinition`;
 * the registry discovers them, so adding a sim needs no edit elsewhere.
 */
import type { ClaimRecord } from '../src/core/claim.js';
import type { RunMeta } from '../src/core/run-meta.js';
import type { NamedFigure } from '../src/plot/figure-types.js';

export type PaperId = 'polarization' | 'lipschitz' | 'eureka';

/** A value of a sim parameter. */
export type SimParamValue = number | string | boolean;

/** The resolved parameters of one run, by name. */
export type SimParams = Readonly<Record<string, SimParamValue>>;

/**
 * One parameter of a sim, declared as data: `vsflow sim <id> --describe` lists it, `--set
 * name=value` and `--config file.json` override it, and the value is validated against it.
 */
export interface SimParameter {
  /** Identifier used on the command line (`--set n=40`), e.g. `n`, `tEnd`. */
  readonly name: string;
  readonly type: 'integer' | 'number' | 'boolean' | 'choice';
  /** Value of a full run. */
  readonly default: SimParamValue;
  /** Value under `--quick` (training sims: `--scale quick`), when it differs from `default`. */
  readonly quick?: SimParamValue;
  /** Value under `--scale medium` (training sims), when it differs from `default`. */
  readonly medium?: SimParamValue;
  /** Inclusive bounds of numbers. */
  readonly min?: number;
  readonly max?: number;
  /** Allowed values (`choice` parameters; optional for numbers). */
  readonly choices?: readonly SimParamValue[];
  /** What it is, with its unit and the paper's value. */
  readonly doc: string;
}

export interface SimContext {
  /** Short version (tests, `reproduce --quick`): seconds, still showing the effect. */
  readonly quick: boolean;
  /**
   * Scale of the training sims (`quick` | `medium` | `paper`); absent = 'quick' when `quick`, else
   * 'paper'. Theory sims read only `quick`.
   */
  readonly scale?: 'quick' | 'medium' | 'paper';
  /** Seed override; `undefined` = the sim's documented default seed. */
  readonly seed: number | undefined;
  /**
   * The run's parameters, resolved and validated (see `SimDefinition.parameters`); `runSim`
   * always fills them in. A sim called directly without them uses its defaults for `quick`.
   */
  readonly params?: SimParams | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Progress in [0, 1] (the CLI draws the bar). */
  readonly onProgress?: ((fraction: number, label?: string) => void) | undefined;
}

/**
 * One paper claim checked numerically: the project's `Claim` (src/core/claim.ts), whose `status`
 * a sim may leave out for a deterministic claim (`runSim` fills it in from `pass`); claims over
 * seeds also carry `seeds` and `interval`.
 */
export type ClaimCheck = ClaimRecord;

export interface SimResult {
  readonly sim: string;
  /** Resolved config (quick flag, sizes, seeds, horizons): reruns reproduce the result. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly meta: RunMeta;
  /** The sim's data series (JSON-friendly). */
  readonly data: unknown;
  readonly claims: readonly ClaimCheck[];
}

export interface SimDefinition {
  /** e.g. `fig2-logistic-polarization`. */
  readonly id: string;
  readonly title: string;
  readonly paper: PaperId;
  /** What it reproduces, e.g. "Fig. 2: σ(t) → one-hot under logistic loss". */
  readonly reproduces: string;
  readonly theoryIds: readonly string[];
  /**
   * True for sims that take minutes even with `quick` (real transformer training): `vsflow
   * reproduce` runs them only with `--training` or when named in `--only`.
   */
  readonly heavy?: boolean;
  /** The parameters a user may set (none when omitted). */
  readonly parameters?: readonly SimParameter[];
  /**
   * Set when the sim starts from an initialisation fixed by the paper (e.g. the authors'
   * notebook draws, committed in sims/data/): says which. `--seed` is then rejected with this
   * reason instead of being silently ignored.
   */
  readonly fixedInit?: string;
  /** Runs the sim (pure computation: no files, no printing). */
  run(ctx: SimContext): Promise<SimResult>;
  /** Pure figure builders over a result (also used by `vsflow plot` on a saved result). */
  figures(result: SimResult): NamedFigure[];
}
