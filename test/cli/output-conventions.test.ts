/**
 * Output conventions shared by the commands: progress counters in one number style, `--json`
 * on train and reproduce (result on stdout, human lines on stderr), and list flags in the plural
 * with the old singular name kept as a hidden alias (`bounds --wv-scales`, `--wv-scale`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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

test('bounds: --wv-scales is the documented flag; the old --wv-scale still works, hidden from help', { concurrency: true }, async () => {
  const common = ['bounds', '--n', '4', '--d', '3', '--draws', '5', '--matrices', '20', '--fd-draws', '1', '--counterexamples', tmp, '--json'];
  const [a, b, help, bad] = await Promise.all([cli(...common, '--wv-scales', '1,3'), cli(...common, '--wv-scale', '1,3'), cli('bounds', '--help'), cli('bounds', '--wv-scales', '1,-2')]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(JSON.parse(a.stdout).config.wvScales, [1, 3]);
  assert.deepEqual(JSON.parse(b.stdout).config.wvScales, [1, 3]);
  assert.match(help.stdout, /--wv-scales <list>/);
  assert.doesNotMatch(help.stdout, /--wv-scale </);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^vsflow: --wv-scales\[1\]: expected/);
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

test('one help style for defaults: "(default X)" in the text, never commander\'s (default: "X")', { concurrency: true }, async () => {
  const commands = ['simulate', 'check', 'sweep', 'entropy', 'bounds', 'train', 'sim', 'plot', 'reproduce'];
  const helps = await Promise.all(commands.map((c) => cli(c, '--help')));
  helps.forEach((h, i) => {
    assert.equal(h.code, 0, h.stderr);
    assert.doesNotMatch(h.stdout, /\(default: "/, `${commands[i]} --help`);
    if (commands[i] !== 'plot') assert.match(h.stdout, /--json\b/, `${commands[i]} has --json`);
  });
});
