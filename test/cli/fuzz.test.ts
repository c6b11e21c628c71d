/**
 * CLI fuzz suite: for every command and every option — enumerated from the commander program
 * itself (`createProgram()`), so an option is fuzzed the day it is added — the classes of bad
 * value (empty, blank, non-numeric, NaN, ±Infinity, 1e400, fractions for integers, negative,
 * huge sizes, unknown choices, missing / directory / non-JSON input files, output paths that are
 * empty, folders, below a file, or on /proc, /sys, /dev), plus unknown options, missing values,
 * stray arguments and missing required options. Each case must: exit 2, print exactly one stderr
 * line `vsflow: …` naming the option, no stack trace, create no file, and finish in bounded time.
 *
 * The cases run in-process (`runCli`) in two child processes (test/cli/fuzz-runner.ts), each case
 * in a fresh empty working folder; a case that hangs is killed by a watchdog and reported. A
 * positive control (a valid run that must exit 0 and write its file) proves the harness sees
 * success and files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command, Option } from 'commander';
import { createProgram } from '../../src/cli/program.js';
import { INPUT_PATH_OPTIONS, outputKind } from '../../src/cli/output-paths.js';
import type { FuzzCase } from './fuzz-runner.js';

const ROOT = new URL('../../', import.meta.url);
const fx = mkdtempSync(join(tmpdir(), 'vsflow-fuzz-'));
const aFile = join(fx, 'plain.txt');
writeFileSync(aFile, 'not json\n');
const aDir = join(fx, 'folder');
mkdirSync(aDir);
const notJson = join(fx, 'broken.json');
writeFileSync(notJson, '{"loss": \n');
const result = join(fx, 'result.json');
writeFileSync(result, JSON.stringify({ config: {}, records: [{ t: 0, loss: 1 }, { t: 1, loss: 0.5 }] }));
const missing = join(fx, 'missing', 'nothing.json');

/** Placeholder → value class. A placeholder not listed fails the suite (classify it here). */
const PLACEHOLDERS: Record<string, 'integer' | 'number' | 'choice' | 'list' | 'save-at' | 'freeze' | 'workers' | 'executable' | 'path'> = {
  '<int>': 'integer',
  '<x>': 'number',
  '<GB>': 'number',
  '<name>': 'choice',
  '<id>': 'choice',
  '<e1|random>': 'choice',
  '<expr>': 'choice',
  '<style>': 'choice',
  '<w>': 'choice',
  '<name=value>': 'choice',
  '<K/N|env/N>': 'choice',
  '<list>': 'list',
  '<ids>': 'list',
  '<blocks>': 'freeze',
  '<spec>': 'save-at',
  '<int|auto>': 'workers',
  '<path>': 'executable',
  '<file>': 'path',
  '<file|dir>': 'path',
  '<dir>': 'path',
};

/** Numeric options where a negative value is meaningful (every other one must refuse -1). */
const NEGATIVE_OK = new Set(['--seed', '--until-loss']);
/** Sizes: 1e9 must be refused (with the memory estimate or the documented maximum). */
const SIZES = new Set(['--d', '--n', '--dim', '--tokens', '--samples', '--trials', '--draws', '--matrices', '--bins', '--queries', '--count', '--layers', '--width', '--batch-size', '--heads', '--fd-draws']);

/** Small valid settings per command, so a wrongly accepted value ends quickly. */
const BASE: Record<string, string[]> = {
  simulate: ['--t-end', '1', '--save-at', '0,1'],
  check: ['--t-end', '1', '--dim', '2', '--tokens', '2'],
  sweep: ['--count', '1', '--sizes', '2x2', '--losses', 'logistic', '--t-end', '1', '--workers', '0'],
  sim: ['entropy-histograms', '--quick', '--format', 'html'],
  entropy: ['--trials', '2', '--sigmas', '1', '--kinds', 'softmax', '--tokens', '2', '--dim', '1'],
  bounds: ['--draws', '1', '--matrices', '1', '--fd-draws', '0', '--tokens', '2', '--dim', '1', '--wv-scales', '1'],
  plot: [result, '--format', 'html'],
  reproduce: ['--quick', '--only', 'entropy-histograms', '--format', 'html'],
  train: ['--task', 'induction', '--quick', '--steps', '1', '--backend', 'cpu'],
};

/** Base arguments without `flag` (and its value). */
function baseWithout(command: string, flag: string): string[] {
  const base = BASE[command] ?? [];
  const out: string[] = [];
  for (let i = 0; i < base.length; i++) {
    if (base[i] === flag) {
      i++;
      continue;
    }
    out.push(base[i]!);
  }
  return out;
}

function placeholderOf(option: Option): string | undefined {
  return /<[^>]+>/.exec(option.flags)?.[0];
}

/** The bad values of one option: [label, value, paths that must not appear]. */
function badValues(option: Option): [string, string, string[]][] {
  const ph = placeholderOf(option)!;
  const flag = option.long!;
  const kind = PLACEHOLDERS[ph]!;
  const v: [string, string, string[]][] = [
    ['empty', '', []],
    ['blank', '   ', []],
  ];
  if (kind === 'integer' || kind === 'number' || kind === 'workers') {
    v.push(['non-numeric', 'abc', []], ['NaN', 'NaN', []], ['Infinity', 'Infinity', []], ['-Infinity', '-Infinity', []], ['1e400', '1e400', []], ['trailing junk', '1x', []]);
    if (kind !== 'number') v.push(['fraction', '1.5', []]);
    if (!NEGATIVE_OK.has(flag)) v.push(['negative', '-1', []]);
    if (SIZES.has(flag)) v.push(['huge', '1e9', []]);
  }
  if (kind === 'choice') v.push(['unknown choice', 'no-such-choice', []], ['NaN', 'NaN', []]);
  if (kind === 'list') v.push(['unknown entry', 'no-such-entry', []], ['only commas', ',,', []], ['NaN entries', 'NaN,1e400', []]);
  if (kind === 'freeze') v.push(['unknown block', 'X', []], ['empty entry', 'V,,a', []]);
  if (kind === 'save-at') v.push(['non-numeric', 'abc', []], ['log without fields', 'log:', []], ['decreasing log', 'log:1:0.5:10', []], ['NaN', 'NaN', []], ['huge count', 'log:1e-3:1:1e9', []]);
  if (kind === 'executable') v.push(['missing file', missing, []], ['directory', aDir, []]);
  if (kind === 'path' && INPUT_PATH_OPTIONS.includes(flag)) v.push(['missing file', missing, []], ['directory', aDir, []], ['not JSON', notJson, []], ['not a problem', aFile, []]);
  const out = outputKind(option);
  if (out === 'file') v.push(['a folder', aDir, []], ['below a file', join(aFile, 'x.json'), [join(aFile, 'x.json')]]);
  if (out === 'dir') v.push(['a file', aFile, []], ['below a file', join(aFile, 'sub'), []]);
  if (out !== undefined) v.push(['under /proc (hangs mkdir)', '/proc/vsflow-fuzz/x/y.json', []], ['under /sys', '/sys/vsflow-fuzz/x.json', []], ['under /dev', '/dev/vsflow-fuzz.json', []]);
  return v;
}

interface Planned extends FuzzCase {
  readonly id: string;
  /** Text the stderr line must contain. */
  readonly names: string;
}

function plan(program: Command): { cases: Planned[]; unclassified: string[] } {
  const cases: Planned[] = [];
  const unclassified: string[] = [];
  for (const cmd of program.commands) {
    const name = cmd.name();
    const add = (id: string, args: string[], names: string, mustNotExist: string[] = []): void => void cases.push({ id: `${name} ${id}`, args: [name, ...args], names, mustNotExist });
    add('unknown option', [...(BASE[name] ?? []), '--no-such-option'], '--no-such-option');
    for (const option of cmd.options) {
      const flag = option.long!;
      const ph = placeholderOf(option);
      if (ph === undefined) {
        // A boolean flag given a value: the value is a stray argument.
        if (!option.negate) add(`${flag} yes`, [...baseWithout(name, flag), flag, 'stray-value'], 'stray-value');
        continue;
      }
      if (PLACEHOLDERS[ph] === undefined) {
        unclassified.push(`${name} ${option.flags}`);
        continue;
      }
      add(`${flag} without its value`, [...baseWithout(name, flag), flag], flag);
      for (const [label, value, paths] of badValues(option)) add(`${flag} ${label} (${JSON.stringify(value)})`, [...baseWithout(name, flag), flag, value], flag, paths);
    }
    for (const option of cmd.options.filter((o) => o.mandatory)) add(`without required ${option.long}`, baseWithout(name, option.long!), option.long!);
  }
  // Positional arguments.
  const plotArgs = ['--format', 'html'];
  cases.push(
    { id: 'plot without RESULT', args: ['plot', ...plotArgs], names: 'result', mustNotExist: [] },
    { id: 'plot missing RESULT', args: ['plot', missing, ...plotArgs], names: 'RESULT', mustNotExist: [] },
    { id: 'plot RESULT a folder', args: ['plot', aDir, ...plotArgs], names: 'RESULT', mustNotExist: [] },
    { id: 'plot RESULT not JSON', args: ['plot', notJson, ...plotArgs], names: 'RESULT', mustNotExist: [] },
    { id: 'plot RESULT not a result', args: ['plot', aFile, ...plotArgs], names: 'RESULT', mustNotExist: [] },
    { id: 'sim unknown id', args: ['sim', 'no-such-sim', '--quick'], names: '<id>', mustNotExist: [] },
    { id: 'unknown command', args: ['no-such-command'], names: 'no-such-command', mustNotExist: [] },
  );
  return { cases, unclassified };
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  files: string[];
  ms: number;
  crash?: string;
  hung?: boolean;
}

/**
 * Per-case wall-clock bound (in-process, modules preloaded: validation must fail fast; measured
 * under 100 ms per case on a quiet machine, the slack is for a loaded 2-core CI box).
 */
const CASE_MS = 5000;
/** The watchdog: a case still running after this is killed and reported as hung. */
const WATCHDOG_MS = 20_000;

/** Runs cases [from, to) in child processes, restarting after a hang or a crash. */
function runChunk(casesFile: string, all: readonly Planned[], from: number, to: number, outcomes: Map<number, Outcome>): Promise<void> {
  return new Promise((resolve) => {
    const startAt = (first: number): void => {
      if (first >= to) return resolve();
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/cli/fuzz-runner.ts', casesFile, String(first), String(to)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let current = first;
      let timer: NodeJS.Timeout | undefined;
      let errText = '';
      child.stderr.on('data', (d: Buffer) => void (errText = (errText + d.toString()).slice(-4000)));
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        let msg: { start?: number; done?: number } & Outcome;
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          return;
        }
        if (msg.start !== undefined) {
          current = msg.start;
          clearTimeout(timer);
          timer = setTimeout(() => {
            outcomes.set(current, { code: null, stdout: '', stderr: '', files: [], ms: WATCHDOG_MS, hung: true });
            child.kill('SIGKILL');
          }, WATCHDOG_MS);
        } else if (msg.done !== undefined) {
          clearTimeout(timer);
          outcomes.set(msg.done, msg);
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        if (!outcomes.has(current) && current < to) outcomes.set(current, { code: null, stdout: '', stderr: errText, files: [], ms: 0, crash: `the process died: ${errText.split('\n').slice(-5).join(' | ')}` });
        const next = [...Array(to - first).keys()].map((k) => k + first).find((k) => !outcomes.has(k));
        if (next === undefined) resolve();
        else startAt(next);
      });
    };
    startAt(from);
  });
}

/** Why an outcome breaks the promise, or undefined when it keeps it. */
function problems(c: Planned, o: Outcome): string[] {
  const p: string[] = [];
  if (o.hung) return [`hung (killed after ${WATCHDOG_MS} ms)`];
  if (o.crash) p.push(`crashed: ${o.crash.split('\n').slice(0, 3).join(' | ')}`);
  if (o.code !== 2) p.push(`exit ${o.code}`);
  const lines = o.stderr.replace(/\n$/, '').split('\n');
  if (lines.length !== 1 || lines[0] === '') p.push(`${lines.length} stderr lines`);
  if (!o.stderr.startsWith('vsflow: ')) p.push('stderr does not start with "vsflow: "');
  if (!o.stderr.includes(c.names)) p.push(`stderr does not name ${c.names}`);
  if (/\n\s+at .+:\d+:\d+/.test(o.stderr) || /^\w*Error\b/m.test(o.stderr)) p.push('stack trace');
  if (o.files.length > 0) p.push(`created ${o.files.slice(0, 3).join(', ')}`);
  if (o.ms > CASE_MS) p.push(`took ${o.ms.toFixed(0)} ms`);
  return p.length > 0 ? [...p, `stderr: ${JSON.stringify(o.stderr.slice(0, 300))}`] : [];
}

const program = await createProgram();
const { cases, unclassified } = plan(program);
const control: Planned = { id: 'control: a valid entropy run', args: ['entropy', ...BASE.entropy!, '--out', join(fx, 'control.json')], names: '', mustNotExist: [join(fx, 'control.json')] };
const all = [...cases, control];
const casesFile = join(fx, 'cases.json');
writeFileSync(casesFile, JSON.stringify(all));
const outcomes = new Map<number, Outcome>();
const half = Math.ceil(all.length / 2);
const finished = Promise.all([runChunk(casesFile, all, 0, half, outcomes), runChunk(casesFile, all, half, all.length, outcomes)]);

test('every option has a known placeholder (so its bad values are known)', () => {
  assert.deepEqual(unclassified, [], 'classify these placeholders in PLACEHOLDERS');
  assert.ok(program.commands.length >= 9, 'all nine commands enumerated');
  assert.ok(cases.length > 300, `${cases.length} cases`);
});

test('positive control: a valid run exits 0 and writes its file (the harness sees success and files)', async () => {
  await finished;
  const o = outcomes.get(all.length - 1)!;
  assert.equal(o.code, 0, o.stderr);
  assert.ok(o.files.includes(join(fx, 'control.json')), `files: ${o.files.join(', ')}`);
});

for (const cmd of program.commands) {
  const name = cmd.name();
  test(`${name}: every bad value and parse error exits 2 with one line naming the option, no trace, no file, bounded time`, async () => {
    await finished;
    const bad: string[] = [];
    let count = 0;
    cases.forEach((c, i) => {
      if (c.args[0] !== name) return;
      count++;
      const p = problems(c, outcomes.get(i)!);
      if (p.length > 0) bad.push(`${c.id}: ${p.join('; ')}`);
    });
    assert.ok(count > 0);
    assert.deepEqual(bad, [], `${bad.length} of ${count} cases break the promise:\n${bad.join('\n')}`);
  });
}

test('unknown commands', async () => {
  await finished;
  const names = new Set(program.commands.map((c) => c.name()));
  const bad: string[] = [];
  cases.forEach((c, i) => {
    if (names.has(c.args[0]!)) return;
    const p = problems(c, outcomes.get(i)!);
    if (p.length > 0) bad.push(`${c.id}: ${p.join('; ')}`);
  });
  assert.deepEqual(bad, []);
});
