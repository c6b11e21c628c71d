/**
 * Atomic file output: write to a temporary file in the same folder, then rename over the target.
 * A crash or an error mid-write leaves either the old file or none, never a half-written one.
 * Kept by hand instead of `write-file-atomic`: the CLI needs only this synchronous temp-and-rename
 * (no fsync, ownership or async queue), in 15 lines without a dependency.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Writes `content` to `path` atomically, creating parent folders. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Writes `value` as pretty JSON (2 spaces, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
