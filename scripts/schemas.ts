// Writes docs/schema/*.schema.json from the zod definitions (src/experiments/json-schemas.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../src/experiments/json-schemas.js';

const dir = 'docs/schema';
mkdirSync(dir, { recursive: true });
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${join(dir, file)}`);
}
