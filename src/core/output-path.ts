/**
 * Checking an output path before writing (or before any work): non-empty, off the virtual file
 * systems (/proc, /sys, /dev: Node's recursive mkdir spins under /proc), and the nearest
 * existing ancestor a writable folder. `writeFileAtomic` and the CLI's option layer both use it,
 * so a bad path is an `OptionError` naming the argument, never a raw ENOTDIR/EACCES or a hang.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { OptionError } from './errors.js';

/** Virtual file systems: nothing vsflow writes belongs there (and mkdir can hang in /proc). */
export const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

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

