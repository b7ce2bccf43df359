/** `npm run docs:config`: rewrites docs/configuration.md; test/unit/configuration-doc.test.ts fails while it is stale. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CONFIGURATION_DOC, renderConfigurationDoc } from './config-doc.js';

mkdirSync(dirname(CONFIGURATION_DOC), { recursive: true });
writeFileSync(CONFIGURATION_DOC, renderConfigurationDoc());
console.log(`wrote ${CONFIGURATION_DOC}`);
