/**
 * Child process of the CLI fuzz suite (test/cli/fuzz.test.ts): runs a batch of CLI cases
 * in-process through `runCli` (one module load for hundreds of cases instead of one spawn each),
 * each in a fresh empty working folder with stdout/stderr captured, and reports one JSON line per
 * case on fd 1: `{"start": i}` before it (so the parent knows which case hung or killed the
 * process) and `{"done": i, code, stdout, stderr, files, ms, crash?}` after it.
 *
 *   node --import tsx test/cli/fuzz-runner.ts cases.json [first] [end]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';

/** One case: the CLI arguments and the paths that must not exist afterwards. */
export interface FuzzCase {
  readonly args: readonly string[];
  readonly mustNotExist: readonly string[];
}

const cases = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FuzzCase[];
const first = Number(process.argv[3] ?? 0);
const end = Math.min(cases.length, Number(process.argv[4] ?? cases.length));
const report = (value: unknown): void => void writeSync(1, `${JSON.stringify(value)}\n`);
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
const home = process.cwd();

/** Every file and folder under `dir` (relative paths). */
function listTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    out.push(prefix + e.name);
    if (e.isDirectory()) out.push(...listTree(join(dir, e.name), `${prefix}${e.name}/`));
  }
  return out;
}

// Load the heavy modules once (sims registry, TensorFlow.js) so a case's time measures its
// validation, not the first import of a module every later case shares.
await (await import('../../sims/registry.js')).listSims();
await import('../../src/train/index.js');

for (let i = first; i < end; i++) {
  const c = cases[i]!;
  report({ start: i });
  const cwd = mkdtempSync(join(tmpdir(), 'vsflow-fuzz-cwd-'));
  process.chdir(cwd);
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const t0 = performance.now();
  let code: number | null = null;
  let crash: string | undefined;
  try {
    code = await runCli(['node', 'vsflow', ...c.args]);
  } catch (error) {
    crash = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  const ms = performance.now() - t0;
  process.chdir(home);
  const files = [...listTree(cwd).map((f) => `./${f}`), ...c.mustNotExist.filter((p) => existsSync(p))];
  rmSync(cwd, { recursive: true, force: true });
  report({ done: i, code, stdout: stdout.slice(0, 2000), stderr: stderr.slice(0, 2000), files, ms, crash });
}
process.exit(0);
