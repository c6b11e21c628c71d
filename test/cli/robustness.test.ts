/**
 * The reliability reproductions that the option fuzz (fuzz.test.ts) does not reach: finished
 * sweep work is never dropped, stale worst-case files are removed on resume, broken training
 * checkpoints are one line, a malformed plot input is one line, a browser that does not start
 * leaves no files, and Ctrl-C on check / entropy / bounds writes what was computed with status
 * `interrupted` (exit 130). Spawned as a user would run them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url);
const MAIN = ['--import', 'tsx', 'src/cli/main.ts'];
const dir = mkdtempSync(join(tmpdir(), 'vsflow-robust-'));

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

test('sweep: a --count below the finished entries is refused and the file keeps them; stale worst-case files go', () => {
  const out = join(dir, 'sweep.json');
  const args = ['sweep', '--sizes', '2x3', '--losses', 'logistic', '--t-end', '100', '--workers', '0', '--out', out];
  const first = run([...args, '--count', '6']);
  assert.ok(first.code === 0 || first.code === 1, first.stderr);
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { entries: unknown[] }).entries.length, 6);
  const smaller = run([...args, '--count', '2']);
  oneLine(smaller, /^vsflow: --count: expected at least 6/);
  // The default count (100) is larger: that resumes. A smaller default would be refused the same way.
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { entries: unknown[] }).entries.length, 6, 'finished entries kept');
  // A worst case of an earlier run that is no longer the worst must not stay behind.
  const stale = join(`${out}.worst`, 'problem-999.json');
  writeFileSync(stale, '{}');
  const again = run([...args, '--count', '6']);
  assert.ok(again.code === 0 || again.code === 1, again.stderr);
  assert.equal(existsSync(stale), false, 'stale worst-case file removed');
  const worst = readdirSync(`${out}.worst`);
  const listed = new Set(Object.values((JSON.parse(readFileSync(out, 'utf8')) as { summary: Record<string, { worst: number[] }> }).summary).flatMap((s) => s.worst));
  assert.deepEqual(worst.map((f) => Number(/problem-(\d+)/.exec(f)![1])).sort(), [...listed].sort());
});

test('train: a truncated checkpoint, one without params, and --resume from a missing folder are one line, exit 2', () => {
  const ck = join(dir, 'ck');
  const base = ['train', '--task', 'induction', '--quick', '--attention', 'softmax', '--steps', '2', '--backend', 'cpu', '--checkpoint', ck];
  const first = run([...base, '--checkpoint-every', '1']);
  assert.equal(first.code, 0, first.stderr);
  const file = join(ck, readdirSync(ck).find((f) => f.endsWith('.json'))!);
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.slice(0, 300));
  // Same run configuration: checkpoints are keyed by a hash of the whole config (src/train/run-key.ts).
  oneLine(run([...base, '--resume']), /^vsflow: --resume: expected a complete vsflow training checkpoint.*not readable JSON/);
  const noParams = JSON.parse(good) as Record<string, unknown>;
  delete noParams.params;
  writeFileSync(file, JSON.stringify(noParams));
  oneLine(run([...base, '--resume']), /^vsflow: --resume: .*no weights/);
  oneLine(run([...base.slice(0, -1), join(dir, 'typo-dir'), '--resume']), /^vsflow: --checkpoint: expected an existing checkpoint folder/);
  oneLine(run([...base.slice(0, -1), file]), /^vsflow: --checkpoint: .*not a folder/);
});

test('plot: a result with missing fields, or invalid JSON, is one line naming RESULT', () => {
  const partial = join(dir, 'partial.json');
  writeFileSync(partial, JSON.stringify({ sim: 'entropy-histograms', claims: [], data: {} }));
  oneLine(run(['plot', partial, '--format', 'html', '--out', join(dir, 'p1')]), /^vsflow: RESULT: expected a complete entropy-histograms result/);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"records": [\n{"t": 1},\n');
  oneLine(run(['plot', broken, '--format', 'html', '--out', join(dir, 'p2')]), /^vsflow: RESULT: expected valid JSON/);
  assert.equal(existsSync(join(dir, 'p1')) || existsSync(join(dir, 'p2')), false);
});

test('reproduce: a browser that does not start (--chrome /bin/false) fails before any file is written', { skip: !existsSync('/bin/false') }, () => {
  const out = join(dir, 'rep');
  const r = run(['reproduce', '--quick', '--only', 'entropy-histograms', '--format', 'svg', '--chrome', '/bin/false', '--out', out]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(existsSync(out), false);
});

/** Starts the CLI, sends SIGINT after `ms`, resolves with its exit code. */
function interruptAfter(args: string[], ms: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('Ctrl-C on check, entropy and bounds writes what was computed with status interrupted, exit 130', async () => {
  const cases: [string, string[], (r: Record<string, unknown>) => void][] = [
    ['check', ['check', '--method', 'gd', '--t-end', '1e6', '--lr', '0.01', '--dim', '20', '--tokens', '20'], (r) => assert.equal((r.solver as { status: string }).status, 'interrupted')],
    ['entropy', ['entropy', '--trials', '100000000'], (r) => assert.ok((r.trialsDone as number) < 1e8 && (r.trialsDone as number) >= 2)],
    ['bounds', ['bounds', '--draws', '1000000'], (r) => assert.ok((r.drawsDone as number) < 1e6 && (r.drawsDone as number) >= 1)],
  ];
  for (const [name, args, more] of cases) {
    const out = join(dir, `${name}-interrupted.json`);
    const r = await interruptAfter([...args, '--out', out], 5000);
    assert.equal(r.code, 130, `${name}: ${r.stderr}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.equal(result.status, 'interrupted', name);
    more(result);
  }
});
