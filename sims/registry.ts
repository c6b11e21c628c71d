/**
 * Discovers the sims: every module in this folder except types/registry/index default-exports a
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
  return stem !== 'types' && stem !== 'registry' && stem !== 'index' && !stem.startsWith('_');
}

/** All sims, sorted by id. */
export function listSims(): Promise<SimDefinition[]> {
  cache ??= (async () => {
    const sims: SimDefinition[] = [];
    for (const name of readdirSync(here).filter(isSimModule).sort()) {
      try {
        const mod = (await import(pathToFileURL(join(here, name)).href)) as { default?: SimDefinition };
        if (mod.default && typeof mod.default.run === 'function') sims.push(mod.default);
      } catch (error) {
        // One broken sim must not take the others down: it is listed and reported as an error.
        sims.push(brokenSim(name.replace(/\.(ts|js)$/, ''), error));
      }
    }
    return sims.sort((a, b) => a.id.localeCompare(b.id));
  })();
  return cache;
}

/** The sim with this id, or undefined. */
export async function findSim(id: string): Promise<SimDefinition | undefined> {
  return (await listSims()).find((s) => s.id === id);
}

/** Stands in for a sim module that failed to load: running it rethrows the load error. */
function brokenSim(id: string, error: unknown): SimDefinition {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id,
    title: `${id} (failed to load)`,
    paper: 'polarization',
    reproduces: `sim module ${id} could not be loaded: ${message}`,
    theoryIds: [],
    run: () => Promise.reject(new Error(`sim module ${id} could not be loaded: ${message}`)),
    figures: () => [],
  };
}
