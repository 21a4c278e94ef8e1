import type { Participant } from '@rally/shared';

/**
 * [STAGE46] How long an attendee's last socket may be closed before they have left: a connection
 * that comes back within it (a Wi-Fi blink, a reload, a phone locking and waking) is one stay, not a
 * `left` and a `joined`. Ten seconds covers Socket.IO's reconnection backoff (0.5–5 s) and a reload.
 */
export const ATTENDANCE_GRACE_MS = 10_000;

/** An attendee whose last socket closed: their `left` waits for the grace to pass. */
export interface Departure {
  /** The participant as they were when their last socket closed (cohort and team of the entries). */
  participant: Participant;
  /** The session live when they went (its `sessionLeft` goes with the `left`). */
  sessionId: string | null;
  /** When the last socket closed: the time of the entries, if they are written. */
  at: string;
}

/**
 * [STAGE46] The attendees of this node within their grace. `depart` holds a departure; `resume`
 * takes it back when the participant comes online again on this node in time; `due` hands over
 * the departures whose grace has passed; `takeAll` every one (shutdown writes them at once).
 * Node-local by design: on another node the participant comes back with a `joined` of its own, and
 * this node, when the grace ends, sees them online in the shared presence and writes no `left`.
 */
export interface AttendanceGrace {
  readonly graceMs: number;
  depart(d: Departure, nowMs: number): void;
  resume(participantId: string): Departure | null;
  due(nowMs: number): Departure[];
  takeAll(): Departure[];
  readonly size: number;
}

export function createAttendanceGrace(graceMs = ATTENDANCE_GRACE_MS): AttendanceGrace {
  // Insertion order is departure order, and every departure waits the same grace, so the due ones
  // are a prefix: `due` stops at the first that is not. A re-departure moves to the end.
  const pending = new Map<string, { d: Departure; dueMs: number }>();
  return {
    graceMs,
    depart(d, nowMs) {
      pending.delete(d.participant.id);
      pending.set(d.participant.id, { d, dueMs: nowMs + graceMs });
    },
    resume(participantId) {
      const p = pending.get(participantId);
      if (!p) return null;
      pending.delete(participantId);
      return p.d;
    },
    due(nowMs) {
      const out: Departure[] = [];
      for (const [id, p] of pending) {
        if (p.dueMs > nowMs) break;
        pending.delete(id);
        out.push(p.d);
      }
      return out;
    },
    takeAll() {
      const out = [...pending.values()].map((p) => p.d);
      pending.clear();
      return out;
    },
    get size() {
      return pending.size;
    },
  };
}
