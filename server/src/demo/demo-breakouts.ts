import { defaultFormat, quickRooms, RoundDraft } from '@rally/shared';
import type { Clock } from '../clock.js';
import { createRound } from '../domain/breakout/rounds.js';
import type { Publisher } from '../domain/ports.js';
import { newId } from '../ids.js';
import type { EventRecord, Store } from '../store/store.js';

/**
 * [DEMO8] The demo event's breakout plans, in its "Regional breakouts" session: a discovery role-play
 * for the remote sellers (rooms of three: seller, buyer, observer, with briefs and a rubric) and an
 * open regional discussion grouped by team for everyone. Drafts: a moderator assigns and opens them
 * from the console's Breakouts section.
 */
export function demoRoundDrafts(): RoundDraft[] {
  return [
    RoundDraft.parse({
      title: 'Discovery role-play',
      durationSec: 15 * 60,
      audience: 'remote',
      strategy: { kind: 'random' },
      format: defaultFormat('rolePlay', newId),
      rooms: quickRooms(4, 3, newId),
    }),
    RoundDraft.parse({
      title: 'Regional pipeline review',
      durationSec: 20 * 60,
      audience: 'everyone',
      strategy: { kind: 'attribute', attribute: 'team', how: 'group' },
      format: { kind: 'open' },
      rooms: ['EMEA', 'North America', 'APAC', 'LATAM'].map((name, i) => ({ ...quickRooms(1, 40, newId)[0]!, name, topic: i === 0 ? 'Top three deals at risk and what would unblock them' : 'Top three deals at risk' })),
    }),
  ];
}

export async function seedDemoBreakouts(deps: { store: Store; clock: Clock; publish: Publisher }, event: EventRecord): Promise<void> {
  const session = event.agenda.find((s) => s.id === 'regional-breakouts')?.id ?? null;
  for (const draft of demoRoundDrafts()) await createRound(deps, event.id, session, draft);
}
