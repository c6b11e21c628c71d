/**
 * `vsflow slurm sweep|train`: the printed script is valid bash and, run against a stand-in
 * `sbatch` on PATH (records its arguments and the job script from stdin, prints a job id), submits
 * the array `--array=0-(N-1)` with `--signal=B:INT@60`, a shard command that `exec`s vsflow with
 * an explicit N, and a merge job `--dependency=afterok:<array id>` with `--kill-on-invalid-dep=yes`;
 * ARRAY=2,5 resubmits only those indices. Bad input exits 2 with one line and prints no script.
 * The real Slurm run is test/slurm/e2e.sh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Runs `script` with a fake sbatch; returns each call's argv and stdin. */
function submitWithFakeSbatch(script: string, env: Record<string, string> = {}): { calls: { args: string[]; stdin: string }[]; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vsflow-fake-sbatch-'));
  try {
    const log = join(dir, 'calls.jsonl');
    writeFileSync(
      join(dir, 'sbatch'),
      `#!/usr/bin/env bash\nn=$(( $(cat "${log}" 2>/dev/null | wc -l) + 1 ))\nnode -e 'const fs=require("fs");fs.appendFileSync(process.argv[1], JSON.stringify({args:process.argv.slice(2), stdin:fs.readFileSync(0,"utf8")})+"\\n")' "${log}" "$@"\necho "$((100 + n));cluster"\n`,
    );
    chmodSync(join(dir, 'sbatch'), 0o755);
    writeFileSync(join(dir, 'submit.sh'), script);
    const r = spawnSync('bash', [join(dir, 'submit.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...env } });
    assert.equal(r.status, 0, r.stderr);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[]; stdin: string });
    return { calls, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('slurm sweep: array + dependent merge, signal and exec, explicit N, ARRAY resubmits', () => {
  const out = join(tmpdir(), 'vsflow-slurm-test-out');
  const r = run(['slurm', 'sweep', '--count', '40', '--sizes', '2x2', '--shards', '4', '--out', out, '--time', '00:10:00', '--cpus-per-task', '2', '--partition', 'short', '--sbatch-arg=--qos=low']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(spawnSync('bash', ['-n'], { input: r.stdout }).status, 0, 'valid bash');
  try {
    const { calls, stdout } = submitWithFakeSbatch(r.stdout);
    assert.equal(calls.length, 2);
    const [shards, merge] = calls as [{ args: string[]; stdin: string }, { args: string[]; stdin: string }];
    for (const a of ['--array=0-3', '--signal=B:INT@60', '--time=00:10:00', '--cpus-per-task=2', '--partition=short', '--qos=low', '--parsable']) assert.ok(shards.args.includes(a), `${a} in ${shards.args.join(' ')}`);
    assert.match(shards.stdin, /^exec .* sweep --count 40 --sizes 2x2 .*--workers auto --shard "\$\{SLURM_ARRAY_TASK_ID\}\/4" --out \S+$/m);
    for (const a of ['--dependency=afterok:101', '--kill-on-invalid-dep=yes', '--partition=short']) assert.ok(merge.args.includes(a), `${a} in ${merge.args.join(' ')}`);
    assert.match(merge.stdin, new RegExp(`^exec .* sweep merge ${out.replace(/[/.]/g, '\\$&')}$`, 'm'));
    assert.match(stdout, /as job 101 and the merge as job 102/);
    const again = submitWithFakeSbatch(r.stdout, { ARRAY: '2,5' });
    assert.ok(again.calls[0]!.args.includes('--array=2,5'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('slurm train: the shard command carries the whole grid and --shard with explicit N', () => {
  const out = join(tmpdir(), 'vsflow-slurm-train-out');
  const r = run(['slurm', 'train', '--task', 'classification', '--quick', '--attention', 'softmax,sigmoid', '--lr', '1e-3,2e-3', '--seeds', '0,1,2', '--shards', '3', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  try {
    const { calls } = submitWithFakeSbatch(r.stdout);
    assert.match(calls[0]!.stdin, /^exec .* train --task classification --attention softmax,sigmoid --seeds 0,1,2 --quick --lr 0\.001,0\.002 --shard "\$\{SLURM_ARRAY_TASK_ID\}\/3" --out \S+$/m);
    assert.ok(calls[0]!.args.includes('--array=0-2'));
    assert.match(calls[1]!.stdin, /train merge /);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('slurm: bad input exits 2 with one line naming the option, and prints no script', () => {
  const cases: [string[], RegExp][] = [
    [['slurm', 'sweep', '--out', 'x'], /^vsflow: --shards/],
    [['slurm', 'sweep', '--shards', '0', '--out', 'x'], /^vsflow: --shards/],
    [['slurm', 'sweep', '--shards', '2'], /^vsflow: --out/],
    [['slurm', 'sweep', '--shards', '2', '--out', 'x', '--time', 'soon'], /^vsflow: --time/],
    [['slurm', 'sweep', '--shards', '2', '--out', 'x', '--partition', 'a b'], /^vsflow: --partition/],
    [['slurm', 'sweep', '--shards', '2', '--out', 'x', '--count', '-3'], /^vsflow: --count/],
    [['slurm', 'train', '--shards', '2', '--out', 'x'], /^vsflow: --task/],
    [['slurm', 'train', '--task', 'induction', '--lr', '1e-3,x', '--shards', '2', '--out', 'x'], /^vsflow: --lr\[1\]/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});
