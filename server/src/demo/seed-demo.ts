import type { AgendaSession } from '@rally/shared';
import type { Clock } from '../clock.js';
import { createEvent } from '../domain/events.js';
import type { EventRecord, Store } from '../store/store.js';

export const DEMO_EVENT_NAME = 'Northwind Sales Kickoff 2027';

/** Today's agenda, laid out from the current hour so "now" and "next" are meaningful in a demo. */
function demoAgenda(clock: Clock): AgendaSession[] {
  const start = new Date(clock.now());
  start.setUTCMinutes(0, 0, 0);
  const at = (h: number) => new Date(start.getTime() + h * 3_600_000).toISOString();
  return [
    { id: 'opening-keynote', title: 'Opening keynote: Win the year', kind: 'keynote', startsAt: at(0), endsAt: at(1), speakers: ['Dana Whitfield, CRO'] },
    { id: 'product-launch', title: 'Product launch: Northwind Cloud 5', kind: 'keynote', startsAt: at(1), endsAt: at(2), speakers: ['Priya Raman, CPO'] },
    { id: 'discovery-roleplay', title: 'Discovery role-play workshop', kind: 'workshop', startsAt: at(2), endsAt: at(3), speakers: ['Enablement team'] },
    { id: 'regional-breakouts', title: 'Regional breakouts', kind: 'breakout', startsAt: at(3), endsAt: at(4), speakers: [] },
    { id: 'awards', title: "President's Club awards", kind: 'awards', startsAt: at(4), endsAt: at(5), speakers: ['Dana Whitfield, CRO'] },
  ];
}

/**
 * [DEMO1] On first start with an empty store, create a demo SKO so a newcomer has something to
 * open. Each capability adds its own demo content here (polls, questions, quizzes, breakout plans).
 */
export async function seedDemoIfEmpty(deps: { store: Store; clock: Clock }): Promise<EventRecord | null> {
  const existing = await deps.store.listEvents();
  if (existing.length > 0) return null;
  const event = await createEvent(deps, {
    name: DEMO_EVENT_NAME,
    teams: ['EMEA', 'North America', 'APAC', 'LATAM'],
    agenda: demoAgenda(deps.clock),
    settings: {},
  });
  const live = await deps.store.setLiveSession(event.id, 'opening-keynote');
  return live ?? event;
}

export async function findDemoEvent(store: Store): Promise<EventRecord | null> {
  const events = await store.listEvents();
  return events.find((e) => e.name === DEMO_EVENT_NAME) ?? null;
}
