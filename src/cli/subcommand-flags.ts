/**
 * Options of a nested subcommand (`vsflow sweep merge DIR --out FILE`, `vsflow train merge`).
 * The program does not use commander's positional options, so an option given after the
 * subcommand that the parent command also defines (`--out`, `--json`) is parsed by the parent;
 * this takes those back for the subcommand.
 */
import type { Command } from 'commander';

/** `flags` with each of `keys` the subcommand left unset taken from the parent command. */
export function subcommandFlags<T extends object>(flags: T, command: Command, keys: readonly (keyof T & string)[]): T {
  const parent = (command.parent?.opts() ?? {}) as Record<string, unknown>;
  const out = { ...flags } as Record<string, unknown>;
  for (const k of keys) if (out[k] === undefined && parent[k] !== undefined) out[k] = parent[k];
  return out as T;
}
