#!/usr/bin/env node
/**
 * The `vsflow` command line. Thin: each subcommand lives in commands/<name>.ts and calls the
 * library; program.ts wires them together with one error handling for all.
 */
import { runCli } from './program.js';

// `vsflow ... | head` closes stdout early: end quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv);
// Bad input ends at once (no worker or timer may keep the process alive); otherwise the
// process ends when its work is done.
if (code === 2) process.exit(2);
process.exitCode = code;
