/**
 * Output paths checked before any work starts: every `--out`, `--metrics`, `--checkpoint`,
 * `--counterexamples` (any option whose placeholder is `<file>` or `<dir>` and that is not an
 * input) must be non-empty, off the virtual file systems, and its parent must exist or be
 * creatable, be a folder and be writable. A bad path is one line and exit 2, never a stack trace
 * after minutes of computing (nor a hang: Node's recursive mkdir spins under /proc).
 */
import type { Command, Option } from 'commander';
import { checkOutputPath } from '../core/output-path.js';

export { checkOutputPath };

/** Options whose `<file>` value is read, not written. */
export const INPUT_PATH_OPTIONS: readonly string[] = ['--problem'];

/**
 * What an option writes, from its placeholder: `<dir>` a folder, `<file>` a file, `<file|dir>` a
 * file, or a folder when the command shards (`--shard` given; see checkCommandOutputPaths); else
 * nothing.
 */
export function outputKind(option: Pick<Option, 'flags' | 'long'>): 'file' | 'dir' | undefined {
  if (option.long !== undefined && INPUT_PATH_OPTIONS.includes(option.long)) return undefined;
  if (/<dir>/.test(option.flags)) return 'dir';
  if (/<file(\|dir)?>/.test(option.flags)) return 'file';
  return undefined;
}

/** Checks every output-path option given to `command` (explicit or default values). */
export function checkCommandOutputPaths(command: Command): void {
  const values = command.opts() as Record<string, unknown>;
  for (const option of command.options) {
    const given = outputKind(option);
    if (given === undefined) continue;
    const kind = /<file\|dir>/.test(option.flags) && values.shard !== undefined ? 'dir' : given;
    const value = values[option.attributeName()];
    if (value === undefined) continue;
    checkOutputPath(option.long ?? option.flags, value, kind);
  }
}
