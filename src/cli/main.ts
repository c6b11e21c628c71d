#!/usr/bin/env node
/**
 * The `vsflow` command line. Thin: each subcommand lives in commands/<name>.ts and calls the
 * library; this file only wires them together.
 */
import { Command } from 'commander';
import { packageVersion } from '../core/run-meta.js';
import { COMMANDS } from './commands/index.js';

// `vsflow ... | head` closes stdout early: end quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program
  .name('vsflow')
  .description('Theory simulations of softmax attention dynamics (value-softmax gradient flow, entropy, figures, training).')
  .version(packageVersion())
  .showHelpAfterError('(run with --help for usage)');

for (const register of COMMANDS) register(program);

program.configureOutput({
  outputError: (text, write) => write(text.startsWith('error:') ? `vsflow: ${text.slice(7)}` : text),
});
program.exitOverride((err) => {
  // commander's own parse errors (unknown option, missing argument): one line, exit 2.
  process.exit(err.exitCode === 0 ? 0 : 2);
});

await program.parseAsync(process.argv);
