// `vsflow sim`, `vsflow plot`, `vsflow reproduce`: the CLI end to end (spawned), and the
// reproduce engine in process with demo sims (caching, exit codes, errors, no-browser mode).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reproduce, type ReproduceOptions } from '../../src/cli/commands/reproduce.js';
import { createProgress, planFormatsWith } from '../../src/cli/io.js';
import { cacheKey } from '../../src/cli/sim-output.js';
import type { SimDefinition } from '../../sims/types.js';
import { listSims } from '../../sims/registry.js';
import { demoSim } from '../plot/demo-sim.js';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'vsflow-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** One line on stderr starting `vsflow: <option>:` (the user-error contract). */
function assertUserError(r: { code: number; stderr: string }, option: string): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.startsWith(`vsflow: ${option}`), lines[0]);
}

function options(out: string, over: Partial<ReproduceOptions> = {}): ReproduceOptions {
  return { quick: true, only: undefined, training: false, out, force: false, plan: planFormatsWith('html', undefined), chrome: undefined, standalone: false, scale: 1, seed: undefined, command: 'vsflow reproduce --quick', ...over };
}

const quiet = () => createProgress(1, true);

test('vsflow sim --list, and user errors for a missing or unknown id', async () => {
  const [list, unknown, missing] = await Promise.all([cli('sim', '--list'), cli('sim', 'no-such-sim'), cli('sim')]);
  assert.equal(list.code, 0, list.stderr);
  const sims = await listSims();
  if (sims.length === 0) assert.match(list.stdout, /no sims found/);
  for (const s of sims) assert.ok(list.stdout.includes(s.id), `${s.id} listed`);
  assertUserError(unknown, '<id>');
  assertUserError(missing, '<id>');
});

test('vsflow plot draws a simulate-shaped result; unrecognisable or missing files are one-line errors', async () => {
  const records = [0, 0.01, 0.1, 1, 10, 100, 1000].map((t) => ({ t, loss: 1 / (1 + t), entropy: Math.log(3) / (1 + t), maxProb: 1 - 0.5 / (1 + t), a: [t, 0, -t] }));
  const file = join(tmp, 'simulate.json');
  writeFileSync(file, JSON.stringify({ config: { tEnd: 1000 }, meta: { seed: 1 }, records }));
  writeFileSync(join(tmp, 'other.json'), JSON.stringify({ hello: 'world' }));
  writeFileSync(join(tmp, 'broken.json'), '{ not json');
  writeFileSync(join(tmp, 'unknown-sim.json'), JSON.stringify({ sim: 'no-such-sim', config: {}, meta: {}, data: {}, claims: [] }));
  const out = join(tmp, 'plot-out');
  const [ok, other, broken, absent, badFormat, unknownSim] = await Promise.all([
    cli('plot', file, '--format', 'html', '--out', out),
    cli('plot', join(tmp, 'other.json'), '--format', 'html', '--out', join(tmp, 'no1')),
    cli('plot', join(tmp, 'broken.json'), '--out', join(tmp, 'no2')),
    cli('plot', join(tmp, 'absent.json'), '--out', join(tmp, 'no3')),
    cli('plot', file, '--format', 'html,gif', '--out', join(tmp, 'no4')),
    cli('plot', join(tmp, 'unknown-sim.json'), '--format', 'html', '--out', join(tmp, 'no5')),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const files = readdirSync(out).sort();
  for (const stem of ['loss-vs-t', 'entropy-vs-t', 'max-prob-vs-t', 'a-vs-t']) {
    for (const ext of ['html', 'json', 'meta.json']) assert.ok(files.includes(`${stem}.${ext}`), `${stem}.${ext}`);
  }
  assert.ok(files.includes('plotly.min.js'));
  const meta = JSON.parse(readFileSync(join(out, 'loss-vs-t.meta.json'), 'utf8'));
  assert.deepEqual(meta.config, { tEnd: 1000 });
  assert.equal(meta.command, `vsflow plot ${file}`);
  assertUserError(other, 'RESULT');
  assertUserError(broken, 'RESULT');
  assertUserError(absent, 'RESULT');
  assertUserError(badFormat, '--format[1]');
  assertUserError(unknownSim, 'RESULT.sim');
  for (const k of [1, 2, 3, 4, 5]) assert.ok(!existsSync(join(tmp, `no${k}`)), `no output folder no${k} after an error`);
});

test('vsflow reproduce: bad options are one-line errors naming the option', async () => {
  const cases: [string[], string][] = [
    [['--only', 'no-such-sim'], '--only[0]'],
    [['--only', ','], '--only'],
    [['--seed', '-1'], '--seed'],
    [['--seed', '1.5'], '--seed'],
    [['--seed', 'abc'], '--seed'],
    [['--scale', '0'], '--scale'],
    [['--png-scale', '0'], '--png-scale'],
    [['--format', 'gif'], '--format[0]'],
  ];
  const results = await Promise.all(cases.map(([args]) => cli('reproduce', '--quick', '--out', join(tmp, 'bad-reproduce'), ...args)));
  results.forEach((r, i) => assertUserError(r, cases[i]![1]));
  assert.ok(!existsSync(join(tmp, 'bad-reproduce', 'index.html')));
});

test('reproduce caches results: same inputs reuse them, --force and changed inputs recompute', async () => {
  const out = join(tmp, 'cache');
  const runs = { count: 0 };
  const sims: SimDefinition[] = [demoSim({ runs })];
  const first = await reproduce(sims, options(out), quiet());
  assert.equal(first.exitCode, 0);
  assert.equal(runs.count, 1);
  const saved = JSON.parse(readFileSync(join(out, 'demo-decay', 'result.json'), 'utf8'));
  assert.equal(saved.cache.key, cacheKey('demo-decay', true, undefined).key);
  assert.equal(saved.sim, 'demo-decay');

  const second = await reproduce(sims, options(out), quiet());
  assert.equal(runs.count, 1, 'cached: not re-run');
  assert.equal(second.data.entries[0]!.cached, true);
  assert.deepEqual(second.data.entries[0]!.claims, first.data.entries[0]!.claims);

  await reproduce(sims, options(out, { force: true }), quiet());
  assert.equal(runs.count, 2, '--force re-runs');
  await reproduce(sims, options(out, { seed: 7 }), quiet());
  assert.equal(runs.count, 3, 'another seed is another input');
  await reproduce(sims, options(out, { seed: 7, quick: false }), quiet());
  assert.equal(runs.count, 4, 'full vs quick is another input');
  // A deleted figure is rewritten from the cached result without re-running.
  rmSync(join(out, 'demo-decay', 'loss.html'));
  await reproduce(sims, options(out, { seed: 7, quick: false }), quiet());
  assert.equal(runs.count, 4);
  assert.ok(existsSync(join(out, 'demo-decay', 'loss.html')));
  // A damaged cache file is recomputed, not trusted.
  writeFileSync(join(out, 'demo-decay', 'result.json'), '{ damaged');
  await reproduce(sims, options(out, { seed: 7, quick: false }), quiet());
  assert.equal(runs.count, 5);
  // The cache key changes with each input.
  const keys = new Set([cacheKey('a', true, undefined, 'h').key, cacheKey('b', true, undefined, 'h').key, cacheKey('a', false, undefined, 'h').key, cacheKey('a', true, 1, 'h').key, cacheKey('a', true, undefined, 'h2').key]);
  assert.equal(keys.size, 5);
});

test('reproduce: a failing claim or a throwing sim gives exit code 1 and the report is still written', async () => {
  const out = join(tmp, 'fail');
  const throwing: SimDefinition = { ...demoSim({ id: 'demo-throws' }), run: async () => { throw new Error('numerical trouble'); } };
  const { data, exitCode } = await reproduce([demoSim(), demoSim({ id: 'demo-fail', failing: true }), throwing], options(out), quiet());
  assert.equal(exitCode, 1);
  assert.deepEqual(data.entries.map((e) => [e.id, e.claims.map((c) => c.pass), e.error]), [
    ['demo-decay', [true], undefined],
    ['demo-fail', [false], undefined],
    ['demo-throws', [], 'numerical trouble'],
  ]);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.ok(html.includes('2 claims: 1 pass, 1 fail, 0 inconclusive, 1 sim(s) failed to run'));
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).counts, { claims: 2, passed: 1, failed: 1, inconclusive: 0, errors: 1 });
  assert.ok(html.includes('vsflow sim demo-fail --quick'));
  assert.ok(existsSync(join(out, 'gallery.html')));
  assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).entries.length, 3);
  // --only picks a subset.
  const only = await reproduce([demoSim(), demoSim({ id: 'demo-fail', failing: true })], options(join(tmp, 'only'), { only: ['demo-decay'] }), quiet());
  assert.deepEqual(only.data.entries.map((e) => e.id), ['demo-decay']);
  assert.equal(only.exitCode, 0);
  // An inconclusive claim is reported as such and does not fail the run.
  const open = await reproduce([demoSim({ id: 'demo-open', inconclusive: true })], options(join(tmp, 'open')), quiet());
  assert.equal(open.exitCode, 0);
  assert.deepEqual(open.data.counts, { claims: 2, passed: 1, failed: 0, inconclusive: 1, errors: 0 });
  assert.ok(readFileSync(join(tmp, 'open', 'index.html'), 'utf8').includes('badge inconclusive">INCONCLUSIVE'));
});

test('without Chromium: HTML only, with a warning line in the report', async () => {
  const plan = planFormatsWith(undefined, undefined);
  assert.deepEqual(plan.formats, ['html']);
  assert.match(plan.warning!, /Chromium not found.*apt-get install -y chromium fonts-liberation/);
  assert.deepEqual(planFormatsWith(undefined, '/usr/bin/chromium').formats, ['html', 'svg']);
  assert.deepEqual(planFormatsWith('png,png,pdf', undefined).formats, ['png', 'pdf']);
  const out = join(tmp, 'no-browser');
  const { data } = await reproduce([demoSim()], options(out, { plan }), quiet());
  assert.deepEqual(data.notes, [plan.warning]);
  const files = readdirSync(join(out, 'demo-decay'));
  assert.ok(files.includes('loss.html') && !files.some((f) => f.endsWith('.svg')));
  assert.ok(readFileSync(join(out, 'index.html'), 'utf8').includes('<iframe src="demo-decay/loss.html"'));
});

test('real sims: each registered sim has a well-formed definition; the first runs through vsflow reproduce --quick', async () => {
  const sims = await listSims();
  if (sims.length === 0) return; // nothing registered yet; the demo sims above cover the machinery
  for (const s of sims) {
    assert.match(s.id, /^[a-z0-9][a-z0-9-]*$/, `id ${s.id}`);
    assert.ok(['polarization', 'lipschitz', 'eureka'].includes(s.paper), `${s.id} paper ${s.paper}`);
    assert.ok(s.title && s.reproduces, `${s.id} has a title and says what it reproduces`);
  }
  const out = join(tmp, 'real');
  const r = await cli('reproduce', '--quick', '--only', sims[0]!.id, '--format', 'html', '--out', out);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.ok(existsSync(join(out, 'index.html')));
  assert.ok(existsSync(join(out, sims[0]!.id, 'result.json')));
  // vsflow plot rebuilds the figures of a saved sim result through the sim's own builders.
  const p = await cli('plot', join(out, sims[0]!.id, 'result.json'), '--format', 'html', '--out', join(tmp, 'real-plot'));
  assert.equal(p.code, 0, p.stderr);
  assert.ok(readdirSync(join(tmp, 'real-plot')).some((f) => f.endsWith('.html') && f !== 'plotly.min.js'));
});

test('reproduce skips heavy (training) sims unless --training or --only names them', async () => {
  const heavy = { ...demoSim({ id: 'demo-heavy' }), heavy: true };
  const base = join(tmp, 'heavy');
  const skipped = await reproduce([demoSim(), heavy], options(join(base, 'a')), quiet());
  assert.deepEqual(skipped.data.entries.map((e) => e.id), ['demo-decay']);
  assert.ok(skipped.data.notes.some((n) => n.includes('demo-heavy') && n.includes('--training')), 'the report says what was skipped and how to run it');
  const withTraining = await reproduce([demoSim(), heavy], options(join(base, 'b'), { training: true }), quiet());
  assert.deepEqual(withTraining.data.entries.map((e) => e.id).sort(), ['demo-decay', 'demo-heavy']);
  const named = await reproduce([demoSim(), heavy], options(join(base, 'c'), { only: ['demo-heavy'] }), quiet());
  assert.deepEqual(named.data.entries.map((e) => e.id), ['demo-heavy']);
});
