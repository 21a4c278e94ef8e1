import { nowAndNext as sharedNowAndNext, type AgendaSession, type PublicEvent } from '@rally/shared';

export function sortedAgenda(event: PublicEvent): AgendaSession[] {
  return [...event.agenda].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** The live session, and the one after it (or, between sessions, the next one to start). */
export function nowAndNext(event: PublicEvent, now: Date = new Date()): { now: AgendaSession | null; next: AgendaSession | null } {
  // [STAGE7] The shared rule, so every screen (and the server) agrees on now and next.
  return sharedNowAndNext(event.agenda, event.liveSessionId, now.getTime());
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function timeRange(s: AgendaSession): string {
  return `${timeFmt.format(new Date(s.startsAt))}–${timeFmt.format(new Date(s.endsAt))}`;
}
