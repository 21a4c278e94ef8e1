import fc from 'fast-check';
import { z } from 'zod';
import { COMMAND_NAMES, commandSchemas, type CommandName } from '@rally/shared';

/**
 * fast-check arbitraries for command payloads, read from the protocol's own zod schemas (through
 * their JSON Schema), so a command added to the protocol is covered without touching this file.
 * Refinements JSON Schema cannot say (cross-field rules) are left to safeParse: `validPayload`
 * keeps drawing until the schema accepts one.
 */
type Json = Record<string, any>;

function fromJsonSchema(s: Json): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...(union as Json[]).map(fromJsonSchema));
  switch (s.type) {
    case 'string': {
      const minLength = s.minLength ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxLength ?? 40, minLength + 40));
      if (s.format === 'uri' || s.format === 'url') return fc.constant('https://example.com/x.png');
      if (s.format === 'date-time') return fc.date({ min: new Date('2026-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'email') return fc.constant('someone@example.com');
      if (s.pattern) {
        // Patterns in the protocol are character classes with anchors; draw from the class, then cut to length.
        return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= minLength && x.length <= (s.maxLength ?? Infinity));
      }
      return fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }).filter((x) => x.trim().length >= Math.min(1, minLength));
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = s.minItems ?? 0;
      return fc.array(s.items ? fromJsonSchema(s.items) : fc.constant(null), { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 3, minLength + 2)) });
    }
    case 'object': {
      if (!s.properties) return fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.constant(1), { maxKeys: 2 });
      const required = new Set<string>(s.required ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(s.properties as Record<string, Json>)) shape[k] = fromJsonSchema(v);
      return fc.record(shape, { requiredKeys: Object.keys(shape).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

const arbitraries = new Map<CommandName, fc.Arbitrary<unknown>>();
/** Payloads shaped by the command's schema (most, not all, pass it: see validPayload). */
export function shapedPayload(name: CommandName): fc.Arbitrary<unknown> {
  let a = arbitraries.get(name);
  if (!a) {
    a = fromJsonSchema(z.toJSONSchema(commandSchemas[name], { unrepresentable: 'any', io: 'input' }) as Json);
    arbitraries.set(name, a);
  }
  return a;
}

/** One payload the command's schema accepts, drawn reproducibly. */
export function validPayload(name: CommandName, seed = 17): Record<string, unknown> {
  for (let i = 0; i < 20; i++) {
    for (const p of fc.sample(shapedPayload(name), { numRuns: 50, seed: seed + i })) {
      if (commandSchemas[name].safeParse(p).success) return p as Record<string, unknown>;
    }
  }
  throw new Error(`no schema-valid payload drawn for ${name}`);
}

/**
 * Hostile payloads: anything JSON can carry, and near misses of the schema (a field dropped,
 * replaced by anything, an unknown field added). Whatever the schema happens to accept is
 * filtered out: the fuzz is about input Rally must refuse.
 */
export function invalidPayload(name: CommandName): fc.Arbitrary<unknown> {
  const shaped = shapedPayload(name);
  const anything = fc.jsonValue({ maxDepth: 3 });
  const nearMiss = fc
    .tuple(shaped, fc.nat(), anything, fc.constantFrom<'drop' | 'replace' | 'add'>('drop', 'replace', 'add'))
    .map(([p, i, value, how]) => {
      if (typeof p !== 'object' || p === null || Array.isArray(p)) return value;
      const copy: Record<string, unknown> = { ...(p as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys[i % Math.max(1, keys.length)];
      if (how === 'add' || key === undefined) copy[`x${i % 97}`] = value;
      else if (how === 'drop') delete copy[key];
      else copy[key] = value;
      return copy;
    });
  return fc.oneof(anything, nearMiss, nearMiss).filter((p) => !commandSchemas[name].safeParse(p).success);
}

export { COMMAND_NAMES };
