import type { Command } from 'commander';

/** Registers `vsflow plot` (placeholder until its issue lands). */
export function register(_program: Command): void {}
