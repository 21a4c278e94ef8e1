import type { SurveyDraft } from '@rally/shared';
import type { Clock } from '../clock.js';
import { defineSurvey } from '../domain/engagement/survey.js';
import type { EventRecord, Store } from '../store/store.js';

/** [DEMO5] The end-of-day survey of the demo event: a draft, ready to open from the moderator panel. */
export const DEMO_SURVEY: SurveyDraft = {
  title: 'How was day one?',
  anonymous: false,
  questions: [
    { kind: 'rating', prompt: 'How useful was today for your pipeline?', required: true },
    { kind: 'nps', prompt: 'How likely are you to recommend this kickoff to a colleague?', required: true },
    { kind: 'text', prompt: 'What should we change for day two?', required: false },
  ],
};

const nobody = { toEvent: () => {}, toRoles: () => {} };

export async function seedDemoSurvey(deps: { store: Store; clock: Clock }, event: EventRecord): Promise<void> {
  await defineSurvey({ store: deps.store, clock: deps.clock, publish: nobody }, event.id, DEMO_SURVEY);
}
