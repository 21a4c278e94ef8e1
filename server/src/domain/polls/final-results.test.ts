import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Poll } from '@rally/shared';
import { drafts, pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { buildSnapshot } from '../snapshot.js';
import { createPoll } from './authoring.js';
import { closePoll, launchPoll } from './lifecycle.js';
import { moderateAnswer } from './moderation.js';
import { castVote } from './voting.js';

let k: PollKit;
beforeEach(async () => {
  k = await pollKit();
});
afterEach(() => k.close());

const launched = async (draft: Parameters<typeof createPoll>[3]): Promise<Poll> =>
  launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', draft)).id);

describe('final results of closed polls', () => {
  it('[POLL26] a snapshot reads a closed poll\'s stored results and tallies only the live polls', async () => {
    const me = await k.person();
    const mod = await k.person({ role: 'moderator' });
    const done = await launched(drafts.single());
    await castVote(k.deps, k.event.id, me.id, done.id, { kind: 'single', optionId: 'o2' });
    await closePoll(k.deps, k.event.id, done.id);
    const live = await launched(drafts.single());
    const before = (await buildSnapshot(k.deps, me, k.event)).polls;

    const tallies = vi.spyOn(k.store, 'getTally');
    const after = await buildSnapshot(k.deps, me, k.event);
    await buildSnapshot(k.deps, mod, k.event);
    expect(tallies.mock.calls.map(([id]) => id)).toEqual([live.id, live.id]);
    // What the client sees is what the tally gave.
    expect(after.polls).toEqual(before);
    expect(after.polls.find((v) => v.poll.id === done.id)?.results).toMatchObject({ state: 'closed', totals: { room: 1, remote: 0 } });
  });

  it('[POLL26] [POLL17] [ENG18] a closed open-text poll keeps its counts stored but its wall live: moderation after close and a renamed author show', async () => {
    const me = await k.person();
    const mod = await k.person({ role: 'moderator' });
    const poll = await launched(drafts.open({ anonymous: false }));
    await castVote(k.deps, k.event.id, me.id, poll.id, { kind: 'open', text: 'More demos' });
    await closePoll(k.deps, k.event.id, poll.id);
    const [answer] = await k.store.listAnswers(poll.id);
    await moderateAnswer(k.deps, k.event.id, poll.id, answer!.id, true);
    await k.store.updateParticipant(me.id, { name: 'Deleted participant' });
    const view = (await buildSnapshot(k.deps, mod, k.event)).polls.find((v) => v.poll.id === poll.id);
    expect(view?.results).toMatchObject({ kind: 'open', totals: { room: 1 }, approved: 1, entries: [{ text: 'More demos', author: 'Deleted participant' }] });
    // The stored copy holds no answers or names.
    expect((await k.store.getFinalResults(poll.id))?.results).toMatchObject({ entries: [], approved: 0 });
  });
});
