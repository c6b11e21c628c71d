/**
 * `--scale` and `--png-scale`, one meaning each on every command (docs/guide.md, "Conventions"):
 * `--scale quick|medium|paper` is the run scale (`--quick` = `--scale quick`), `--png-scale X`
 * the PNG pixel ratio of static figures. A number given to `--scale` (its old meaning on
 * `reproduce` and `plot`) is refused with one line that names `--png-scale`.
 */
import { Option, type Command } from 'commander';
import { OptionError } from '../core/errors.js';
import type { TrainScaleId } from './sim-output.js';
import { parseNumber } from './parse.js';

/** The run scales, smallest first. */
export const RUN_SCALES: readonly TrainScaleId[] = Object.freeze(['quick', 'medium', 'paper'] as const);

/** Help text of `--png-scale`. */
export const PNG_SCALE_HELP = 'PNG pixel ratio (default 300 dpi at print size in paper style, 2 in notebook style)';

/**
 * The run scale of `--scale` and `--quick` together (undefined when neither is given).
 *
 * @example
 * runScaleFlag(undefined, true); // 'quick'
 * runScaleFlag('3', false);      // OptionError: --scale: expected quick, medium or paper (the run scale; the PNG pixel ratio is --png-scale 3), received 3
 */
export function runScaleFlag(text: string | undefined, quick: boolean | undefined): TrainScaleId | undefined {
  if (text === undefined) return quick === true ? 'quick' : undefined;
  const name = text.trim();
  if (!(RUN_SCALES as readonly string[]).includes(name)) {
    const numeric = name !== '' && Number.isFinite(Number(name));
    throw new OptionError('--scale', `quick, medium or paper (the run scale${numeric ? `; the PNG pixel ratio is --png-scale ${name}` : ''})`, text);
  }
  if (quick === true && name !== 'quick') throw new OptionError('--scale', "'quick' with --quick (or drop --quick)", text);
  return name as TrainScaleId;
}

/** The PNG pixel ratio of `--png-scale` (undefined when not given). */
export function pngScaleFlag(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseNumber('--png-scale', text, { gt: 0, max: 20 });
}

/**
 * A hidden `--scale` on a command without a run scale (`plot`): any value is refused with one
 * line that names `--png-scale`.
 */
export function refusedScaleOption(command: Command): Command {
  return command.addOption(new Option('--scale <x>').hideHelp());
}

/** Throws for a value of the refused `--scale` of `refusedScaleOption`. */
export function checkRefusedScale(text: string | undefined, command: string): void {
  if (text !== undefined) throw new OptionError('--scale', `no --scale on vsflow ${command} (it has no run scale; the PNG pixel ratio is --png-scale)`, text);
}
