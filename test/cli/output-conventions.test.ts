/**
 * Output conventions shared by the commands (docs/guide.md, "Conventions"): progress counters in
 * one number style, `--json` on every command (result on stdout, human lines on stderr), one
 * help style, renamed flags kept as hidden aliases with one deprecation line, and `--scale` as
 * the run scale everywhere (`--png-scale` for the PNG pixel ratio).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatCount } from '../../src/cli/progress.js';
import { listSims } from '../../sims/registry.js';

const run = promisify(execFile);
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { timeout: 180_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
const tmp = mkdtempSync(join(tmpdir(), 'vsflow-conv-'));

test('progress counters: integers as integers, others to 4 significant digits without trailing zeros', () => {
  assert.equal(`${formatCount(20)}/${formatCount(800)}`, '20/800', 'was 20.00/800.0');
  assert.equal(formatCount(3.14159), '3.142');
  assert.equal(formatCount(2.5), '2.5');
  assert.equal(formatCount(1e5), '100000');
  assert.equal(formatCount(0.000123456), '0.0001235');
});

test('renamed flags: the old names still work as hidden aliases with one deprecation line; errors name the flag as typed', { concurrency: true }, async () => {
  const common = ['bounds', '--draws', '5', '--matrices', '20', '--fd-draws', '1', '--counterexamples', tmp, '--json'];
  const [a, b, help, bad, both, badNew] = await Promise.all([
    cli(...common, '--tokens', '4', '--dim', '3', '--wv-scales', '1,3'),
    cli(...common, '--n', '4', '--d', '3', '--wv-scale', '1,3'),
    cli('bounds', '--help'),
    cli('bounds', '--wv-scale', '1,-2'),
    cli('bounds', '--n', '4', '--tokens', '5'),
    cli('bounds', '--wv-scales', '1,-2'),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stderr, '', 'no warning with the current names');
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(JSON.parse(b.stdout).config, JSON.parse(a.stdout).config, 'the alias sets the same option');
  assert.deepEqual(JSON.parse(b.stdout).config.wvScales, [1, 3]);
  assert.equal(JSON.parse(b.stdout).config.n, 4);
  assert.match(b.stderr, /^vsflow: warning: --n is deprecated, use --tokens; --d is deprecated, use --dim; --wv-scale is deprecated, use --wv-scales \(the old names will be removed in a later version\)\n$/);
  assert.match(help.stdout, /--tokens <int>/);
  assert.match(help.stdout, /--wv-scales <list>/);
  assert.doesNotMatch(help.stdout, /--wv-scale <|--n <|--d </, 'aliases are hidden');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^vsflow: --wv-scale\[1\]: expected .* \(--wv-scale is deprecated, use --wv-scales\)\n$/, 'one line, naming the flag as typed');
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^vsflow: --n: expected either --n \(the old name\) or --tokens, not both/);
  assert.match(badNew.stderr, /^vsflow: --wv-scales\[1\]: expected [^(]*\n$/, 'no note without an alias');
});

test('every renamed flag is accepted under its old name (sweep --init-scales, train --width, simulate/check/entropy --n/--d)', { concurrency: true }, async () => {
  const [sweep, simulate, train] = await Promise.all([
    cli('sweep', '--count', '2', '--sizes', '2x2', '--init-scales', '0.5', '--losses', 'square', '--t-end', '10', '--workers', '0', '--out', join(tmp, 'sweep.json'), '--json'),
    cli('simulate', '--d', '2', '--n', '3', '--t-end', '1', '--save-at', '0,1', '--json'),
    cli('train', '--task', 'classification', '--quick', '--width', '16', '--dry-run'),
  ]);
  assert.equal(sweep.code, 0, sweep.stderr);
  assert.deepEqual(JSON.parse(sweep.stdout).config.initScales, [0.5]);
  assert.match(sweep.stderr, /--init-scales is deprecated, use --v-scales/);
  assert.equal(simulate.code, 0, simulate.stderr);
  assert.equal(JSON.parse(simulate.stdout).config.problem.V.length, 2);
  assert.match(simulate.stderr, /--d is deprecated, use --dim; --n is deprecated, use --tokens/);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stderr, /--width is deprecated, use --dim/);
});

test('--scale is the run scale everywhere; a number there is refused with one line naming --png-scale', { concurrency: true }, async () => {
  const [sim, reproduce, plot, check] = await Promise.all([
    cli('sim', 'entropy-histograms', '--scale', '3'),
    cli('reproduce', '--scale', '2', '--out', join(tmp, 'no-rep')),
    cli('plot', join(tmp, 'none.json'), '--scale', '2'),
    cli('check', '--quick', '--dim', '2', '--tokens', '2', '--t-end', '10', '--json'),
  ]);
  for (const r of [sim, reproduce, plot]) {
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^vsflow: --scale: expected [^\n]*--png-scale[^\n]*\n$/);
  }
  assert.equal(check.code === 0 || check.code === 1, true, check.stderr);
  assert.equal(JSON.parse(check.stdout).config.tEnd, 10, 'check --quick is accepted and keeps the run');
});

test('plot --json: the written figures as JSON on stdout', async () => {
  const file = join(tmp, 'sim.json');
  const s = await cli('simulate', '--dim', '2', '--tokens', '3', '--t-end', '10', '--out', file);
  assert.equal(s.code, 0, s.stderr);
  const r = await cli('plot', file, '--format', 'html', '--out', join(tmp, 'figs'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { result: string; out: string; figures: { name: string; files: { html?: string } }[] };
  assert.equal(out.result, file);
  assert.ok(out.figures.length > 0);
  for (const f of out.figures) assert.ok(f.files.html !== undefined && existsSync(f.files.html), f.name);
});

test('reproduce --json: report.json on stdout, the summary on stderr', async () => {
  const sim = (await listSims()).find((s) => s.heavy !== true)!;
  const r = await cli('reproduce', '--quick', '--only', sim.id, '--format', 'html', '--out', join(tmp, 'rep'), '--json');
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const report = JSON.parse(r.stdout) as { entries: { id: string }[]; quick: boolean };
  assert.deepEqual(report.entries.map((e) => e.id), [sim.id]);
  assert.equal(report.quick, true);
  assert.match(r.stderr, /\d+ claims: \d+ pass, \d+ fail, \d+ inconclusive/);
});

test('train --json: the full result on stdout, the table on stderr', async () => {
  const r = await cli('train', '--task', 'classification', '--quick', '--steps', '2', '--backend', 'cpu', '--attention', 'softmax', '--json');
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { task: string; runs: { stepsDone: number }[] };
  assert.equal(result.task, 'classification');
  assert.equal(result.runs[0]!.stepsDone, 2);
  assert.match(r.stderr, /^run\s+variant\s+seed/m);
});

test('one help style: "(default X)" in the text, never "(default: …)" nor commander\'s (default: "X"); --json on every command; one placeholder per kind', { concurrency: true }, async () => {
  const commands = ['simulate', 'check', 'sweep', 'sweep merge', 'entropy', 'bounds', 'train', 'train merge', 'sim', 'plot', 'reproduce', 'slurm sweep', 'slurm train'];
  const helps = await Promise.all(commands.map((c) => cli(...c.split(' '), '--help')));
  helps.forEach((h, i) => {
    assert.equal(h.code, 0, h.stderr);
    assert.doesNotMatch(h.stdout, /\(default: /, `${commands[i]} --help`);
    assert.match(h.stdout, /--json\b/, `${commands[i]} has --json`);
    assert.doesNotMatch(h.stdout, /<(n|i|num|N|s|t|E|P|L)>|<n\|auto>/, `${commands[i]}: integers are <int>, reals <x>`);
  });
});
