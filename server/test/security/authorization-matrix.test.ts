import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, ErrorCode } from '@rally/shared';
import { COMMAND_ROLES } from '../../src/realtime/permissions.js';
import { cmdId } from '../helpers/test-server.js';
import { MODES, startTarget, type Target } from './targets.js';
import { ROLES, roleFixture, type RoleFixture } from './fixture.js';
import { validPayload } from './payloads.js';

describe.each(MODES)('[SEC31] the authorization matrix: every command × every role, over real sockets (%s)', (mode) => {
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

  // One test per command so a failure names it; a schema-valid payload each, so the role table,
  // not the schema, is what answers.
  for (const name of COMMAND_NAMES) {
    const allowed = COMMAND_ROLES[name];
    const forbidden = ROLES.filter((r) => !allowed.includes(r));
    it(`${name}: ${forbidden.join(', ') || 'nobody'} refused with FORBIDDEN and nothing changes; ${allowed.join(', ')} never refused for the role`, async () => {
      const payload = validPayload(name);
      const needs: Partial<Record<(typeof ROLES)[number], number>> = { moderator: 4 };
      for (const role of forbidden) needs[role] = (needs[role] ?? 0) + 1;
      await f.reserve(needs);
      const before = await f.settledState();
      for (const role of forbidden) {
        const c = await f.sender(role);
        const r = await c.send(name, { ...payload, id: cmdId() } as never);
        expect(r, `${role} sending ${name}`).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      }
      expect(await f.staffState()).toEqual(before);
      for (const role of allowed) {
        const c = await g.sender(role);
        const r = await c.send(name, { ...payload, id: cmdId() } as never);
        // Allowed roles may still be refused by the domain (NOT_FOUND for an id that names nothing,
        // a team the event does not have), never for the role and never by a crash.
        if (!r.ok) expect([ErrorCode.FORBIDDEN, ErrorCode.INTERNAL], `${role} sending ${name}: ${r.error.message}`).not.toContain(r.error.code);
      }
    });
  }
});
