import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMAND_NAMES, factSchemas } from './index.js';

describe('docs/PROTOCOL.md', () => {
  it('[PROTO9] lists every command and every fact', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/PROTOCOL.md', import.meta.url)), 'utf8');
    const missing = [...COMMAND_NAMES, ...Object.keys(factSchemas)].filter((n) => !doc.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });
});
