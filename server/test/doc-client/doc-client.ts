import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';

/*
 * [OPS90] A Rally client written from docs/PROTOCOL.md alone: raw socket.io-client and fetch, every
 * type and every check below copied by hand from that page. It imports nothing from shared/ or
 * server/ on purpose: if the page leaves out something a client needs, this file cannot be written
 * (or its checks fail), and the page is what gets fixed.
 */

/** "The protocol version is the number 1." */
export const DOC_PROTOCOL_VERSION = 1;

export type Mode = 'room' | 'remote';
export type Role = 'attendee' | 'presenter' | 'moderator' | 'admin' | 'screen';

export interface AgendaSession {
  id: string;
  title: string;
  kind: 'keynote' | 'breakout' | 'workshop' | 'awards' | 'break';
  startsAt: string;
  endsAt: string;
  speakers: string[];
}

export interface Participant {
  id: string;
  eventId: string;
  name: string;
  role: Role;
  mode: Mode;
  team: string | null;
  banned: boolean;
  joinedAt: string;
  email?: string | null;
}

export interface PublicEvent {
  id: string;
  code: string;
  name: string;
  teams: string[];
  agenda: AgendaSession[];
  liveSessionId: string | null;
  settings: { allowAnonymousQuestions: boolean; moderation: 'pre' | 'post'; verifyRoomMode?: boolean };
  liveSessionStartedAt: string | null;
  stream: { kind: 'none' } | { kind: 'hls'; url: string } | { kind: 'livekit'; roomName: string };
  branding: { logoUrl: string | null; primaryColor: string; accentColor: string };
  createdAt: string;
}

export interface JoinResponse {
  token: string;
  participant: Participant;
  event: PublicEvent;
  notice?: { reason: 'room-code-required' | 'room-code-invalid' | 'room-code-blocked'; message: string };
}

export interface CreateEventResponse {
  event: PublicEvent;
  code: string;
  links: { attendee: string; presenter: string; moderator: string; stage: string };
}

export interface Poll {
  id: string;
  eventId: string;
  sessionId: string | null;
  order: number;
  kind: 'single' | 'multiple' | 'rating' | 'nps' | 'wordcloud' | 'open';
  question: string;
  options?: { id: string; label: string }[];
  settings: { anonymous: boolean; resultsVisibility: 'live' | 'after-close' | 'presenter'; allowChange: boolean; durationSec: number | null };
  state: 'draft' | 'live' | 'closed';
  createdAt: string;
  openedAt: string | null;
  closesAt: string | null;
  closedAt: string | null;
  revealed: boolean;
  presentAtClose: { room: number; remote: number } | null;
}

export interface PollResults {
  pollId: string;
  kind: Poll['kind'];
  version: number;
  state: Poll['state'];
  totals: { room: number; remote: number };
  present: { room: number; remote: number };
  participation: { room: number; remote: number };
  options?: { optionId: string; room: number; remote: number }[];
}

export type VoteInput = { kind: 'single'; optionId: string } | { kind: 'multiple'; optionIds: string[] } | { kind: 'rating' | 'nps'; value: number } | { kind: 'wordcloud' | 'open'; text: string };

export interface QuestionView {
  id: string;
  eventId: string;
  sessionId: string | null;
  text: string;
  authorName: string | null;
  anonymous: boolean;
  origin: { kind: 'room' } | { kind: 'remote' } | { kind: 'breakout'; roomId: string; cohort: Mode };
  state: 'pending' | 'approved' | 'dismissed' | 'answered';
  highlighted: boolean;
  reply: string | null;
  edited: boolean;
  votes: number;
  createdAt: string;
  answeredAt: string | null;
  rev: number;
  mine?: true;
  flagged?: boolean;
  askerBanned?: boolean;
}

export interface Snapshot {
  serverTime: string;
  event: PublicEvent;
  me: Participant;
  presence?: { online: Participant[]; counts: { room: number; remote: number } };
  polls: { poll: Poll; results: PollResults | null }[];
  myVotes: Record<string, VoteInput>;
  qa: { questions: QuestionView[]; myUpvotes: string[]; votesVersion: number; askingBanned: boolean };
  stage: { onStage: unknown; roomCode?: { code: string; validUntil: string; joinUrl: string }; announcement: unknown; chat: unknown };
  [more: string]: unknown;
}

/** "The ack is always `{ ok: true, data } | { ok: false, error: { code, message } }`." */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; retryAfterMs?: number } };

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code: string; message: string } },
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

async function rest<T>(origin: string, method: string, path: string, body?: unknown, bearer?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new RestError(res.status, json);
  return json;
}

export const createEvent = (origin: string, adminToken: string, body: { name: string; teams?: string[]; agenda?: AgendaSession[] }) =>
  rest<CreateEventResponse>(origin, 'POST', '/api/events', body, adminToken);

export const join = (origin: string, body: { code: string; name: string; team?: string; mode?: Mode; roomCode?: string; key?: string; token?: string }) =>
  rest<JoinResponse>(origin, 'POST', '/api/join', body);

/** "Links: … moderator `/e/CODE/moderator#key=KEY`": the key is what follows `#key=`. */
export const keyOf = (link: string): string => new URL(link).hash.replace(/^#key=/, '');

/** One connection: the snapshot it opened with and every fact since, in order. */
export class DocClient {
  readonly facts: { name: string; payload: any }[] = [];
  private waiters: { name: string; pred: (p: any) => boolean; resolve: (p: any) => void }[] = [];

  private constructor(
    readonly socket: Socket,
    readonly snapshot: Snapshot,
  ) {
    socket.onAny((name: string, payload: unknown) => {
      this.facts.push({ name, payload });
      for (const w of [...this.waiters]) {
        if (w.name === name && w.pred(payload)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(payload);
        }
      }
    });
  }

  /**
   * "The first message of every connection … is `snapshot`." Resolves with it, or rejects with the
   * handshake's refusal (`err.data = { code, message }`).
   */
  static connect(origin: string, token: string, protocolVersion: number = DOC_PROTOCOL_VERSION): Promise<DocClient> {
    const socket = io(origin, { auth: { token, protocolVersion }, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('snapshot', (snap: Snapshot) => resolve(new DocClient(socket, snap)));
      socket.once('connect_error', (err: Error & { data?: { code: string; message: string } }) => {
        socket.close();
        reject(Object.assign(new Error(err.message), { data: err.data }));
      });
    });
  }

  /** "Every command is `socket.emit(name, payload, ack)`. Every payload carries `id`." */
  command<T>(name: string, payload: Record<string, unknown> = {}, id: string = randomUUID()): Promise<Ack<T>> {
    return this.socket.timeout(5_000).emitWithAck(name, { id, ...payload });
  }

  /** The next fact of this name that passes `pred`, counted from now: call it before the command that causes it. */
  next<T = any>(name: string, pred: (p: T) => boolean = () => true, timeoutMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const w = { name, pred, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(new Error(`no ${name} within ${timeoutMs} ms`));
        }
      }, timeoutMs);
    });
  }

  close(): void {
    this.socket.close();
  }
}

/*
 * Checks written from the page's shape lines: each returns the differences it found (empty: the
 * message has the documented shape). Only what the page promises is checked.
 */

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isBool: Check = (v) => typeof v === 'boolean';
const isInt: Check = (v) => Number.isInteger(v);
const isRate: Check = (v) => typeof v === 'number' && v >= 0 && v <= 1;
const nullable = (c: Check): Check => (v) => v === null || c(v);
const oneOf = (...xs: unknown[]): Check => (v) => xs.includes(v);
/** "1–64 of `A–Z a–z 0–9 _ -`" */
export const isId: Check = (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);
/** "Times the server sets carry milliseconds" (UTC, `Z`). */
export const isTime: Check = (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v) && !Number.isNaN(Date.parse(v));
/** "Agenda times come back as the organiser sent them": any ISO 8601 date-time in UTC. */
const isUtcTime: Check = (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(v) && !Number.isNaN(Date.parse(v));
const isCohorts = (c: Check): Check => (v) => typeof v === 'object' && v !== null && c((v as any).room) && c((v as any).remote);

function fields(what: string, v: unknown, spec: Record<string, Check>, optional: Record<string, Check> = {}): string[] {
  if (typeof v !== 'object' || v === null) return [`${what} is not an object`];
  const o = v as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, c] of Object.entries(spec)) if (!(k in o) || !c(o[k])) out.push(`${what}.${k} = ${JSON.stringify(o[k])}`);
  for (const [k, c] of Object.entries(optional)) if (k in o && !c(o[k])) out.push(`${what}.${k} = ${JSON.stringify(o[k])}`);
  return out;
}

export const checkParticipant = (v: unknown, what = 'participant') =>
  fields(what, v, { id: isId, eventId: isId, name: isString, role: oneOf('attendee', 'presenter', 'moderator', 'admin', 'screen'), mode: oneOf('room', 'remote'), team: nullable(isString), banned: isBool, joinedAt: isTime }, { email: nullable(isString) });

export const checkAgendaSession = (v: unknown, what = 'session') =>
  fields(what, v, {
    id: isId,
    title: (t) => typeof t === 'string' && t.length >= 1 && t.length <= 120,
    kind: oneOf('keynote', 'breakout', 'workshop', 'awards', 'break'),
    startsAt: isUtcTime,
    endsAt: isUtcTime,
    speakers: (s) => Array.isArray(s) && s.length <= 10 && s.every(isString),
  });

export function checkPublicEvent(v: unknown, what = 'event'): string[] {
  const out = fields(what, v, {
    id: isId,
    code: (c) => typeof c === 'string' && /^[34679ACDEFGHJKMNPQRTUVWXY]{6}$/.test(c),
    name: isString,
    teams: (t) => Array.isArray(t) && t.every(isString),
    agenda: Array.isArray,
    liveSessionId: nullable(isId),
    settings: (s) => fields('settings', s, { allowAnonymousQuestions: isBool, moderation: oneOf('pre', 'post') }, { verifyRoomMode: isBool }).length === 0,
    liveSessionStartedAt: nullable(isTime),
    stream: (s) => typeof s === 'object' && s !== null && ['none', 'hls', 'livekit'].includes((s as any).kind),
    branding: (b) => fields('branding', b, { logoUrl: nullable(isString), primaryColor: (c) => typeof c === 'string' && /^#[0-9a-f]{6}$/.test(c), accentColor: (c) => typeof c === 'string' && /^#[0-9a-f]{6}$/.test(c) }).length === 0,
    createdAt: isTime,
  });
  for (const [i, s] of ((v as PublicEvent)?.agenda ?? []).entries()) out.push(...checkAgendaSession(s, `${what}.agenda[${i}]`));
  if (v && typeof v === 'object' && 'keys' in v) out.push(`${what} carries keys`);
  return out;
}

export const checkPoll = (v: unknown, what = 'poll') =>
  fields(
    what,
    v,
    {
      id: isId,
      eventId: isId,
      sessionId: nullable(isId),
      order: isInt,
      kind: oneOf('single', 'multiple', 'rating', 'nps', 'wordcloud', 'open'),
      question: isString,
      settings: (s) => fields('settings', s, { anonymous: isBool, resultsVisibility: oneOf('live', 'after-close', 'presenter'), allowChange: isBool, durationSec: nullable(isInt) }).length === 0,
      state: oneOf('draft', 'live', 'closed'),
      createdAt: isTime,
      openedAt: nullable(isTime),
      closesAt: nullable(isTime),
      closedAt: nullable(isTime),
      revealed: isBool,
      presentAtClose: nullable(isCohorts(isInt)),
    },
    { options: (o) => Array.isArray(o) && o.every((x) => isId(x?.id) && isString(x?.label)) },
  );

export const checkPollResults = (v: unknown, what = 'results') =>
  fields(
    what,
    v,
    { pollId: isId, kind: isString, version: isInt, state: oneOf('draft', 'live', 'closed'), totals: isCohorts(isInt), present: isCohorts(isInt), participation: isCohorts(isRate) },
    { options: (o) => Array.isArray(o) && o.every((x) => isId(x?.optionId) && isInt(x?.room) && isInt(x?.remote)) },
  );

export const checkQuestionView = (v: unknown, what = 'question') =>
  fields(
    what,
    v,
    {
      id: isId,
      eventId: isId,
      sessionId: nullable(isId),
      text: isString,
      authorName: nullable(isString),
      anonymous: isBool,
      origin: (o) => typeof o === 'object' && o !== null && ['room', 'remote', 'breakout'].includes((o as any).kind),
      state: oneOf('pending', 'approved', 'dismissed', 'answered'),
      highlighted: isBool,
      reply: nullable(isString),
      edited: isBool,
      votes: (n) => isInt(n) && (n as number) >= 0,
      createdAt: isTime,
      answeredAt: nullable(isTime),
      rev: (n) => isInt(n) && (n as number) >= 0,
    },
    { mine: oneOf(true), flagged: isBool, askerBanned: isBool },
  );

export function checkSnapshot(v: unknown): string[] {
  const out = fields('snapshot', v, {
    serverTime: isTime,
    event: (e) => checkPublicEvent(e).length === 0,
    me: (p) => checkParticipant(p).length === 0,
    polls: (ps) => Array.isArray(ps) && ps.every((p) => checkPoll(p?.poll).length === 0 && (p?.results === null || checkPollResults(p?.results).length === 0)),
    myVotes: (m) => typeof m === 'object' && m !== null,
    qa: (q) => fields('qa', q, { questions: Array.isArray, myUpvotes: Array.isArray, votesVersion: isInt, askingBanned: isBool }).length === 0,
    stage: (s) => typeof s === 'object' && s !== null && 'onStage' in s,
  });
  if (out.length && v && typeof v === 'object') {
    const s = v as Snapshot;
    out.push(...checkPublicEvent(s.event, 'snapshot.event'), ...checkParticipant(s.me, 'snapshot.me'));
  }
  return out;
}
