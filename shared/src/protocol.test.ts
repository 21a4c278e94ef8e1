import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COMMAND_NAMES, JOIN_CODE_ALPHABET, JoinCode, commandSchemas, factSchemas } from './index.js';

describe('protocol', () => {
  it('[PROTO6] every command is entity:verb and requires a client command id', () => {
    for (const name of COMMAND_NAMES) {
      expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
      const r = commandSchemas[name].safeParse({});
      expect(r.success).toBe(false);
      expect(r.error?.issues.some((i) => i.path[0] === 'id')).toBe(true);
    }
  });

  it('[PROTO7] command payloads are strict: unknown fields are refused', () => {
    const r = commandSchemas['snapshot:request'].safeParse({ id: 'abcdefgh-1', extra: 1 });
    expect(r.success).toBe(false);
  });

  it('[PROTO8] facts are named in the past tense or are a snapshot', () => {
    for (const name of Object.keys(factSchemas)) expect(name === 'snapshot' || name === 'server:time' || /:[a-z]+(ed)$/i.test(name)).toBe(true);
  });

  it('[EV5] join codes have no look-alike characters and are read case-insensitively', () => {
    for (const ch of '0O1IL5S2Z8B') expect(JOIN_CODE_ALPHABET).not.toContain(ch);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...JOIN_CODE_ALPHABET), { minLength: 6, maxLength: 6 }), (chars) => {
        const code = chars.join('');
        expect(JoinCode.parse(` ${code.toLowerCase()} `)).toBe(code);
      }),
    );
  });
});
