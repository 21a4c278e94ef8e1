import type { QuestionOrigin, QuestionState } from '@rally/shared';
import type { Clock } from '../clock.js';
import { normaliseQuestion } from '../domain/qa/common.js';
import { newId } from '../ids.js';
import type { EventRecord, Store } from '../store/store.js';

export interface DemoQuestion {
  sessionId: string;
  text: string;
  /** null: asked anonymously. */
  author: string | null;
  origin: QuestionOrigin;
  state: QuestionState;
  votes: number;
  reply?: string;
}

/**
 * [DEMO3] A Q&A queue to show on first start: approved questions with votes from both cohorts, one
 * anonymous, one with a written reply, and one waiting for moderation (the demo event is
 * pre-moderated), so every Q&A screen has something in it.
 */
export const DEMO_QUESTIONS: DemoQuestion[] = [
  { sessionId: 'opening-keynote', text: 'How does the new comp plan treat multi-year deals?', author: 'Priya Shah', origin: { kind: 'remote' }, state: 'approved', votes: 7 },
  { sessionId: 'opening-keynote', text: 'Will Cloud 5 pricing be in the partner portal on day one?', author: null, origin: { kind: 'room' }, state: 'approved', votes: 4 },
  {
    sessionId: 'opening-keynote',
    text: 'Can remote sellers get the demo environment before Monday?',
    author: 'Tomás Rivera',
    origin: { kind: 'remote' },
    state: 'approved',
    votes: 5,
    reply: 'Yes: access links go out tonight to everyone on the attendee list.',
  },
  { sessionId: 'opening-keynote', text: 'Is the APAC territory split final?', author: 'Mei Lin', origin: { kind: 'room' }, state: 'pending', votes: 0 },
  { sessionId: 'product-launch', text: 'Does AI forecasting work with our existing CRM data?', author: 'Jonas Berg', origin: { kind: 'remote' }, state: 'approved', votes: 2 },
];

/**
 * Stored directly, not through question:submit: demo askers and voters are names, not
 * participants, so they never show up in presence or people lists.
 */
export async function seedDemoQuestions(deps: { store: Store; clock: Clock }, event: EventRecord): Promise<void> {
  let n = 0;
  for (const d of DEMO_QUESTIONS) {
    n++;
    const q = await deps.store.createQuestion({
      id: newId(),
      eventId: event.id,
      sessionId: d.sessionId,
      authorId: `demo-asker-${n}`,
      authorName: d.author,
      anonymous: d.author === null,
      origin: d.origin,
      text: d.text,
      normalised: normaliseQuestion(d.text),
      state: d.state,
      flagged: false,
      reply: d.reply ?? null,
      edited: false,
      createdAt: new Date(deps.clock.now() - (DEMO_QUESTIONS.length - n) * 60_000).toISOString(),
      answeredAt: null,
      rev: 0,
    });
    for (let v = 0; v < d.votes; v++) await deps.store.toggleUpvote(q.id, `demo-voter-${v}`, true);
  }
}
