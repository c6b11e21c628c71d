/**
 * Every subcommand, in help order: its name and a loader of its module's register function.
 * A command module is imported only when the program registers it (program.ts registers just
 * the command that argv names, else all), so a fresh `vsflow simulate` does not load the modules
 * of `train`, `plot`, `reproduce`, … A test keeps each name equal to what its module registers.
 */
import type { Command } from 'commander';

/** One subcommand: the name argv gives it and the loader of its register function. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = Object.freeze([
  { name: 'simulate', load: async () => (await import('./simulate.js')).register },
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
 * The commands to register for `argv` (as `process.argv`: node, script, args…): the one named by
 * the first argument when it names a command, else every command (`--help`, `help`, `--version`,
 * no command, an unknown command or option: the help text and the "did you mean" suggestions need
 * them all).
 */
export function commandsFor(argv: readonly string[] | undefined): readonly CommandEntry[] {
  const first = argv?.[2];
  const named = COMMANDS.find((c) => c.name === first);
  return named === undefined ? COMMANDS : [named];
}
