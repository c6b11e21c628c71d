/**
 * The `vsflow` program: every sub-command registered with the same parse-error handling (one
 * line `vsflow: …`, exit 2, for unknown options, missing values, stray arguments and missing
 * required options), and output paths checked before any action runs. `runCli` returns the exit
 * code instead of exiting, so tests can drive the CLI in-process.
 */
import { Command, CommanderError } from 'commander';
import { isUserError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { registersFor } from './commands/index.js';
import { checkCommandOutputPaths } from './output-paths.js';
import { setMemoryLimit } from '../core/limits.js';
import { parseNumber } from './parse.js';
import { CliExit, failWithUserError } from './run-action.js';
import { applyRenamedOptions, takeDeprecationLine } from './renamed-options.js';

/** One line for a commander parse error of `command`, naming the option or argument first. */
function parseErrorLine(command: Command, error: CommanderError): string {
  const path: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
  const name = ['vsflow', ...path].join(' ');
  const help = `see ${name} --help`;
  const text = error.message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ');
  const quoted = /'([^']+)'/.exec(text)?.[1] ?? '';
  const flag = quoted.split(' ')[0] ?? quoted;
  const placeholder = quoted.split(' ').slice(1).join(' ');
  const suggestion = /\(Did you mean ([^)?]+)\??\)/.exec(text)?.[1];
  const maybe = suggestion ? ` (did you mean ${suggestion}?)` : '';
  switch (error.code) {
    case 'commander.unknownOption':
      return `${flag}: expected an option of ${name}, received an unknown option${maybe}; ${help}`;
    case 'commander.unknownCommand':
      return `${flag}: expected a command of ${name}, received an unknown command${maybe}; ${help}`;
    case 'commander.optionMissingArgument':
      return `${flag}: expected a value ${placeholder}, received none; ${help}`;
    case 'commander.missingMandatoryOptionValue':
      return `${flag}: expected a value ${placeholder} (required), received none; ${help}`;
    case 'commander.missingArgument':
      return `<${flag}>: expected a value (required argument of ${name}), received none; ${help}`;
    case 'commander.excessArguments': {
      const extra = command.args.slice(command.registeredArguments.length).map((a) => JSON.stringify(a)).join(' ');
      return `${name}: expected at most ${command.registeredArguments.length} positional argument(s), received ${extra} (a flag such as --json takes no value); ${help}`;
    }
    default:
      return `${name}: ${text}; ${help}`;
  }
}

/**
 * Builds a fresh program (commander keeps parsed values on the commands: one per run) with every
 * command, or with only the command that `argv` names (commands/index.ts `registersFor`): a run
 * of one command then loads only that command's modules. Either way that command's help, errors
 * and action are the same.
 */
export async function createProgram(argv?: readonly string[]): Promise<Command> {
  const registers = await registersFor(argv);
  const program = new Command();
  program
    .name('vsflow')
    .description('Theory simulations of softmax attention dynamics (value-softmax gradient flow, entropy, figures, training).')
    .version(VERSION);
  for (const register of registers) register(program);
  // Every level, sub-commands of sub-commands included (`vsflow sweep merge --bogus`).
  const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
  for (const command of everyCommand(program)) {
    // Commander's own error text is replaced by one line (help and version still print).
    command.configureOutput({ outputError: () => {} });
    command.exitOverride((error) => {
      if (error.exitCode === 0 || error.code === 'commander.help' || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') throw new CliExit(0);
      failWithUserError(parseErrorLine(command, error));
    });
  }
  // One memory-limit override for every command that sizes its work (core/limits.ts).
  // (Not on a command that only groups sub-commands, like `slurm`, which computes nothing.)
  for (const command of program.commands) if (hasAction(command)) command.option('--max-memory <GB>', 'raise the memory limit of the size checks (default half the RAM, at most the V8 heap)');
  program.hook('preAction', (_program, action) => {
    try {
      const max = (action.opts() as { maxMemory?: string }).maxMemory;
      applyRenamedOptions(action);
      setMemoryLimit(max === undefined ? undefined : parseNumber('--max-memory', max, { gt: 0 }) * 2 ** 30);
      checkCommandOutputPaths(action);
    } catch (error) {
      if (isUserError(error)) failWithUserError(error.message);
      throw error;
    }
  });
  return program;
}

/** Whether `command` has an action of its own (commander keeps it in a private field). */
function hasAction(command: Command): boolean {
  return (command as unknown as { _actionHandler?: unknown })._actionHandler != null;
}

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, args…) and returns the exit code:
 * 2 for bad input (one line on stderr), else what the command set in `process.exitCode` (0 by
 * default). Bugs propagate with their stack. `allCommands` registers every command whatever argv
 * names (the lazy registration's reference, for its tests).
 */
export async function runCli(argv: readonly string[], options: { allCommands?: boolean } = {}): Promise<number> {
  const before = process.exitCode;
  process.exitCode = undefined;
  takeDeprecationLine(); // nothing left over from an earlier in-process run
  try {
    await (await createProgram(options.allCommands === true ? undefined : argv)).parseAsync([...argv]);
    const deprecated = takeDeprecationLine();
    if (deprecated !== undefined) process.stderr.write(`${deprecated}\n`);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CliExit) return error.code;
    throw error;
  } finally {
    process.exitCode = before;
  }
}
