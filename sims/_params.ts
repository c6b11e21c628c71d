/**
 * Sim parameters: defaults, validation of `--set name=value` / `--config file.json` / library
 * overrides against the declarations (`SimParameter`), and the text of `--describe`. Not a sim
 * (the registry skips files starting with `_`). Errors are `OptionError`s naming the flag and
 * the parameter, so the CLI prints one line and exits 2.
 */
import { OptionError } from '../src/core/errors.js';
import { plainText } from '../src/plot/figure-text.js';
import type { SimDefinition, SimParameter, SimParamValue, SimParams } from './types.js';

/** Scale of a training-sim run (`--scale`); absent: `quick` with `--quick`, else the full run. */
export type SimScale = 'quick' | 'medium' | 'paper';

/**
 * The parameter values of a run with no overrides: `quick` values where declared under `--quick`
 * (or `--scale quick`), `medium` values under `--scale medium`, else `default`.
 */
export function parameterDefaults(parameters: readonly SimParameter[] | undefined, quick: boolean, scale?: SimScale): Record<string, SimParamValue> {
  const s = scale ?? (quick ? 'quick' : 'paper');
  const out: Record<string, SimParamValue> = {};
  for (const p of parameters ?? []) out[p.name] = s === 'quick' && p.quick !== undefined ? p.quick : s === 'medium' && p.medium !== undefined ? p.medium : p.default;
  return out;
}

/** Human form of what a parameter accepts, e.g. `an integer in [2, 1000]`. */
export function expectedText(p: SimParameter): string {
  if (p.type === 'boolean') return 'true or false';
  if (p.choices !== undefined) return `one of ${p.choices.map(String).join(', ')}`;
  const kind = p.type === 'integer' ? 'an integer' : 'a number';
  if (p.min !== undefined && p.max !== undefined) return `${kind} in [${p.min}, ${p.max}]`;
  if (p.min !== undefined) return `${kind} ≥ ${p.min}`;
  if (p.max !== undefined) return `${kind} ≤ ${p.max}`;
  return `a finite ${p.type === 'integer' ? 'integer' : 'number'}`;
}

/**
 * Checks one value against its declaration. With `text` (a `--set` value) strings are parsed for
 * numbers and booleans; JSON values (from `--config` or the library) must already have the
 * right type (`"40"` is not an integer there).
 *
 * @example
 * checkParamValue({ name: 'n', type: 'integer', default: 20, min: 2, doc: '' }, '40', '--set n', true); // 40
 */
export function checkParamValue(p: SimParameter, value: unknown, flag: string, text = false): SimParamValue {
  const fromText = text && typeof value === 'string';
  if (p.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (fromText && (value === 'true' || value === 'false')) return value === 'true';
    throw new OptionError(flag, expectedText(p), value);
  }
  if (p.type === 'choice') {
    const hit = p.choices?.find((c) => c === value || (fromText && String(c) === value));
    if (hit === undefined) throw new OptionError(flag, expectedText(p), value);
    return hit;
  }
  const v = typeof value === 'number' ? value : fromText && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value) ? Number(value) : NaN;
  const ok =
    Number.isFinite(v) &&
    (p.type !== 'integer' || Number.isInteger(v)) &&
    (p.min === undefined || v >= p.min) &&
    (p.max === undefined || v <= p.max) &&
    (p.choices === undefined || p.choices.includes(v));
  if (!ok) throw new OptionError(flag, expectedText(p), value);
  return v;
}

function findParameter(sim: Pick<SimDefinition, 'id' | 'parameters'>, name: string, flag: string): SimParameter {
  const p = sim.parameters?.find((x) => x.name === name);
  if (p === undefined) {
    const names = (sim.parameters ?? []).map((x) => x.name);
    throw new OptionError(flag, names.length > 0 ? `a parameter of ${sim.id}: one of ${names.join(', ')}` : `nothing: ${sim.id} has no parameters`, name);
  }
  return p;
}

/**
 * Parses repeated `--set name=value` flags (later ones win).
 *
 * @example
 * parseSetFlags(sim, ['n=40', 'd=3']); // { n: 40, d: 3 }
 */
export function parseSetFlags(sim: Pick<SimDefinition, 'id' | 'parameters'>, flags: readonly string[]): Record<string, SimParamValue> {
  const out: Record<string, SimParamValue> = {};
  for (const text of flags) {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new OptionError('--set', 'NAME=VALUE (see --describe)', text);
    const name = text.slice(0, eq).trim();
    const p = findParameter(sim, name, '--set');
    out[name] = checkParamValue(p, text.slice(eq + 1).trim(), `--set ${name}`, true);
  }
  return out;
}

/**
 * Checks a `--config` object: `{ name: value, … }`, or a saved result's `{ params: {…} }` /
 * `{ config: { params: {…} } }`, so a result file reruns with its own parameters. Keys other
 * than parameters (`quick`, `seed` in a result) are ignored only in the nested forms.
 */
export function checkConfigParams(sim: Pick<SimDefinition, 'id' | 'parameters'>, config: unknown, flag = '--config'): Record<string, SimParamValue> {
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new OptionError(flag, 'a JSON object of parameter values (see --describe)', config);
  const c = config as Record<string, unknown>;
  const nested = (c.config as { params?: unknown } | undefined)?.params ?? c.params;
  const source = nested !== undefined ? nested : c;
  if (!source || typeof source !== 'object' || Array.isArray(source)) throw new OptionError(`${flag} params`, 'a JSON object of parameter values', source);
  const out: Record<string, SimParamValue> = {};
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    const p = findParameter(sim, name, flag);
    out[name] = checkParamValue(p, value, `${flag} ${name}`);
  }
  return out;
}

/**
 * The run's parameters: the defaults for `quick`, then `overrides` (validated) on top; with the
 * names whose value differs from the default (for the regenerate command).
 */
export function resolveSimParams(
  sim: Pick<SimDefinition, 'id' | 'parameters'>,
  quick: boolean,
  overrides: Readonly<Record<string, unknown>> = {},
  flag = 'params',
  scale?: SimScale,
): { params: SimParams; changed: string[] } {
  const params = parameterDefaults(sim.parameters, quick, scale);
  const defaults = { ...params };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const p = findParameter(sim, name, flag);
    params[name] = checkParamValue(p, value, `${flag} ${name}`);
  }
  const changed = Object.keys(params).filter((k) => params[k] !== defaults[k]);
  return { params: Object.freeze(params), changed };
}

/**
 * The parameters inside a sim's `run`: `ctx.params` when the caller resolved them (`runSim`),
 * else the defaults. Typed by the caller.
 *
 * @example
 * const p = simParams<{ n: number }>(ctx, PARAMETERS); p.n; // 20 unless --set n=…
 */
export function simParams<T extends Record<string, SimParamValue>>(ctx: { quick: boolean; scale?: SimScale; params?: SimParams | undefined }, parameters: readonly SimParameter[]): T {
  const base = parameterDefaults(parameters, ctx.quick, ctx.scale);
  return { ...base, ...(ctx.params ?? {}) } as T;
}

/** `--describe` text: the sim, its seed policy and one line per parameter. */
export function describeSimText(sim: SimDefinition): string {
  const lines = [`${sim.id}: ${plainText(sim.title)}`, `  reproduces: ${plainText(sim.reproduces)}`];
  lines.push(sim.fixedInit !== undefined ? `  seed: fixed by the paper (${sim.fixedInit}); --seed is rejected` : '  seed: --seed N (default: the documented seed)');
  const ps = sim.parameters ?? [];
  if (ps.length === 0) lines.push('  parameters: none');
  else {
    lines.push('  parameters (--set NAME=VALUE, repeatable; or --config FILE.json):');
    const w = Math.max(...ps.map((p) => p.name.length));
    for (const p of ps) {
      const alt = [...(p.quick !== undefined ? [`--quick: ${String(p.quick)}`] : []), ...(p.medium !== undefined ? [`--scale medium: ${String(p.medium)}`] : [])];
      const def = alt.length > 0 ? `${String(p.default)} (${alt.join('; ')})` : String(p.default);
      lines.push(`    ${p.name.padEnd(w)}  ${p.type.padEnd(7)}  default ${def}; ${expectedText(p)}. ${p.doc}`);
    }
  }
  return lines.join('\n');
}
