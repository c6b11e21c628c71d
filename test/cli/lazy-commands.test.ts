/**
 * The CLI registers only the command that argv names (commands/index.ts `registersFor`, program.ts
 * `createProgram(argv)`); everything else gets every command. Checked here: the command table's
 * names are what the modules register, in help order; for every command and sub-command, its
 * help text, its parse errors (unknown option with and without a "did you mean", stray argument,
 * missing value) and their exit codes are byte for byte what the program with every command
 * registered prints; the root's help, version, unknown-command and no-command outputs are too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { COMMANDS, commandFor, registersFor } from '../../src/cli/commands/index.js';
import { ALL_COMMANDS } from '../../src/cli/commands/all.js';
import { createProgram } from '../../src/cli/program.js';
import { VERSION } from '../../src/core/version.js';
import type { Output } from './lazy-commands-runner.js';

/** Every case run lazily and with every command registered, in one child process (stdout captured there). */
function runBoth(cases: readonly string[][]): { lazy: Output; full: Output }[] {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-lazy-'));
  try {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify(cases));
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/cli/lazy-commands-runner.ts', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20, timeout: 300_000 });
    return JSON.parse(out) as { lazy: Output; full: Output }[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the command table names what each module registers, in help order', async () => {
  const full = await createProgram();
  assert.deepEqual(full.commands.map((c) => c.name()), COMMANDS.map((c) => c.name));
  for (const entry of COMMANDS) {
    const program = new Command();
    (await entry.load())(program);
    assert.deepEqual(program.commands.map((c) => c.name()), [entry.name], entry.name);
  }
});

test('commandFor: the command argv names; none (so every command) otherwise', async () => {
  assert.equal(commandFor(['node', 'vsflow', 'simulate', '--help'])?.name, 'simulate');
  assert.equal(commandFor(['node', 'vsflow', 'slurm', 'sweep'])?.name, 'slurm');
  for (const args of [[], ['--help'], ['help', 'simulate'], ['--version', 'simulate'], ['simulat'], ['--bogus', 'simulate'], ['-h']]) {
    assert.equal(commandFor(['node', 'vsflow', ...args]), undefined, args.join(' '));
    assert.equal(await registersFor(['node', 'vsflow', ...args]), ALL_COMMANDS, args.join(' '));
  }
  assert.deepEqual(await registersFor(['node', 'vsflow', '--version']), []);
  assert.deepEqual(await registersFor(['node', 'vsflow', '-V']), []);
  assert.equal(commandFor(undefined), undefined);
  assert.deepEqual(await registersFor(['node', 'vsflow', 'check']), [await COMMANDS[1]!.load()]);
  assert.equal(ALL_COMMANDS.length, COMMANDS.length);
  for (const [i, entry] of COMMANDS.entries()) assert.equal(await entry.load(), ALL_COMMANDS[i], `${entry.name} is entry ${i} of all.ts`);
});

test('a lazily registered command has the same help and parse errors as with every command; root outputs unchanged', async () => {
  const full = await createProgram();
  const paths: string[][] = [];
  for (const command of full.commands) {
    paths.push([command.name()]);
    for (const sub of command.commands) paths.push([command.name(), sub.name()]);
  }
  assert.ok(paths.length >= 12, `${paths.length} command paths`);
  const cases: string[][] = [];
  for (const path of paths) {
    const command = path.reduce<Command>((c, name) => c.commands.find((s) => s.name() === name)!, full);
    const firstLong = command.options.map((o) => o.long).find((l) => l !== undefined && l.length > 5);
    cases.push(
      [...path, '--help'],
      [...path, '-h'],
      [...path, '--no-such-option'],
      // A near miss: commander suggests the option (the suggestion must survive lazy loading).
      ...(firstLong !== undefined ? [[...path, firstLong.slice(0, -1)]] : []),
      // A value-taking option without its value.
      ...command.options.filter((o) => o.required && o.long !== undefined).slice(0, 1).map((o) => [...path, o.long!]),
      // A stray argument, only where no positional argument is declared (else the action would run).
      ...(command.registeredArguments.length === 0 ? [[...path, 'stray-argument']] : []),
    );
  }
  const root = [['--help'], ['-h'], ['help'], ['help', 'simulate'], ['help', 'slurm'], ['--version'], ['-V'], ['simulat'], ['--bogus'], ['--bogus', 'simulate'], [], ['--version', 'simulate'], ['-V', '--bogus']];
  const results = runBoth([...cases, ...root]);
  assert.equal(results.length, cases.length + root.length);
  [...cases, ...root].forEach((args, i) => assert.deepEqual(results[i]!.lazy, results[i]!.full, `vsflow ${args.join(' ')}`));
  assert.ok(cases.length > 50, `${cases.length} command cases`);
  // The comparison sees real output: helps start with their usage line, errors are one line, exit 2.
  cases.forEach((args, i) => {
    const r = results[i]!.lazy;
    if (args.at(-1) === '--help') assert.ok(r.code === 0 && r.stdout.startsWith(`Usage: vsflow ${args.slice(0, -1).join(' ')} `), `help of ${args.join(' ')}: ${r.stdout.slice(0, 80)}`);
    // Nested sub-commands (`sweep merge`) too: one line, exit 2.
    else if (args.at(-1) === '--no-such-option') assert.ok(r.code === 2 && /^vsflow: --no-such-option: .*\n$/.test(r.stderr), `${args.join(' ')}: ${r.stderr}`);
  });
  const help = results[cases.length]!.lazy.stdout;
  for (const entry of COMMANDS) assert.match(help, new RegExp(`\\n  ${entry.name} `), `--help lists ${entry.name}`);
  assert.equal(results[cases.length + 5]!.lazy.stdout, `${VERSION}\n`);
  assert.match(results[cases.length + 7]!.lazy.stderr, /did you mean simulate/);
});
