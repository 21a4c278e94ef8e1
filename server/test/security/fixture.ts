import type { Role, Snapshot } from '@rally/shared';
import { TEST_ADMIN, connectClient, keyOf, sleep, type TestClient } from '../helpers/test-server.js';
import type { Target } from './targets.js';

export const ROLES: readonly Role[] = ['attendee', 'presenter', 'moderator', 'admin', 'screen'];

/**
 * One event with a participant per role, on real sockets. The per-participant command budget
 * (30 in 10 s) is real too, so `sender(role)` hands out a fresh participant of that role every
 * SENDS_PER_PARTICIPANT commands instead of switching the budget off.
 */
const SENDS_PER_PARTICIPANT = 20;

export interface RoleFixture {
  eventId: string;
  sender(role: Role): Promise<TestClient>;
  /**
   * Makes sure the current participants of these roles have room for so many more sends, joining
   * fresh ones now: a join between two staff snapshots would show up in them as presence.
   */
  reserve(needs: Partial<Record<Role, number>>): Promise<void>;
  /** What staff see, without what moves on its own (time, presence, who is asking). */
  staffState(): Promise<unknown>;
  /**
   * staffState once two reads in a row agree: in cluster mode what the previous test's commands
   * wrote reaches the other node's caches a moment after their acks. Spends up to 3 moderator sends.
   */
  settledState(): Promise<unknown>;
  close(): void;
}

export async function roleFixture(s: Target): Promise<RoleFixture> {
  const ev = await s.createEvent({ teams: ['EMEA', 'NA'] });
  const keys: Record<Role, string | undefined> = {
    attendee: undefined,
    presenter: keyOf(ev.links.presenter),
    moderator: keyOf(ev.links.moderator),
    screen: keyOf(ev.links.stage),
    admin: TEST_ADMIN,
  };
  const clients: TestClient[] = [];
  const current = new Map<Role, { client: TestClient; used: number }>();
  let n = 0;
  const fresh = async (role: Role): Promise<void> => {
    const key = keys[role];
    const j = await s.join({ code: ev.code, name: `${role} ${n++}`, mode: 'remote', ...(key ? { key } : {}) });
    const client = await connectClient(s.url(n), j.token);
    clients.push(client);
    current.set(role, { client, used: 0 });
    // Its presence (which live polls count) was written before its snapshot was sent, so a staff
    // snapshot taken from now on already counts it.
  };
  const sender = async (role: Role): Promise<TestClient> => {
    const c = current.get(role);
    if (!c || c.used >= SENDS_PER_PARTICIPANT) await fresh(role);
    const now = current.get(role)!;
    now.used++;
    return now.client;
  };
  const reserve = async (needs: Partial<Record<Role, number>>) => {
    for (const [role, count] of Object.entries(needs) as [Role, number][]) {
      const c = current.get(role);
      if (!c || c.used + count > SENDS_PER_PARTICIPANT) await fresh(role);
    }
  };
  const staffState = async () => {
    const r = await (await sender('moderator')).send('snapshot:request', {});
    if (!r.ok) throw new Error(`snapshot refused: ${r.error.code}`);
    const { serverTime: _t, presence: _p, me: _m, engagement, ...rest } = r.data as Snapshot;
    return { ...rest, engagementSettings: engagement?.settings };
  };
  const settledState = async () => {
    let last = await staffState();
    if (s.mode === 'embedded') return last;
    for (let i = 0; i < 2; i++) {
      await sleep(50);
      const now = await staffState();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
    return last;
  };
  return { eventId: ev.event.id, sender, reserve, staffState, settledState, close: () => clients.forEach((c) => c.close()) };
}
