/**
 * Parsers for CLI option strings. Each throws `OptionError` naming the flag, so a typo gives a
 * one-line message and exit code 2.
 */
import { OptionError } from '../core/errors.js';
import { checkNumber, type NumberRule } from '../core/validate.js';

/** Parses a number flag (`1e-8`, `0.5`, `100`), then checks it against `rule`. */
export function parseNumber(flag: string, text: string | undefined, rule: NumberRule = {}): number {
  if (text === undefined || text.trim() === '') throw new OptionError(flag, 'a number', text);
  const value = Number(text);
  if (Number.isNaN(value)) throw new OptionError(flag, 'a number', text);
  return checkNumber(flag, value, rule);
}

/** Parses a comma-separated list of numbers (`0.5,1,2`). */
export function parseNumberList(flag: string, text: string | undefined, rule: NumberRule = {}): number[] {
  if (text === undefined || text.trim() === '') throw new OptionError(flag, 'a comma-separated list of numbers', text);
  return text.split(',').map((part, i) => {
    const value = Number(part.trim());
    if (part.trim() === '' || Number.isNaN(value)) throw new OptionError(`${flag}[${i}]`, 'a number', part);
    return checkNumber(`${flag}[${i}]`, value, rule);
  });
}

/** Parses a comma-separated list of names, each one of `choices`. */
export function parseChoiceList<T extends string>(flag: string, text: string | undefined, choices: readonly T[]): T[] {
  if (text === undefined || text.trim() === '') throw new OptionError(flag, `a comma-separated list of ${choices.join(', ')}`, text);
  return text.split(',').map((part, i) => {
    const name = part.trim();
    if (!(choices as readonly string[]).includes(name)) throw new OptionError(`${flag}[${i}]`, `one of ${choices.join(', ')}`, name);
    return name as T;
  });
}
