/**
 * Wraps a CLI action: user mistakes (OptionError, DimensionError, BackendError) print one line
 * on stderr and exit 2; anything else is a bug and keeps its stack (exit 1).
 */
import { isUserError } from '../core/errors.js';

export function runAction<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (isUserError(error)) {
        process.stderr.write(`vsflow: ${error.message}\n`);
        process.exit(2);
      }
      throw error;
    }
  };
}
