import { DEFAULT_POLL_SETTINGS, type AgendaSession, type PollDraft } from '@rally/shared';
import type { Clock } from '../clock.js';
import { createEvent } from '../domain/events.js';
import { createPoll } from '../domain/polls/authoring.js';
import type { Publisher } from '../domain/ports.js';
import type { EventRecord, Store } from '../store/store.js';
import { seedDemoQuestions } from './demo-questions.js';
import { seedDemoSurvey } from './demo-survey.js';
import { seedDemoBreakouts } from './demo-breakouts.js';

export const DEMO_EVENT_NAME = 'Northwind Sales Kickoff 2027';

/** How far into its opening keynote a fresh demo starts: a running session, with most of it to come. */
export const DEMO_KEYNOTE_RUNNING_MIN = 10;

/** The demo day, in order: id, title, kind, length in minutes, speakers. */
const DEMO_DAY: [id: string, title: string, kind: AgendaSession['kind'], minutes: number, speakers: string[]][] = [
  ['opening-keynote', 'Opening keynote: Win the year', 'keynote', 50, ['Dana Whitfield, CRO']],
  ['product-launch', 'Product launch: Northwind Cloud 5', 'keynote', 40, ['Priya Raman, CPO']],
  ['coffee-break', 'Coffee break', 'break', 20, []],
  ['discovery-roleplay', 'Discovery role-play workshop', 'workshop', 90, ['Enablement team']],
  ['regional-breakouts', 'Regional breakouts', 'breakout', 60, []],
  ['awards', "President's Club awards", 'awards', 45, ['Dana Whitfield, CRO']],
];

/**
 * [DEMO6] The agenda of a fresh demo: the opening keynote began a few minutes ago (on a 5-minute
 * mark, as real agendas do) and is live, the rest of the day follows back to back for hours. Laid out
 * from the current hour instead, a demo started at 10:55 was "over time" five minutes later.
 */
export function demoAgenda(clock: Clock): AgendaSession[] {
  const fiveMin = 5 * 60_000;
  let at = Math.floor((clock.now() - DEMO_KEYNOTE_RUNNING_MIN * 60_000) / fiveMin) * fiveMin;
  return DEMO_DAY.map(([id, title, kind, minutes, speakers]) => {
    const startsAt = new Date(at).toISOString();
    at += minutes * 60_000;
    return { id, title, kind, startsAt, endsAt: new Date(at).toISOString(), speakers };
  });
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
const nobody: Publisher = { toEvent() {}, toRoles() {}, toParticipant() {}, toParticipants() {}, toAudience() {}, setMode() {}, async placeInBreakoutRooms() {}, clearBreakoutRooms() {}, toBreakoutRoom() {}, disconnectParticipant() {}, disconnectRoles() {} };

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
  await seedDemoBreakouts({ ...deps, publish: nobody }, event);
  // Live since it began, so the presenter's timer shows elapsed and remaining time that add up.
  const keynote = event.agenda.find((s) => s.id === 'opening-keynote')!;
  const live = await deps.store.setLive(event.id, keynote.id, keynote.startsAt);
  return live.ok ? live.event : event;
}

/**
 * [DEMO7] A demo seeded on an earlier day would show an agenda that is over (and a presenter "over
 * time"): when every session of the demo event has ended, its day is laid out again from now with the
 * same session ids (so its polls and questions stay where they were) and the opening keynote is live
 * again from its new start. A demo whose day is still running is left alone.
 */
export async function refreshStaleDemo(deps: { store: Store; clock: Clock }): Promise<EventRecord | null> {
  const demo = await findDemoEvent(deps.store);
  if (!demo || demo.agenda.some((s) => Date.parse(s.endsAt) > deps.clock.now())) return null;
  const ids = new Set(demo.agenda.map((s) => s.id));
  const fresh = demoAgenda(deps.clock);
  // An agenda the organiser reshaped is theirs: only the untouched demo day is laid out again.
  if (fresh.length !== ids.size || !fresh.every((s) => ids.has(s.id))) return null;
  const at = new Date(deps.clock.now()).toISOString();
  await deps.store.setLive(demo.id, null, at);
  await deps.store.setAgenda(demo.id, fresh, at);
  const keynote = fresh[0]!;
  const live = await deps.store.setLive(demo.id, keynote.id, keynote.startsAt);
  return live.ok ? live.event : null;
}

export async function findDemoEvent(store: Store): Promise<EventRecord | null> {
  const events = await store.listEvents();
  return events.find((e) => e.name === DEMO_EVENT_NAME) ?? null;
}
