import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC, renderConfigurationDoc } from '../../src/config/config-doc.js';

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` writes from the schemas in src/config/', () => {
    expect(readFileSync(CONFIGURATION_DOC, 'utf8'), 'stale: run npm run docs:config').toBe(renderConfigurationDoc());
  });
});
