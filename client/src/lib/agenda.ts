import type { AgendaSession, PublicEvent } from '@rally/shared';

export function sortedAgenda(event: PublicEvent): AgendaSession[] {
  return [...event.agenda].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/** The live session, and the one after it (or, between sessions, the next one to start). */
export function nowAndNext(event: PublicEvent, now: Date = new Date()): { now: AgendaSession | null; next: AgendaSession | null } {
  const agenda = sortedAgenda(event);
  const live = agenda.find((s) => s.id === event.liveSessionId) ?? null;
  if (live) {
    const i = agenda.indexOf(live);
    return { now: live, next: agenda[i + 1] ?? null };
  }
  const iso = now.toISOString();
  return { now: null, next: agenda.find((s) => s.startsAt > iso) ?? null };
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function timeRange(s: AgendaSession): string {
  return `${timeFmt.format(new Date(s.startsAt))}–${timeFmt.format(new Date(s.endsAt))}`;
}
