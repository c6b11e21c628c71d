/**
 * Child process of test/cli/lazy-commands.test.ts: runs each case (CLI arguments) twice in-process,
 * through `runCli` (which registers only the command argv names) and through a program with every
 * command registered, with stdout/stderr captured; prints one JSON array of `{ lazy, full }`
 * outputs (exit code, stdout, stderr) on fd 1 at the end. Commander ends a nested sub-command's
 * help and parse errors (`vsflow sweep merge --help`) with process.exit itself: here that call
 * throws `ProcessExit` instead, which the case records as its exit code.
 *
 *   node --import tsx test/cli/lazy-commands-runner.ts cases.json
 */
import { readFileSync, writeSync } from 'node:fs';
import { runCli } from '../../src/cli/program.js';

/** What one run printed and its exit code. */
export interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a stubbed process.exit throws. */
class ProcessExit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

/** Runs `body` with process.stdout/stderr writes captured and process.exit turned into ProcessExit. */
async function captured(body: () => Promise<number>): Promise<Output> {
  const out = { stdout: '', stderr: '' };
  const write = (key: 'stdout' | 'stderr') => (chunk: string | Uint8Array): boolean => {
    out[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, exit: process.exit };
  process.stdout.write = write('stdout') as typeof process.stdout.write;
  process.stderr.write = write('stderr') as typeof process.stderr.write;
  process.exit = ((code?: number) => {
    throw new ProcessExit(Number(code ?? 0));
  }) as typeof process.exit;
  try {
    const code = await body().catch((error: unknown) => {
      if (error instanceof ProcessExit) return error.code;
      throw error;
    });
    return { code, ...out };
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    process.exit = saved.exit;
  }
}

/** What `args` print with every command registered (runCli with allCommands). */
function runFull(args: readonly string[]): Promise<Output> {
  return captured(() => runCli(['node', 'vsflow', ...args], { allCommands: true }));
}

const cases = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as string[][];
const results: { lazy: Output; full: Output }[] = [];
for (const args of cases) {
  const lazy = await captured(() => runCli(['node', 'vsflow', ...args]));
  const full = await runFull(args);
  results.push({ lazy, full });
}
writeSync(1, `${JSON.stringify(results)}\n`);
