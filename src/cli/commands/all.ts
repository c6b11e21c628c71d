/**
 * Every subcommand's register function, in help order, as static imports: the program with every
 * command (`vsflow --help`, an unknown command, …) loads this one module, so the command modules
 * load in parallel and evaluate in the same order as before lazy registration (index.ts).
 */
import type { Command } from 'commander';
import { register as simulate } from './simulate.js';
import { register as check } from './check.js';
import { register as sweep } from './sweep.js';
import { register as sim } from './sim.js';
import { register as entropy } from './entropy.js';
import { register as bounds } from './bounds.js';
import { register as plot } from './plot.js';
import { register as reproduce } from './reproduce.js';
import { register as train } from './train.js';
import { register as slurm } from './slurm.js';

export const ALL_COMMANDS: readonly ((program: Command) => void)[] = [simulate, check, sweep, sim, entropy, bounds, plot, reproduce, train, slurm];
