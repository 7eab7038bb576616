/** schemas/fleet.schema.json, compiled with the same settings as the compliance.json schema's test. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { repoRoot } from './fixtures.js';

export function fleetSchema() {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: true, strictRequired: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'schemas/fleet.schema.json'), 'utf8')));
}
