/**
 * Discovers the sims: every module in this folder except types/registry default-exports a
 * `SimDefinition`. Discovery (rather than a hand-kept list) lets each sim live in one file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { SimDefinition } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
let cache: Promise<SimDefinition[]> | undefined;

function isSimModule(name: string): boolean {
  if (name.endsWith('.d.ts') || name.endsWith('.map')) return false;
  if (!/\.(ts|js)$/.test(name)) return false;
  const stem = name.replace(/\.(ts|js)$/, '');
  return stem !== 'types' && stem !== 'registry' && !stem.startsWith('_');
}

/** All sims, sorted by id. */
export function listSims(): Promise<SimDefinition[]> {
  cache ??= (async () => {
    const sims: SimDefinition[] = [];
    for (const name of readdirSync(here).filter(isSimModule).sort()) {
      const mod = (await import(pathToFileURL(join(here, name)).href)) as { default?: SimDefinition };
      if (mod.default && typeof mod.default.run === 'function') sims.push(mod.default);
    }
    return sims.sort((a, b) => a.id.localeCompare(b.id));
  })();
  return cache;
}

/** The sim with this id, or undefined. */
export async function findSim(id: string): Promise<SimDefinition | undefined> {
  return (await listSims()).find((s) => s.id === id);
}
