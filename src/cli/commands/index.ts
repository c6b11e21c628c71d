/**
 * Every subcommand, in help order: its name and a loader of its module's register function.
 * A command module is imported only when the program registers it (program.ts registers just
 * the command that argv names, else all of all.ts), so a fresh `vsflow simulate` does not load
 * the modules of `train`, `plot`, `reproduce`, … A test keeps this table equal to all.ts and each
 * name equal to what its module registers.
 */
import type { Command } from 'commander';
import { loadProblemSchema } from '../../models/problem-file-check.js';

/** One subcommand: the name argv gives it and the loader of its register function. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<(program: Command) => void>;
  /**
   * The command loads the problem-file schema (zod) itself where a problem needs it
   * (models/problem-file-check.ts); for every other command program.ts loads it first.
   */
  readonly loadsProblemSchema?: true;
}

export const COMMANDS: readonly CommandEntry[] = Object.freeze([
  { name: 'simulate', load: async () => (await import('./simulate.js')).register, loadsProblemSchema: true },
  { name: 'check', load: async () => (await import('./check.js')).register },
  { name: 'sweep', load: async () => (await import('./sweep.js')).register },
  { name: 'sim', load: async () => (await import('./sim.js')).register },
  { name: 'entropy', load: async () => (await import('./entropy.js')).register },
  { name: 'bounds', load: async () => (await import('./bounds.js')).register },
  { name: 'plot', load: async () => (await import('./plot.js')).register },
  { name: 'reproduce', load: async () => (await import('./reproduce.js')).register },
  { name: 'train', load: async () => (await import('./train.js')).register },
  { name: 'slurm', load: async () => (await import('./slurm.js')).register },
]);

/**
 * The command that `argv` (as `process.argv`: node, script, args…) names by its first argument,
 * or undefined: then every command is registered (`--help`, `help`, `--version`, no command, an
 * unknown command or option: the help text and the "did you mean" suggestions need them all).
 */
export function commandFor(argv: readonly string[] | undefined): CommandEntry | undefined {
  const first = argv?.[2];
  return COMMANDS.find((c) => c.name === first);
}

/**
 * The register functions for `argv`: the named command's alone, none for `--version` alone, else
 * every command's (all.ts). The problem-file schema is loaded too unless the named command loads
 * it itself.
 */
export async function registersFor(argv: readonly string[] | undefined): Promise<readonly ((program: Command) => void)[]> {
  // `vsflow --version` alone prints the version, which no command changes: none registered.
  if (argv?.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) return [];
  const named = commandFor(argv);
  if (named?.loadsProblemSchema !== true) await loadProblemSchema();
  return named === undefined ? (await import('./all.js')).ALL_COMMANDS : [await named.load()];
}
