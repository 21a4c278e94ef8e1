import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Participant } from '@rally/shared';
import { createSqliteStore } from '../../src/store/sqlite-store.js';

// [PRES6] Embedded presence is the process's connection state: in memory, never in the file.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fileSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

describe('embedded presence', () => {
  it('[PRES6] connections and disconnections write nothing to the file, and a restarted store starts with nobody online', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rally-presence-'));
    dirs.push(dir);
    const file = join(dir, 'rally.db');
    const store = createSqliteStore(file);
    const eventId = 'ev_presence6';
    await store.createEvent({
      id: eventId,
      code: 'PRSNCE',
      name: 'Presence',
      teams: [],
      agenda: [],
      liveSessionId: null,
      settings: { allowAnonymousQuestions: true, moderation: 'pre' },
      createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      keys: { presenter: 'p-key', moderator: 'm-key', stage: 's-key' },
      keyGeneration: 0,
    });
    const people = ['room', 'remote', 'remote'].map((mode, i) =>
      Participant.parse({ id: `pp6_${i}`, eventId, name: `Person ${i}`, role: 'attendee', mode, team: null, banned: false, joinedAt: new Date(Date.UTC(2026, 0, 2)).toISOString() }),
    );
    for (const p of people) await store.createParticipant(p);
    await store.durable();
    const wal = fileSize(`${file}-wal`);

    for (const [i, p] of people.entries()) await store.presenceAdd(eventId, p.id, `sock${i}`, 'embedded');
    await store.presenceRemove(eventId, people[0]!.id, 'sock0');
    await store.durable();
    expect(await store.presenceCounts(eventId)).toEqual({ room: 0, remote: 2 });
    // Nothing was written: the write-ahead log did not grow.
    expect(fileSize(`${file}-wal`)).toBe(wal);

    // kill -9 and restart (the file as it is, a new store): nobody is online, and people connect afresh.
    await store.close();
    const again = createSqliteStore(file);
    expect(await again.presenceCounts(eventId)).toEqual({ room: 0, remote: 0 });
    expect(await again.presenceOnline(eventId)).toEqual([]);
    expect(await again.presenceAdd(eventId, people[1]!.id, 'sockA', 'embedded')).toEqual({ changed: true, counts: { room: 0, remote: 1 } });
    await again.close();
  });
});
