/**
 * The error classes of vsflow. Each has one message template:
 * `<what>: expected <expected>, received <received>[; <hint>]` on a single line, so the CLI can
 * print it as is and exit with code 2.
 */

/** Base class: every error vsflow throws on purpose is a `VsflowError`. */
export class VsflowError extends Error {
  override name = 'VsflowError';
}

/** Renders a received value for an error message: short, single line, never a stack. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'function') return 'a function';
  return 'an object';
}

/** A bad option or input field: names it, says what was expected and what was received. */
export class OptionError extends VsflowError {
  override name = 'OptionError';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: unknown,
    readonly hint?: string,
  ) {
    super(`${option}: expected ${expected}, received ${describeValue(received)}${hint ? `; ${hint}` : ''}`);
  }
}

/** Arrays whose shapes do not fit together (e.g. V is d×n but a has length ≠ n). */
export class DimensionError extends VsflowError {
  override name = 'DimensionError';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: string,
    readonly hint?: string,
  ) {
    super(`${option}: expected shape ${expected}, received shape ${received}${hint ? `; ${hint}` : ''}`);
  }
}

/**
 * A numerical failure (non-finite state, step-size underflow, step budget exhausted).
 * `partial` carries the result computed up to the last good state.
 */
export class IntegrationError<R = unknown> extends VsflowError {
  override name = 'IntegrationError';
  constructor(
    message: string,
    readonly status: string,
    readonly partial: R,
  ) {
    super(message);
  }
}

/** A compute backend that is not installed or cannot start (names the package to install). */
export class BackendError extends VsflowError {
  override name = 'BackendError';
}

/** True for errors caused by user input (the CLI prints these on one line and exits 2). */
export function isUserError(error: unknown): error is OptionError | DimensionError | BackendError {
  return error instanceof OptionError || error instanceof DimensionError || error instanceof BackendError;
}
