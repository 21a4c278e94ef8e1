import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { COMMAND_NAMES, ErrorCode } from '@rally/shared';
import { COMMAND_ROLES } from '../../src/realtime/permissions.js';
import { MODES, startTarget, type Target } from './targets.js';
import { roleFixture, type RoleFixture } from './fixture.js';
import { invalidPayload, shapedPayload } from './payloads.js';


const CODES = new Set<string>(Object.values(ErrorCode));
// Enough draws per command to reach past the schema's first checks; 80 commands keep the file well
// under a minute. The cluster runs the same pipeline on slower I/O: half as many draws there.
const RUNS = { embedded: 40, cluster: 20 } as const;
// Schema-valid draws are applied when they make sense, so they spend the real command budget: fewer.
const VALID_RUNS = 6;

describe.each(MODES)('[SEC35] fuzzing every command with fast-check (%s)', (mode) => {
  let s: Target;
  // Two events: `f` is only ever sent what must change nothing, and its staff state is compared;
  // `g` takes what may be applied (a poll launched with a duration closes itself later, which
  // would otherwise show up as a change in a later comparison).
  let f: RoleFixture;
  let g: RoleFixture;
  beforeAll(async () => {
    s = await startTarget(mode);
    f = await roleFixture(s);
    g = await roleFixture(s);
  }, 60_000);
  afterAll(async () => {
    f?.close();
    g?.close();
    await s?.close();
  });

  for (const name of COMMAND_NAMES) {
    // Sent by a role that may send it, so the payload, not the role table, is what is judged.
    const role = COMMAND_ROLES[name][0]!;
    it(`${name} (as ${role}): hostile payloads get a typed error, never INTERNAL, and change nothing`, async () => {
      await f.reserve({ moderator: 4 });
      const before = await f.settledState();
      // Refused payloads spend no command budget (the schema is checked first), so one sender serves every draw.
      const c = await f.sender(role);
      await fc.assert(
        fc.asyncProperty(invalidPayload(name), async (payload) => {
          const r = (await (c.socket.timeout(5000).emitWithAck as (n: string, p: unknown) => Promise<unknown>)(name, payload)) as { ok: boolean; error?: { code: string; message: string } };
          expect(r.ok).toBe(false);
          expect(CODES.has(r.error!.code), r.error!.code).toBe(true);
          expect(r.error!.code).not.toBe(ErrorCode.INTERNAL);
          expect(r.error!.message).toBeTruthy();
        }),
        { numRuns: RUNS[mode], seed: 17_2026 },
      );
      expect(c.socket.connected).toBe(true);
      expect(await f.staffState()).toEqual(before);
    });
  }

  for (const name of COMMAND_NAMES) {
    const role = COMMAND_ROLES[name][0]!;
    it(`${name} (as ${role}): schema-valid draws naming ids that may not exist are applied or refused with a typed error, never INTERNAL`, async () => {
      await fc.assert(
        fc.asyncProperty(shapedPayload(name), async (payload) => {
          const c = await g.sender(role);
          const r = (await (c.socket.timeout(5000).emitWithAck as (n: string, p: unknown) => Promise<unknown>)(name, payload)) as { ok: boolean; error?: { code: string; message: string } };
          if (r.ok) return;
          expect(CODES.has(r.error!.code), r.error!.code).toBe(true);
          expect(r.error!.code, r.error!.message).not.toBe(ErrorCode.INTERNAL);
        }),
        { numRuns: VALID_RUNS, seed: 17_2026 },
      );
    });
  }

  it('the server is still healthy after the fuzz', async () => {
    expect(await s.ready()).toEqual(mode === 'cluster' ? [200, 200] : [200]);
  });
});
