/**
 * Wraps a CLI action: user mistakes (OptionError, DimensionError, BackendError) print one line
 * on stderr and end with exit 2 (through `CliExit`, so the CLI also runs in-process in tests);
 * anything else is a bug and keeps its stack (exit 1).
 */
import { isUserError } from '../core/errors.js';
import { withRenamedFlags } from './renamed-options.js';

/** Thrown to end the CLI with `code` once its message is printed (caught by `runCli`). */
export class CliExit extends Error {
  override name = 'CliExit';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Prints a user error as the one line `vsflow: <message>` (newlines folded) and throws `CliExit(2)`. */
export function failWithUserError(message: string): never {
  process.stderr.write(`vsflow: ${withRenamedFlags(message).replace(/\s*\n\s*/g, '; ')}\n`);
  throw new CliExit(2);
}

export function runAction<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (isUserError(error)) failWithUserError(error.message);
      throw error;
    }
  };
}
