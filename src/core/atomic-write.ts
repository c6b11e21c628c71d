/**
 * Atomic file output: write to a temporary file in the same folder, then rename over the target.
 * A crash or an error mid-write leaves either the old file or none, never a half-written one.
 * Kept by hand instead of `write-file-atomic`: the CLI needs only this synchronous temp-and-rename
 * (no fsync, ownership or async queue), in 15 lines without a dependency.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { OptionError } from './errors.js';
import { checkOutputPath } from './output-path.js';

/**
 * Writes `content` to `path` atomically, creating parent folders. A path that cannot be written
 * (empty, below a file, a folder, unwritable, on /proc) is an `OptionError` naming `path`.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  checkOutputPath('path', path, 'file');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new OptionError('path', 'a writable file path', path, `${code}: ${(error as Error).message.split('\n')[0]}`);
    throw error;
  }
}

/** Writes `value` as pretty JSON (2 spaces, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
