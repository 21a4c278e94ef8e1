import { ErrorCode, type FactPayload, type EventSettings, type Mode, type Participant, type qaFactSchemas, RallyError, type Role } from '@rally/shared';
import { createEvent } from '../../src/domain/events.js';
import type { AskBudget, AskDeps, QaPublisher } from '../../src/domain/qa/deps.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { EventRecord, Store } from '../../src/store/store.js';
import { fakeClock, type FakeClock } from './domain-kit.js';

type QaFact = keyof typeof qaFactSchemas | 'stage:changed';

export interface QaPublished {
  to: 'event' | 'roles' | 'participant';
  target: string;
  roles?: readonly Role[];
  fact: QaFact;
  payload: any;
}

export interface QaRecorder extends QaPublisher {
  published: QaPublished[];
  of<N extends QaFact>(fact: N): (QaPublished & { payload: FactPayload<N> })[];
  clear(): void;
}

/** Records every publish so a test can assert who was told what (and that nothing else was). */
export function qaRecorder(): QaRecorder {
  const published: QaPublished[] = [];
  return {
    published,
    toEvent: (eventId, fact, payload) => void published.push({ to: 'event', target: eventId, fact, payload }),
    toRoles: (eventId, roles, fact, payload) => void published.push({ to: 'roles', target: eventId, roles, fact, payload }),
    toParticipant: (participantId, fact, payload) => void published.push({ to: 'participant', target: participantId, fact, payload }),
    of: (fact) => published.filter((p) => p.fact === fact) as never,
    clear: () => void published.splice(0),
  };
}

/** An in-memory ask budget: `limit` asks per participant until reset(). */
export function countingBudget(limit = Number.POSITIVE_INFINITY): AskBudget & { spent: Map<string, number>; reset(): void } {
  const spent = new Map<string, number>();
  return {
    spent,
    async consume(participantId) {
      const n = (spent.get(participantId) ?? 0) + 1;
      if (n > limit) throw new RallyError(ErrorCode.RATE_LIMITED, 'you can ask 5 questions a minute; try again in 60 s');
      spent.set(participantId, n);
    },
    reset: () => spent.clear(),
  };
}

export interface QaKit {
  store: Store;
  clock: FakeClock;
  publish: QaRecorder;
  budget: ReturnType<typeof countingBudget>;
  rooms: Map<string, string>;
  deps: AskDeps;
  event: EventRecord;
  person(opts?: { role?: Role; mode?: Mode; name?: string }): Promise<Participant>;
  close(): Promise<void>;
}

let n = 0;

/**
 * A real in-memory store with the Q&A tables, a fake clock, a recording publisher, a counting
 * ask budget and a breakout locator backed by `rooms` (participant id -> room id), around one
 * event with an agenda whose live session is the keynote.
 */
export async function qaKit(settings: Partial<EventSettings> = {}): Promise<QaKit> {
  const store = createSqliteStore(':memory:');
  const clock = fakeClock();
  const publish = qaRecorder();
  const budget = countingBudget();
  const rooms = new Map<string, string>();
  const deps: AskDeps = { store, clock, publish, askBudget: budget, breakouts: { roomOf: async (_e, pid) => rooms.get(pid) ?? null } };
  const created = await createEvent(
    { store, clock },
    {
      name: 'QA Kit SKO',
      teams: [],
      agenda: [
        { id: 'keynote', title: 'Keynote', kind: 'keynote', startsAt: '2027-01-20T09:00:00.000Z', endsAt: '2027-01-20T10:00:00.000Z', speakers: [] },
        { id: 'workshop', title: 'Workshop', kind: 'workshop', startsAt: '2027-01-20T10:00:00.000Z', endsAt: '2027-01-20T11:00:00.000Z', speakers: [] },
      ],
      settings,
    },
  );
  const event = (await store.setLiveSession(created.id, 'keynote'))!;
  return {
    store,
    clock,
    publish,
    budget,
    rooms,
    deps,
    event,
    async person(opts = {}) {
      const p: Participant = {
        id: `qa_p${++n}`,
        eventId: event.id,
        name: opts.name ?? `Person ${n}`,
        role: opts.role ?? 'attendee',
        mode: opts.mode ?? 'room',
        team: null,
        banned: false,
        joinedAt: new Date(clock.now()).toISOString(),
      };
      await store.createParticipant(p);
      return p;
    },
    close: () => store.close(),
  };
}
