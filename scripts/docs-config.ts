/**
 * Writes the configuration reference (docs/configuration.md) and the config's JSON Schema
 * (docs/keyplane.config.schema.json) from the zod schema in app/config.ts, whose prop fields
 * (app/config-fields.ts) take their descriptions and defaults from the constructs' props.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderConfigDocs } from '../app/config-reference';

const root = path.resolve(__dirname, '..');
for (const [file, text] of Object.entries(renderConfigDocs())) {
  fs.writeFileSync(path.join(root, file), text);
  console.log(`wrote ${file}`);
}
