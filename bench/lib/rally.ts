import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@rally/shared';
import { withTimeout } from './util.js';

export interface BenchEvent {
  eventId: string;
  code: string;
  /** The moderator key from the organiser's link. */
  moderatorKey: string;
  presenterKey: string;
  sessionIds: string[];
}

async function api<T>(url: string, path: string, init: { method?: string; body?: unknown; admin?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.admin) headers.authorization = `Bearer ${init.admin}`;
  const res = await fetch(url + path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const keyOf = (link: string) => new URL(link).hash.replace(/^#key=/, '');

/** An event shaped like a real kickoff: two teams and a two-session agenda (so there is a live session to switch). */
export async function createBenchEvent(url: string, adminToken: string, name: string): Promise<BenchEvent> {
  const start = Date.now() + 3600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const agenda = [
    { id: 'keynote-1', title: 'Opening keynote', kind: 'keynote', startsAt: iso(start), endsAt: iso(start + 3600_000), speakers: ['CEO'] },
    { id: 'keynote-2', title: 'Product roadmap', kind: 'keynote', startsAt: iso(start + 3600_000), endsAt: iso(start + 7200_000), speakers: ['CPO'] },
  ];
  const r = await api<{ event: { id: string; agenda: { id: string }[] }; code: string; links: { moderator: string; presenter: string } }>(url, '/api/events', {
    method: 'POST',
    admin: adminToken,
    body: { name, teams: ['EMEA', 'NA', 'APAC'], agenda },
  });
  return { eventId: r.event.id, code: r.code, moderatorKey: keyOf(r.links.moderator), presenterKey: keyOf(r.links.presenter), sessionIds: r.event.agenda.map((s) => s.id) };
}

export async function joinAs(url: string, code: string, name: string, key?: string): Promise<{ token: string; participantId: string }> {
  const r = await api<{ token: string; participant: { id: string } }>(url, '/api/join', { method: 'POST', body: { code, name, ...(key ? { key } : {}) } });
  return { token: r.token, participantId: r.participant.id };
}

/** A staff socket held by the runner itself (moderator, presenter): it triggers the broadcasts. */
export async function connectStaff(url: string, token: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token, protocolVersion: PROTOCOL_VERSION } });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      s.once('snapshot', () => resolve());
      s.once('connect_error', (e: Error) => reject(e));
    }),
    20_000,
    'staff socket snapshot',
  ).catch((e: unknown) => {
    s.disconnect();
    throw e;
  });
  return s;
}

/** Two names of the same length: B0 alternates them so every broadcast has the same size. */
export const BROADCAST_NAMES = ['Bench kickoff A', 'Bench kickoff B'] as const;

/**
 * Renames the event through the organiser API (`PATCH /api/events/:id`): Rally announces it to
 * everyone in the event as `event:updated`, with no per-participant work on the way (unlike
 * `session:setLive`, which also logs attendance for every online participant). Resolves with the
 * HTTP round trip in ms.
 */
export async function renameEvent(url: string, adminToken: string, eventId: string, name: string): Promise<number> {
  const t0 = performance.now();
  await api(url, `/api/events/${eventId}`, { method: 'PATCH', admin: adminToken, body: { name } });
  return performance.now() - t0;
}

/**
 * Creates a breakout round over REST ([BRK5]): a plan of 500 rooms is bigger than a socket frame
 * (16 KB), so `breakout:create` cannot carry it. Returns the round's id.
 */
export async function createBreakoutRound(url: string, adminToken: string, eventId: string, draft: Record<string, unknown>): Promise<string> {
  const round = await api<{ id: string }>(url, `/api/events/${eventId}/breakouts/rounds`, { method: 'POST', admin: adminToken, body: { sessionId: null, draft } });
  return round.id;
}

/**
 * The exact text frames Rally sends for `event:updated` after each rename (`42` = engine.io message
 * + socket.io event, then the JSON array), so the bare-ws baseline broadcasts the same bytes.
 */
export async function eventUpdatedFrames(url: string, ev: BenchEvent): Promise<string[]> {
  const { event } = await api<{ event: Record<string, unknown> }>(url, `/api/events/by-code/${ev.code}`);
  return BROADCAST_NAMES.map((name) => `42${JSON.stringify(['event:updated', { ...event, name }])}`);
}
