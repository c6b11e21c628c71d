/**
 * Renamed options (docs/guide.md, "Conventions"): an old flag name keeps working as a hidden
 * alias of the new one, with one deprecation line on stderr. The alias's value is moved onto the
 * new option before the action runs, so a command's code knows only the new name; an error about
 * the value names the flag as the user typed it and carries the deprecation note in its one
 * line, and on success the note is printed once when the command ends.
 */
import { Option, type Command } from 'commander';
import { OptionError } from '../core/errors.js';

interface Renamed {
  readonly old: string;
  readonly current: string;
}

const RENAMED = new WeakMap<Command, Renamed[]>();
/** The aliases used in this run: new flag → old flag. */
const used = new Map<string, string>();

/** Adds `oldFlags` (e.g. `'--n <int>'`) to `command` as a hidden alias of `current` (`'--tokens'`). */
export function renamedOption(command: Command, oldFlags: string, current: string): Command {
  const option = new Option(oldFlags).hideHelp();
  command.addOption(option);
  RENAMED.set(command, [...(RENAMED.get(command) ?? []), { old: option.long!, current }]);
  return command;
}

const attribute = (flag: string): string => new Option(flag).attributeName();

/**
 * Moves the values of the aliases used on `command` onto their new options (before its action);
 * an alias given together with its new name is an error.
 */
export function applyRenamedOptions(command: Command): void {
  used.clear();
  for (const { old, current } of RENAMED.get(command) ?? []) {
    const value = command.getOptionValue(attribute(old)) as unknown;
    if (value === undefined) continue;
    if (command.getOptionValue(attribute(current)) !== undefined) throw new OptionError(old, `either ${old} (the old name) or ${current}, not both`, String(value));
    command.setOptionValue(attribute(current), value);
    command.setOptionValue(attribute(old), undefined);
    used.set(current, old);
  }
}

/** The deprecation note of the aliases used (empty when none). */
function note(): string {
  return [...used].map(([current, old]) => `${old} is deprecated, use ${current}`).join('; ');
}

/** `message` naming the flags as typed (the old names where an alias was used), with the note. */
export function withRenamedFlags(message: string): string {
  if (used.size === 0) return message;
  let text = message;
  for (const [current, old] of used) text = text.replace(new RegExp(`${current}(?![\\w-])`, 'g'), old);
  const out = `${text} (${note()})`;
  used.clear();
  return out;
}

/** The deprecation line for stderr once the command ended without a user error, or undefined. */
export function takeDeprecationLine(): string | undefined {
  if (used.size === 0) return undefined;
  const line = `vsflow: warning: ${note()} (the old names will be removed in a later version)`;
  used.clear();
  return line;
}
