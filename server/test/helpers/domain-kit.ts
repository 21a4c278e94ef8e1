import { stringifyWithRaw } from '../../src/domain/raw-json.js';
import type { FactName, FactPayload, Mode, Participant, PollDraft, PollSettings, Role } from '@rally/shared';
import { DEFAULT_POLL_SETTINGS } from '@rally/shared';
import type { Clock } from '../../src/clock.js';
import { createEvent } from '../../src/domain/events.js';
import type { DomainDeps, Publisher, WithStage } from '../../src/domain/ports.js';
import type { Audience } from '../../src/domain/stage/deps.js';
import { kitStage, type KitStage } from './stage-services.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { EventRecord, Store } from '../../src/store/store.js';

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2027, 0, 20, 9, 0, 0)): FakeClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface Published {
  to: 'event' | 'roles' | 'participant' | 'audience' | 'room';
  target: string;
  roles?: readonly Role[];
  audience?: Audience;
  /** toRoles: not to sockets in the event's breakout rooms ([BRK85]). */
  outsideBreakouts?: boolean;
  fact: FactName;
  payload: unknown;
}

export interface RecordingPublisher extends Publisher {
  published: Published[];
  /** setMode calls, in order. */
  modeMoves: { eventId: string; participantId: string; mode: Mode }[];
  /** [BRK25] placeInBreakoutRooms moves (and clearBreakoutRooms as participantId '*'), in order. */
  breakoutMoves: { eventId: string; participantId: string; roomId: string | null; leave: string[] }[];
  of<N extends FactName>(fact: N): (Published & { payload: FactPayload<N> })[];
  clear(): void;
}

/** Records every publish so a test can assert who was told what (and that nothing else was). */
export function recordingPublisher(): RecordingPublisher {
  const published: Published[] = [];
  const modeMoves: RecordingPublisher['modeMoves'] = [];
  const breakoutMoves: RecordingPublisher['breakoutMoves'] = [];
  return {
    published,
    modeMoves,
    breakoutMoves,
    toEvent: (eventId, fact, payload) => void published.push({ to: 'event', target: eventId, fact, payload }),
    toRoles: (eventId, roles, fact, payload, opts) => void published.push({ to: 'roles', target: eventId, roles, fact, payload, ...(opts?.outsideBreakouts ? { outsideBreakouts: true } : {}) }),
    toParticipant: (participantId, fact, payload) => void published.push({ to: 'participant', target: participantId, fact, payload }),
    // Recorded as one toParticipant each: who was told what is the same.
    // As the client receives them: a personal payload may carry parts encoded once for many (RawJson).
    toParticipants: (fact, items) => void published.push(...items.map(({ participantId, payload }) => ({ to: 'participant' as const, target: participantId, fact, payload: JSON.parse(stringifyWithRaw(payload)) as typeof payload }))),
    toAudience: (eventId, audience, fact, payload) => void published.push({ to: 'audience', target: eventId, audience, fact, payload }),
    setMode: (eventId, participantId, mode) => void modeMoves.push({ eventId, participantId, mode }),
    placeInBreakoutRooms: async (eventId, moves, places) => {
      breakoutMoves.push(...(moves ?? []).map(({ participantId, roomId, leave }) => ({ eventId, participantId, roomId, leave: [...leave] })));
      published.push(...places.map(({ participantId, payload }) => ({ to: 'participant' as const, target: participantId, fact: 'breakout:assigned' as const, payload: JSON.parse(stringifyWithRaw(payload)) as typeof payload })));
    },
    clearBreakoutRooms: (eventId, roomIds) => void breakoutMoves.push({ eventId, participantId: '*', roomId: null, leave: [...roomIds] }),
    toBreakoutRoom: (eventId, roomId, fact, payload) => void published.push({ to: 'room', target: `${eventId}/${roomId}`, fact, payload }),
    disconnectParticipant: () => {},
    disconnectRoles: () => {},
    of: (fact) => published.filter((p) => p.fact === fact) as never,
    clear: () => {
      published.splice(0);
      modeMoves.splice(0);
      breakoutMoves.splice(0);
    },
  };
}

export interface PollKit {
  store: Store;
  clock: FakeClock;
  publish: RecordingPublisher;
  deps: WithStage<DomainDeps> & { stage: KitStage };
  event: EventRecord;
  person(opts?: { role?: Role; mode?: Mode; name?: string; team?: string | null; online?: boolean }): Promise<Participant>;
  close(): Promise<void>;
}

let n = 0;

/** A real store in memory, a fake clock and a recording publisher around one event with an agenda. */
export async function pollKit(): Promise<PollKit> {
  const store = createSqliteStore(':memory:');
  const clock = fakeClock();
  const publish = recordingPublisher();
  const deps = { store, clock, publish, stage: kitStage(clock) };
  const event = await createEvent(
    { store, clock },
    {
      name: 'Kit SKO',
      teams: ['EMEA', 'NA'],
      agenda: [
        { id: 'keynote', title: 'Keynote', kind: 'keynote', startsAt: '2027-01-20T09:00:00.000Z', endsAt: '2027-01-20T10:00:00.000Z', speakers: [] },
        { id: 'workshop', title: 'Workshop', kind: 'workshop', startsAt: '2027-01-20T10:00:00.000Z', endsAt: '2027-01-20T11:00:00.000Z', speakers: [] },
      ],
      settings: {},
    },
  );
  return {
    store,
    clock,
    publish,
    deps,
    event,
    async person(opts = {}) {
      const p: Participant = {
        id: `kit_p${++n}`,
        eventId: event.id,
        name: opts.name ?? `Person ${n}`,
        role: opts.role ?? 'attendee',
        mode: opts.mode ?? 'room',
        team: opts.team === undefined ? 'EMEA' : opts.team,
        banned: false,
        joinedAt: new Date(clock.now()).toISOString(),
      };
      await store.createParticipant(p);
      if (opts.online ?? true) await store.presenceAdd(event.id, p.id, `sock_${p.id}`, 'kit-node');
      return p;
    },
    close: () => store.close(),
  };
}

export const settings = (overrides: Partial<PollSettings> = {}): PollSettings => ({ ...DEFAULT_POLL_SETTINGS, ...overrides });

export const drafts = {
  single: (s: Partial<PollSettings> = {}): PollDraft => ({ kind: 'single', question: 'Which launch excites you most?', options: ['Cloud 5', 'Copilot', 'Edge'], settings: settings(s) }),
  multiple: (s: Partial<PollSettings> = {}, maxPicks = 2): PollDraft => ({ kind: 'multiple', question: 'Pick your focus areas', options: ['Pipeline', 'Pricing', 'Partners', 'People'], maxPicks, settings: settings(s) }),
  rating: (s: Partial<PollSettings> = {}, scale: 5 | 10 = 5): PollDraft => ({ kind: 'rating', question: 'Rate the keynote', scale, settings: settings(s) }),
  nps: (s: Partial<PollSettings> = {}): PollDraft => ({ kind: 'nps', question: 'Would you recommend this SKO?', settings: settings(s) }),
  wordcloud: (s: Partial<PollSettings> = {}): PollDraft => ({ kind: 'wordcloud', question: 'One word for this year', settings: settings(s) }),
  open: (s: Partial<PollSettings> = {}): PollDraft => ({ kind: 'open', question: 'What should we change?', settings: settings(s) }),
};
