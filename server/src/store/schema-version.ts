import type { AgendaSession } from '@rally/shared';

/**
 * [OPS40] The data layout this code reads and writes, in both stores. Version 1 is the layout
 * from before versioning (a store with no recorded version holds it); each later version is one
 * forward migration per adapter (store/sqlite/migrations.ts, store/redis/migrations.ts).
 *
 * Adding a version: append one migration to each list (idempotent, taking the data from the version
 * before), bump this, and before changing anything else commit fixtures written by the current code
 * (as server/test/fixtures/schema-v1/make-fixture.ts did for version 1) so a test upgrades them.
 */
export const SCHEMA_VERSION = 3;

/**
 * [OPS43] The data was written by a newer Rally: this code would misread it, so it refuses to
 * start. The message is the one line the operator sees.
 */
export class SchemaTooNewError extends Error {
  constructor(
    readonly where: string,
    readonly found: number,
    readonly supported: number = SCHEMA_VERSION,
  ) {
    super(`The data in ${where} is schema version ${found}, but this Rally only knows up to schema version ${supported}: start the newer Rally that wrote it, or restore a backup made before the upgrade`);
    this.name = 'SchemaTooNewError';
  }
}

/**
 * [OPS50] When an event is over, in ms: the end of its last agenda session, or, for an event with no
 * agenda, when it was archived; null while neither is known.
 */
export function eventEndMs(e: { agenda?: readonly Pick<AgendaSession, 'endsAt'>[]; archivedAt?: string | null }): number | null {
  let end: number | null = null;
  for (const s of e.agenda ?? []) {
    const t = Date.parse(s.endsAt);
    if (Number.isFinite(t) && (end === null || t > end)) end = t;
  }
  if (end === null && e.archivedAt) end = Date.parse(e.archivedAt);
  return end;
}

/**
 * [OPS42] [OPS55] The key of the end index both stores keep (schema version 2): the event's end while
 * its personal data is still held, absent once retention erased it, so the sweep finds exactly the
 * events it has work for without reading every event. The SQLite adapter computes the same value in
 * SQL (store/sqlite/migrations.ts); keep them equal.
 */
export function retentionIndexMs(e: Parameters<typeof eventEndMs>[0] & { personalDataErasedAt?: string | null }): number | null {
  return e.personalDataErasedAt ? null : eventEndMs(e);
}
