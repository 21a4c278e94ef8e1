import { DEFAULT_POLL_SETTINGS, type AgendaSession, type PollDraft } from '@rally/shared';
import { isoNow, type Clock } from '../clock.js';
import { createEvent } from '../domain/events.js';
import { createPoll } from '../domain/polls/authoring.js';
import type { Publisher } from '../domain/ports.js';
import type { EventRecord, Store } from '../store/store.js';
import { seedDemoQuestions } from './demo-questions.js';
import { seedDemoSurvey } from './demo-survey.js';

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

const settings = DEFAULT_POLL_SETTINGS;

/** Ready-to-launch polls, one of each kind, in the sessions where an SKO would run them. */
export const DEMO_POLLS: { sessionId: string; draft: PollDraft }[] = [
  {
    sessionId: 'opening-keynote',
    draft: { kind: 'wordcloud', question: 'One word for how you feel about this year', settings },
  },
  {
    sessionId: 'opening-keynote',
    draft: {
      kind: 'single',
      question: 'Which priority will move your number most this year?',
      options: ['Net-new logos', 'Expansion in existing accounts', 'Partner-sourced deals', 'Shorter sales cycles'],
      settings,
    },
  },
  {
    sessionId: 'product-launch',
    draft: {
      kind: 'multiple',
      question: 'Which Northwind Cloud 5 features will you lead with? Pick two.',
      options: ['AI forecasting', 'Usage-based pricing', 'EU data residency', 'One-click integrations', 'Offline mobile app'],
      maxPicks: 2,
      settings: { ...settings, resultsVisibility: 'after-close' },
    },
  },
  {
    sessionId: 'product-launch',
    draft: { kind: 'rating', question: 'How ready do you feel to pitch Cloud 5 tomorrow?', scale: 5, settings: { ...settings, durationSec: 60 } },
  },
  {
    sessionId: 'discovery-roleplay',
    draft: { kind: 'open', question: 'What is the toughest objection you hear in discovery calls?', settings: { ...settings, allowChange: false } },
  },
  {
    sessionId: 'awards',
    draft: { kind: 'nps', question: 'How likely are you to recommend this kickoff to a colleague?', settings: { ...settings, resultsVisibility: 'presenter' } },
  },
];

// Seeding runs before the server listens: there is nobody to tell.
const nobody: Publisher = { toEvent() {}, toRoles() {}, toParticipant() {}, toAudience() {}, setMode() {}, disconnectParticipant() {}, disconnectRoles() {} };

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
    // [DEMO4] Northwind's colours; no stream, as in a venue-only demo (set one from the moderator panel).
    stream: { kind: 'none' },
    branding: { logoUrl: null, primaryColor: '#0b3d91', accentColor: '#ffb000' },
  });
  for (const { sessionId, draft } of DEMO_POLLS) await createPoll({ ...deps, publish: nobody }, event.id, sessionId, draft);
  await seedDemoQuestions(deps, event);
  await seedDemoSurvey(deps, event);
  const live = await deps.store.setLive(event.id, 'opening-keynote', isoNow(deps.clock));
  return live.ok ? live.event : event;
}

export async function findDemoEvent(store: Store): Promise<EventRecord | null> {
  const events = await store.listEvents();
  return events.find((e) => e.name === DEMO_EVENT_NAME) ?? null;
}
