/**
 * Output paths checked before any work starts: every `--out`, `--metrics`, `--checkpoint`,
 * `--counterexamples` (any option whose placeholder is `<file>` or `<dir>` and that is not an
 * input) must be non-empty, off the virtual file systems, and its parent must exist or be
 * creatable, be a folder and be writable. A bad path is one line and exit 2, never a stack trace
 * after minutes of computing (nor a hang: Node's recursive mkdir spins under /proc).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { Command, Option } from 'commander';
import { OptionError } from '../core/errors.js';

/** Options whose `<file>` value is read, not written. */
export const INPUT_PATH_OPTIONS: readonly string[] = ['--problem'];

/** Virtual file systems: nothing vsflow writes belongs there (and mkdir can hang in /proc). */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/** What an option writes, from its placeholder: `<dir>` a folder, `<file>` a file; else nothing. */
export function outputKind(option: Pick<Option, 'flags' | 'long'>): 'file' | 'dir' | undefined {
  if (option.long !== undefined && INPUT_PATH_OPTIONS.includes(option.long)) return undefined;
  if (/<dir>/.test(option.flags)) return 'dir';
  if (/<file>/.test(option.flags)) return 'file';
  return undefined;
}

function stat(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks that `path` can be written as a file (`kind` 'file') or used as a folder ('dir');
 * throws `OptionError` naming `flag` otherwise. Creates nothing.
 *
 * @example
 * checkOutputPath('--out', '/etc/passwd/x.json', 'file'); // OptionError: /etc/passwd is a file
 */
export function checkOutputPath(flag: string, path: unknown, kind: 'file' | 'dir'): string {
  const what = kind === 'file' ? 'a writable file path' : 'a writable folder path';
  if (typeof path !== 'string' || path.trim() === '') throw new OptionError(flag, what, path);
  if (path.includes('\0')) throw new OptionError(flag, what, path, 'the path holds a NUL byte');
  const full = resolve(path);
  for (const root of VIRTUAL_ROOTS) {
    if (full === root || full.startsWith(root + sep)) throw new OptionError(flag, `${what} on a real file system`, path, `${root} is a virtual file system`);
  }
  const own = stat(full);
  if (own !== undefined) {
    if (kind === 'file' && own.isDirectory()) throw new OptionError(flag, what, path, 'it is a folder');
    if (kind === 'dir' && !own.isDirectory()) throw new OptionError(flag, what, path, 'it is a file, not a folder');
    if (kind === 'dir' && !writable(full)) throw new OptionError(flag, what, path, 'the folder is not writable');
  }
  // The nearest existing ancestor decides: it must be a folder we may create entries in.
  let ancestor = kind === 'file' || own === undefined ? dirname(full) : full;
  for (;;) {
    const s = stat(ancestor);
    if (s !== undefined) {
      if (!s.isDirectory()) throw new OptionError(flag, what, path, `${ancestor} is a file, not a folder`);
      if (!writable(ancestor)) throw new OptionError(flag, what, path, `${ancestor} is not writable`);
      return path;
    }
    const up = dirname(ancestor);
    if (up === ancestor) throw new OptionError(flag, what, path, 'no existing parent folder');
    ancestor = up;
  }
}

/** Checks every output-path option given to `command` (explicit or default values). */
export function checkCommandOutputPaths(command: Command): void {
  const values = command.opts() as Record<string, unknown>;
  for (const option of command.options) {
    const kind = outputKind(option);
    if (kind === undefined) continue;
    const value = values[option.attributeName()];
    if (value === undefined) continue;
    checkOutputPath(option.long ?? option.flags, value, kind);
  }
}
