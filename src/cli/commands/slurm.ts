/**
 * `vsflow slurm sweep|train [options] --shards N --out DIR`: prints (does not submit) a bash
 * script that, run with bash, submits a Slurm job array of N shards and a merge job that runs
 * once every shard has succeeded, so that DIR/merged.json appears when the grid is done.
 *
 *   vsflow slurm sweep --count 100000 --shards 50 --out runs/big --time 01:00:00 > submit.sh
 *   bash submit.sh                 # all shards + merge
 *   ARRAY=2,5 bash submit.sh       # only shards 2 and 5 (as listed by `vsflow sweep merge`) + merge
 *
 * What the script relies on (measured on Slurm 22.05, docs/cluster.md):
 * - `--array=0-(N-1)`: shard K is SLURM_ARRAY_TASK_ID (0-based); N is written into the command,
 *   never read from SLURM_ARRAY_TASK_COUNT (1 when a single index is resubmitted).
 * - `--signal=B:INT@60`: SIGINT to the batch shell 60 s before the time limit; the shard command
 *   is `exec`ed so that node is the batch shell and receives it, saves the shard and exits 130.
 * - the merge job: `--dependency=afterok:<array job>` waits for every task of the array, and
 *   `--kill-on-invalid-dep=yes` removes it when a shard fails (rather than leaving it pending).
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { OptionError } from '../../core/errors.js';
import { packageVersion } from '../../core/run-meta.js';
import { MAX_SHARDS } from '../../experiments/shard.js';
import { parseNumber } from '../parse.js';
import { runAction } from '../run-action.js';
import { addSweepConfigOptions, sweepConfigArgs, sweepConfigFromFlags, type SweepConfigFlags } from './sweep.js';
import { TRAIN_BACKENDS, addTrainGridOptions, trainGridArgs, trainGridFromFlags, type TrainGridFlags } from './train.js';
import { checkChoice } from '../../core/validate.js';

/** Options of the written jobs. */
export interface SlurmJobOptions {
  /** Number of shards N. */
  readonly shards: number;
  /** Absolute output folder. */
  readonly out: string;
  /** Absolute working directory of the jobs. */
  readonly chdir: string;
  /** The vsflow command (argv words). */
  readonly vsflow: readonly string[];
  /** Name of the array job (the merge job gets `-merge`). */
  readonly jobName: string;
  readonly cpusPerTask: number;
  /** `--time` of each shard, or undefined for the partition's default. */
  readonly time: string | undefined;
  readonly mem: string | undefined;
  readonly partition: string | undefined;
  readonly account: string | undefined;
  /** More sbatch options for both jobs, verbatim. */
  readonly sbatchArgs: readonly string[];
  /** Seconds before the time limit at which the shard gets SIGINT. */
  readonly signalSeconds: number;
}

/** Quotes a word for bash (unquoted when it is plainly safe). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-+=.,/:@%^]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The submission script: the array of `shardArgs` (vsflow arguments before `--shard`) and the
 * merge job running `mergeArgs`. The shard argument is written as `"${SLURM_ARRAY_TASK_ID}/N"`.
 */
export function slurmScript(kind: 'sweep' | 'train', shardArgs: readonly string[], mergeArgs: readonly string[], o: SlurmJobOptions, commandLine: string): string {
  const q = (words: readonly string[]): string => words.map(shellQuote).join(' ');
  const all = o.shards === 1 ? '0' : `0-${o.shards - 1}`;
  const common = [
    `--chdir=${o.chdir}`,
    ...(o.partition === undefined ? [] : [`--partition=${o.partition}`]),
    ...(o.account === undefined ? [] : [`--account=${o.account}`]),
    ...o.sbatchArgs,
  ];
  const shardOpts = [
    '--parsable',
    `--job-name=${o.jobName}`,
    `--cpus-per-task=${o.cpusPerTask}`,
    ...(o.time === undefined ? [] : [`--time=${o.time}`]),
    ...(o.mem === undefined ? [] : [`--mem=${o.mem}`]),
    `--signal=B:INT@${o.signalSeconds}`,
    ...common,
  ];
  const mergeOpts = ['--parsable', `--job-name=${o.jobName}-merge`, '--cpus-per-task=1', '--kill-on-invalid-dep=yes', ...common];
  const shardCmd = `exec ${q(o.vsflow)} ${q(shardArgs)} --shard "\${SLURM_ARRAY_TASK_ID}/${o.shards}" --out ${shellQuote(o.out)}`;
  const mergeCmd = `exec ${q(o.vsflow)} ${q(mergeArgs)}`;
  return `#!/usr/bin/env bash
# Written by vsflow ${packageVersion()}: ${commandLine}
# Run with bash to submit ${o.shards} Slurm array tasks, task K running shard K/${o.shards} of
# \`vsflow ${kind}\` (0-based: --array=${all}), and a merge job that runs when all have succeeded
# (--dependency=afterok) and writes ${o.out}/merged.json.
# A shard that fails or reaches its time limit keeps its partial shard file (Slurm sends SIGINT
# ${o.signalSeconds} s before the limit; \`exec\` lets node receive it); the merge job is then
# cancelled (--kill-on-invalid-dep=yes). \`vsflow ${kind} merge ${o.out}\` lists the missing
# shards; resubmit them, with a new merge job, by: ARRAY=2,5 bash <this script>
# Logs: ${o.out}/logs/.
set -euo pipefail
ARRAY="\${ARRAY:-${all}}"
OUT=${shellQuote(o.out)}
mkdir -p "$OUT/logs"
shards=$(sbatch ${q(shardOpts)} --array="$ARRAY" --output="$OUT/logs/shard-%a-job-%A.out" <<'VSFLOW_SHARD'
#!/usr/bin/env bash
${shardCmd}
VSFLOW_SHARD
)
shards="\${shards%%;*}"
merge=$(sbatch ${q(mergeOpts)} --dependency="afterok:$shards" --output="$OUT/logs/merge-job-%j.out" <<'VSFLOW_MERGE'
#!/usr/bin/env bash
${mergeCmd}
VSFLOW_MERGE
)
merge="\${merge%%;*}"
echo "submitted shards --array=$ARRAY of ${all} as job $shards and the merge as job $merge; result: $OUT/merged.json"
`;
}

interface SlurmFlags {
  shards?: string;
  out?: string;
  time?: string;
  cpusPerTask?: string;
  mem?: string;
  partition?: string;
  account?: string;
  jobName?: string;
  sbatchArg?: string[];
  signalSeconds?: string;
  vsflow?: string;
  workers?: string;
  json?: boolean;
}

/** Prints the script, or with `--json` the script and its job settings as one JSON object. */
function writeScript(flags: SlurmFlags, o: SlurmJobOptions, script: string): void {
  process.stdout.write(flags.json === true ? `${JSON.stringify({ options: o, script }, null, 2)}\n` : script);
}

/** The command that runs this vsflow (absolute paths, so the jobs run it from any folder). */
export function currentVsflowCommand(): string[] {
  const script = process.argv[1];
  if (script === undefined) return ['vsflow'];
  let path = script;
  try {
    path = realpathSync(script);
  } catch {
    // Keep the path as given.
  }
  return [process.execPath, ...process.execArgv, path];
}

const SLURM_TIME = /^(\d+-)?\d+(:\d{1,2}){0,2}$|^\d+-\d+$/;

function jobOptions(flags: SlurmFlags, kind: 'sweep' | 'train'): SlurmJobOptions {
  const shards = parseNumber('--shards', flags.shards, { integer: true, min: 1, max: MAX_SHARDS });
  if (flags.out === undefined || flags.out.trim() === '') throw new OptionError('--out', 'a folder for the shard files and merged.json', flags.out);
  if (flags.time !== undefined && !SLURM_TIME.test(flags.time)) throw new OptionError('--time', 'a Slurm time limit (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM:SS)', flags.time);
  for (const [flag, v] of [['--partition', flags.partition], ['--account', flags.account], ['--mem', flags.mem], ['--job-name', flags.jobName]] as const) {
    if (v !== undefined && !/^[A-Za-z0-9_.,:+\-]+$/.test(v)) throw new OptionError(flag, 'a plain Slurm value (letters, digits, _ . , : + -)', v);
  }
  const vsflow = flags.vsflow === undefined ? currentVsflowCommand() : flags.vsflow.trim().split(/\s+/);
  if (vsflow.length === 0 || vsflow[0] === '') throw new OptionError('--vsflow', 'the command that runs vsflow on the nodes (e.g. "npx vsflow")', flags.vsflow);
  const cwd = process.cwd();
  return {
    shards,
    out: isAbsolute(flags.out) ? flags.out : resolve(cwd, flags.out),
    chdir: cwd,
    vsflow,
    jobName: flags.jobName ?? `vsflow-${kind}`,
    cpusPerTask: flags.cpusPerTask === undefined ? 1 : parseNumber('--cpus-per-task', flags.cpusPerTask, { integer: true, min: 1, max: 4096 }),
    time: flags.time,
    mem: flags.mem,
    partition: flags.partition,
    account: flags.account,
    sbatchArgs: flags.sbatchArg ?? [],
    signalSeconds: flags.signalSeconds === undefined ? 60 : parseNumber('--signal-seconds', flags.signalSeconds, { integer: true, min: 1, max: 65535 }),
  };
}

function addJobOptions(command: Command): Command {
  return command
    .option('--shards <int>', 'number of array tasks (shards)')
    .option('--json', 'print {options, script} as JSON on stdout instead of the script')
    .option('--out <dir>', 'folder of the shard files, logs/ and merged.json (made absolute)')
    .option('--time <limit>', 'sbatch --time of each shard (default the partition default)')
    .option('--cpus-per-task <int>', 'sbatch --cpus-per-task of each shard (default 1); the shard uses that many CPUs')
    .option('--mem <size>', 'sbatch --mem of each shard')
    .option('--partition <name>', 'sbatch --partition')
    .option('--account <name>', 'sbatch --account')
    .option('--job-name <name>', 'job name (default vsflow-sweep / vsflow-train; the merge job adds -merge)')
    .option('--sbatch-arg <option>', 'another sbatch option for both jobs, verbatim (repeatable), e.g. --sbatch-arg=--qos=short', (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option('--signal-seconds <int>', 'send SIGINT this many seconds before the time limit (default 60)')
    .option('--vsflow <command>', 'the command that runs vsflow on the nodes (default this node and vsflow, by absolute path)');
}

const commandLine = (): string => ['vsflow', ...process.argv.slice(2)].map(shellQuote).join(' ');

/** Registers `vsflow slurm sweep` and `vsflow slurm train`. */
export function register(program: Command): void {
  const slurm = program.command('slurm').description('Print a bash script that submits a sweep or a training grid as a Slurm job array plus a dependent merge job (not submitted)');
  const sweep = slurm.command('sweep').description('Script for `vsflow sweep` in N shards: run it with bash to submit; DIR/merged.json appears when all shards are done');
  addJobOptions(addSweepConfigOptions(sweep))
    .option('--workers <int|auto>', 'worker threads per shard (default auto = the CPUs Slurm grants, --cpus-per-task)')
    .action(
      runAction((flags: SweepConfigFlags & SlurmFlags) => {
        const config = sweepConfigFromFlags(flags);
        const workers = flags.workers === undefined ? 'auto' : flags.workers === 'auto' ? 'auto' : String(parseNumber('--workers', flags.workers, { integer: true, min: 0, max: 256 }));
        const o = jobOptions(flags, 'sweep');
        writeScript(flags, o, slurmScript('sweep', ['sweep', ...sweepConfigArgs(config), '--workers', workers], ['sweep', 'merge', o.out], o, commandLine()));
      }),
    );
  const train = slurm.command('train').description('Script for a `vsflow train` grid in N shards: run it with bash to submit; DIR/merged.json appears when all shards are done');
  addJobOptions(addTrainGridOptions(train))
    .option('--backend <name>', 'tfjs backend of the shards (passed to vsflow train; default auto)')
    .option('--checkpoint-every <int>', 'shards also checkpoint every n steps (default only when interrupted)')
    .action(
      runAction(async (flags: TrainGridFlags & SlurmFlags & { backend?: string; checkpointEvery?: string }) => {
        const backend = flags.backend === undefined ? [] : ['--backend', checkChoice('--backend', flags.backend, TRAIN_BACKENDS)];
        const every = flags.checkpointEvery === undefined ? [] : ['--checkpoint-every', String(parseNumber('--checkpoint-every', flags.checkpointEvery, { integer: true, min: 1 }))];
        const grid = await trainGridFromFlags(flags);
        const o = jobOptions(flags, 'train');
        writeScript(flags, o, slurmScript('train', ['train', ...trainGridArgs(grid), ...backend, ...every], ['train', 'merge', o.out], o, commandLine()));
      }),
    );
}
