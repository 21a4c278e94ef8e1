import type { CohortCounts, Mode, Participant } from '@rally/shared';
import { presenceCohort, type PresenceChange, type Store, type TeamCohortCounts } from '../store.js';

/*
 * Presence in embedded mode: who has a socket open on this process, kept in memory, not in the file.
 *
 * Why: presence is this process's connection state. A restart (or kill -9) closes every socket, so
 * nothing of it outlives the process, and the SQLite rows it used to be written to were cleared at
 * boot anyway. Written to the file, every connection and disconnection dirtied a few pages of four
 * tables and indexes that the group commit then wrote to the WAL: in a reconnect storm (bench B8)
 * those writes and their commits were about a fifth of the server's CPU per reconnection.
 *
 * What it keeps is what the tables kept: the open sockets per participant, and per event the online
 * participants with the cohort and team they are counted in, and the cohort totals ([STORE36]
 * [STORE37]): reading counts is O(1), a connection O(1). [PRES6] Every method runs to completion in one go on
 * the event loop, so each change is atomic and answered as if alone ([PERF22]). A participant's new
 * mode or team moves their count in the same synchronous step as the stored change
 * (participantUpdated, called at the end of the participant's transaction).
 *
 * Files written before this keep their old presence tables, unused.
 */

type PresenceMethods = Pick<Store, 'presenceAdd' | 'presenceRemove' | 'presenceOnline' | 'presenceCounts' | 'presenceTeamCounts' | 'presenceIsOnline' | 'presenceClearNode'>;

export interface SqlitePresence extends PresenceMethods {
  /** Call inside the transaction that stores a participant's new mode or team (see mutateParticipant). */
  participantUpdated(after: Participant): void;
}

interface Online {
  cohort: Mode | null;
  team: string | null;
  /** This participant's open sockets in the event. */
  sockets: number;
}

interface EventPresence {
  online: Map<string, Online>;
  counts: CohortCounts;
}

/** `read` is the store's participant read (its parsed, cached record). */
export function createSqlitePresence(read: (participantId: string) => Participant | null): SqlitePresence {
  const sockets = new Map<string, { eventId: string; participantId: string; nodeId: string }>();
  const events = new Map<string, EventPresence>();

  const eventOf = (eventId: string): EventPresence => {
    let e = events.get(eventId);
    if (!e) events.set(eventId, (e = { online: new Map(), counts: { room: 0, remote: 0 } }));
    return e;
  };
  const countsOf = (eventId: string): CohortCounts => {
    const c = events.get(eventId)?.counts;
    return c ? { room: c.room, remote: c.remote } : { room: 0, remote: 0 };
  };
  const bump = (e: EventPresence, cohort: Mode | null, by: 1 | -1) => {
    if (cohort !== null) e.counts[cohort] += by;
  };
  /** The cohort and team an online participant counts in, from their stored record. */
  const placeAsStored = (eventId: string, participantId: string): { cohort: Mode | null; team: string | null } => {
    const p = read(participantId);
    return p && p.eventId === eventId ? { cohort: presenceCohort(p), team: p.team } : { cohort: null, team: null };
  };
  /** One socket of the participant closed: the last one takes them out of the online list and the counts. */
  const socketGone = (eventId: string, participantId: string): boolean => {
    const e = events.get(eventId);
    const o = e?.online.get(participantId);
    if (!e || !o) return false;
    if (--o.sockets > 0) return false;
    e.online.delete(participantId);
    bump(e, o.cohort, -1);
    if (e.online.size === 0) events.delete(eventId);
    return true;
  };

  const add = (eventId: string, participantId: string, socketId: string, nodeId: string): PresenceChange => {
    const known = sockets.get(socketId);
    // The same socket again (a retried write): counted once, as INSERT OR REPLACE did.
    if (known) return { changed: false, counts: countsOf(eventId) };
    sockets.set(socketId, { eventId, participantId, nodeId });
    const e = eventOf(eventId);
    const o = e.online.get(participantId);
    if (o) {
      o.sockets++;
      return { changed: false, counts: countsOf(eventId) };
    }
    const { cohort, team } = placeAsStored(eventId, participantId);
    e.online.set(participantId, { cohort, team, sockets: 1 });
    bump(e, cohort, 1);
    return { changed: true, counts: countsOf(eventId) };
  };

  const remove = (eventId: string, participantId: string, socketId: string): PresenceChange => {
    const s = sockets.get(socketId);
    if (!s || s.eventId !== eventId || s.participantId !== participantId) return { changed: false, counts: countsOf(eventId) };
    sockets.delete(socketId);
    return { changed: socketGone(eventId, participantId), counts: countsOf(eventId) };
  };

  return {
    async presenceAdd(eventId, participantId, socketId, nodeId) {
      return add(eventId, participantId, socketId, nodeId);
    },
    async presenceRemove(eventId, participantId, socketId) {
      return remove(eventId, participantId, socketId);
    },
    async presenceOnline(eventId) {
      return [...(events.get(eventId)?.online.keys() ?? [])];
    },
    async presenceCounts(eventId) {
      return countsOf(eventId);
    },
    async presenceTeamCounts(eventId) {
      const byTeam = new Map<string | null, TeamCohortCounts>();
      for (const o of events.get(eventId)?.online.values() ?? []) {
        if (o.cohort === null) continue;
        const t = byTeam.get(o.team) ?? { team: o.team, room: 0, remote: 0 };
        t[o.cohort]++;
        byTeam.set(o.team, t);
      }
      return [...byTeam.values()];
    },
    async presenceIsOnline(eventId, participantId) {
      return events.get(eventId)?.online.has(participantId) ?? false;
    },
    async presenceClearNode(nodeId) {
      for (const [socketId, s] of sockets) {
        if (s.nodeId !== nodeId) continue;
        sockets.delete(socketId);
        socketGone(s.eventId, s.participantId);
      }
    },
    participantUpdated(after) {
      const e = events.get(after.eventId);
      const o = e?.online.get(after.id);
      const cohort = presenceCohort(after);
      if (!e || !o || (o.cohort === cohort && o.team === after.team)) return;
      bump(e, o.cohort, -1);
      bump(e, cohort, 1);
      o.cohort = cohort;
      o.team = after.team;
    },
  };
}
