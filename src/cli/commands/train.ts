/**
 * `vsflow train --task <id>`: trains small transformers with TensorFlow.js (src/train), streams
 * metrics as JSON lines, checkpoints and resumes, and prints a summary table per variant.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { OptionError } from '../../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-write.js';
import { checkChoice } from '../../core/validate.js';
import { parseNumber, parseNumberList } from '../parse.js';
import { createProgress } from '../progress.js';
import { runAction } from '../run-action.js';

interface TrainFlags {
  task?: string;
  attention?: string;
  seeds?: string;
  quick?: boolean;
  backend: string;
  steps?: string;
  lr?: string;
  batchSize?: string;
  width?: string;
  layers?: string;
  heads?: string;
  tau?: string;
  initScale?: string;
  metricsEvery?: string;
  evalEvery?: string;
  rowNormalize: boolean;
  metrics?: string;
  jsonLines?: boolean;
  json?: boolean;
  out?: string;
  checkpoint?: string;
  checkpointEvery?: string;
  resume?: boolean;
}

const TASKS = ['icl-regression', 'induction', 'classification', 'eureka'] as const;
const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu', 'webgpu'] as const;

const fmt = (x: number | null | undefined, d = 4): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : Number(x).toPrecision(d));

/** Registers `vsflow train`. */
export function register(program: Command): void {
  program
    .command('train')
    .description('Train small transformers with TensorFlow.js (icl-regression, induction, classification, eureka) and measure attention entropy, sinks and Eureka-moments.')
    .requiredOption('--task <id>', `task: ${TASKS.join(', ')}`)
    .option('--attention <list>', 'comma-separated attention variants (kind, or softmax+ht for heat treatment); default: the task comparison')
    .option('--seeds <list>', 'comma-separated seeds (default 0)')
    .option('--quick', 'scaled-down settings (minutes on a laptop CPU)')
    .option('--backend <name>', `backend: ${BACKENDS.join(', ')} (default auto: tensorflow if installed, else wasm)`)
    .option('--steps <n>', 'training steps (overrides the task default)')
    .option('--lr <x>', 'learning rate')
    .option('--batch-size <n>', 'batch size')
    .option('--width <n>', 'residual width')
    .option('--layers <n>', 'number of layers')
    .option('--heads <n>', 'heads per layer')
    .option('--tau <x>', 'temperature (0 = sqrt(d_k))')
    .option('--init-scale <x>', 'multiplier of the N(0, 1/fan_in) weight initialisation')
    .option('--metrics-every <n>', 'attention metrics every n steps')
    .option('--eval-every <n>', 'held-out evaluation every n steps')
    .option('--no-row-normalize', 'kernel/φ-logit kinds without row normalisation')
    .option('--metrics <file>', 'stream every record as JSON lines into FILE')
    .option('--json-lines', 'stream every record as JSON lines on stdout (the table goes to stderr)')
    .option('--json', 'print the full result JSON on stdout (the table goes to stderr)')
    .option('--out <file>', 'write the full result JSON (atomically)')
    .option('--checkpoint <dir>', 'checkpoint folder')
    .option('--checkpoint-every <n>', 'write a checkpoint every n steps (needs --checkpoint)')
    .option('--resume', 'continue from the checkpoints in --checkpoint')
    .action(
      runAction(async (flags: TrainFlags) => {
        const task = checkChoice('--task', flags.task, TASKS);
        const backend = checkChoice('--backend', flags.backend ?? 'auto', BACKENDS);
        const seeds = parseNumberList('--seeds', flags.seeds ?? '0', { integer: true, min: 0 });
        const overrides: Record<string, unknown> = { rowNormalize: flags.rowNormalize };
        const num = (flag: string, text: string | undefined, key: string, rule: Parameters<typeof parseNumber>[2]): void => {
          if (text !== undefined) overrides[key] = parseNumber(flag, text, rule);
        };
        num('--steps', flags.steps, 'steps', { integer: true, min: 1 });
        num('--lr', flags.lr, 'lr', { gt: 0 });
        num('--batch-size', flags.batchSize, 'batchSize', { integer: true, min: 1 });
        num('--width', flags.width, 'width', { integer: true, min: 1 });
        num('--layers', flags.layers, 'layers', { integer: true, min: 1 });
        num('--heads', flags.heads, 'heads', { integer: true, min: 1 });
        num('--tau', flags.tau, 'tau', { min: 0 });
        num('--init-scale', flags.initScale, 'initScale', { gt: 0 });
        num('--metrics-every', flags.metricsEvery, 'metricsEvery', { integer: true, min: 1 });
        num('--eval-every', flags.evalEvery, 'evalEvery', { integer: true, min: 0 });
        const checkpointEvery = flags.checkpointEvery === undefined ? 0 : parseNumber('--checkpoint-every', flags.checkpointEvery, { integer: true, min: 1 });
        if (checkpointEvery > 0 && flags.checkpoint === undefined) throw new OptionError('--checkpoint-every', 'to be used with --checkpoint DIR', flags.checkpointEvery);
        if (flags.resume && flags.checkpoint === undefined) throw new OptionError('--resume', 'to be used with --checkpoint DIR', true);
        // Library import after validation: loading TensorFlow.js takes a moment.
        const { trainMany, parseVariant, resolveTrainConfig } = await import('../../train/index.js');
        const variants = flags.attention === undefined ? undefined : flags.attention.split(',').map((v, i) => (parseVariant(v.trim(), `--attention[${i}]`), v.trim()));
        // Validate the whole config before any training starts (errors name the field).
        for (const v of variants ?? ['softmax']) resolveTrainConfig(task, { ...overrides, ...parseVariant(v), seed: seeds[0] }, flags.quick ?? false);

        if (flags.metrics !== undefined) {
          mkdirSync(dirname(flags.metrics), { recursive: true });
          writeFileAtomic(flags.metrics, '');
        }
        const controller = new AbortController();
        const onSigint = (): void => controller.abort();
        process.on('SIGINT', onSigint);
        let bar = createProgress('train', 1);
        try {
          const result = await trainMany({
            task,
            variants,
            seeds,
            quick: flags.quick ?? false,
            backend,
            overrides,
            hooksFor: (c) => {
              bar.stop();
              bar = createProgress(`train ${c.attention}${c.heatTreatment ? '+ht' : ''} seed ${c.seed}`, c.steps);
              const tag = { variant: c.attention + (c.heatTreatment ? '+ht' : ''), seed: c.seed };
              return {
                signal: controller.signal,
                checkpointEvery,
                checkpointDir: flags.checkpoint,
                resume: flags.resume ?? false,
                onProgress: (s) => bar.update(s),
                onRecord: (r) => {
                  const line = `${JSON.stringify({ ...tag, ...r })}\n`;
                  if (flags.metrics !== undefined) appendFileSync(flags.metrics, line);
                  if (flags.jsonLines) process.stdout.write(line);
                },
              };
            },
          });
          bar.stop();
          if (flags.out !== undefined) writeJsonAtomic(flags.out, result);
          const say = (s: string): void => void (flags.jsonLines || flags.json ? process.stderr : process.stdout).write(`${s}\n`);
          say(`task ${task}  backend ${result.meta.backend} (tfjs ${result.meta.tfjsVersion}, float32)  ${flags.quick ? 'quick' : 'paper-scale'}  wall ${(result.meta.wallTimeMs / 1000).toFixed(1)} s`);
          say('variant              seed  status      steps  final loss  final acc  min H/logN  collapse@  loss spikes  max |g|   eureka@ep  sink prop  CLS max');
          for (const r of result.runs) {
            const s = r.summary;
            say(
              [
                s.attention.padEnd(20),
                String(s.seed).padStart(4),
                r.status.padEnd(11),
                String(r.stepsDone).padStart(6),
                fmt(s.finalLoss).padStart(10),
                fmt(s.finalAccuracy, 3).padStart(9),
                fmt(s.finalMinEntropy === null ? null : s.finalMinEntropy / s.logN, 3).padStart(10),
                (s.collapseStep === null ? '-' : String(s.collapseStep)).padStart(9),
                String(s.lossSpikes.length).padStart(11),
                fmt(s.maxGradNorm, 3).padStart(9),
                (s.eurekaEpoch === null ? '-' : fmt(s.eurekaEpoch, 4)).padStart(10),
                fmt(s.sinkProportion, 3).padStart(9),
                fmt(s.clsConcentration, 3).padStart(8),
              ].join('  '),
            );
          }
          if (task === 'eureka') for (const row of result.table) say(`Eureka-ratio ${row.variant}: ${row.eurekaRatio} (mean Eureka-epoch ${fmt(row.meanEurekaEpoch)})`);
          if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          if (result.runs.some((r) => r.status === 'interrupted')) {
            say(flags.checkpoint ? `interrupted: checkpoint written to ${flags.checkpoint}; continue with --resume` : 'interrupted (no --checkpoint folder: progress not saved)');
            process.exitCode = 130;
          }
        } finally {
          bar.stop();
          process.off('SIGINT', onSigint);
        }
      }),
    );
}
