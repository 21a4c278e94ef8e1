import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type Poll, type VoteInput } from '@rally/shared';
import { drafts, pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { setBanned } from '../participants.js';
import { createPoll } from './authoring.js';
import { closePoll, launchPoll } from './lifecycle.js';
import { moderateAnswer } from './moderation.js';
import { loadResults } from './results.js';
import { castVote } from './voting.js';

let k: PollKit;
beforeEach(async () => {
  k = await pollKit();
});
afterEach(() => k.close());

const launched = async (draft: Parameters<typeof createPoll>[3]): Promise<Poll> =>
  launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', draft)).id);

/** Expects a typed refusal that counted nothing and told no one. */
async function refused(poll: Poll, participantId: string, vote: VoteInput, code: ErrorCode) {
  const before = await k.store.getTally(poll.id);
  const published = k.publish.published.length;
  await expect(castVote(k.deps, k.event.id, participantId, poll.id, vote)).rejects.toMatchObject({ code });
  expect(await k.store.getTally(poll.id)).toEqual(before);
  expect(k.publish.published.length).toBe(published);
}

describe('voting', () => {
  it('[POLL11] only a non-banned attendee of this event votes, on a live poll of this event', async () => {
    const att = await k.person();
    const presenter = await k.person({ role: 'presenter' });
    const mod = await k.person({ role: 'moderator' });
    const banned = await k.person();
    const poll = await launched(drafts.single());
    const vote: VoteInput = { kind: 'single', optionId: 'o1' };

    await refused(poll, presenter.id, vote, ErrorCode.FORBIDDEN);
    await setBanned(k.deps, k.event.id, mod.id, banned.id, true);
    await refused(poll, banned.id, vote, ErrorCode.BANNED);
    await expect(castVote(k.deps, 'another-event', att.id, poll.id, vote)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    const draft = await createPoll(k.deps, k.event.id, 'keynote', drafts.single());
    await expect(castVote(k.deps, k.event.id, att.id, draft.id, vote)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await closePoll(k.deps, k.event.id, poll.id);
    await refused(poll, att.id, vote, ErrorCode.INVALID_STATE);
    expect(await k.store.listVotes(poll.id)).toEqual([]);
  });

  it('[POLL12] a vote that does not fit the poll is BAD_REQUEST and counts nothing', async () => {
    const att = await k.person();
    const single = await launched(drafts.single());
    const multiple = await launched(drafts.multiple({}, 2));
    const rating = await launched(drafts.rating({}, 5));
    await refused(single, att.id, { kind: 'multiple', optionIds: ['o1'] }, ErrorCode.BAD_REQUEST);
    await refused(single, att.id, { kind: 'single', optionId: 'o9' }, ErrorCode.BAD_REQUEST);
    await refused(multiple, att.id, { kind: 'multiple', optionIds: ['o1', 'o2', 'o3'] }, ErrorCode.BAD_REQUEST);
    await refused(multiple, att.id, { kind: 'multiple', optionIds: ['o1', 'o1'] }, ErrorCode.BAD_REQUEST);
    await refused(multiple, att.id, { kind: 'multiple', optionIds: ['o1', 'nope'] }, ErrorCode.BAD_REQUEST);
    await refused(rating, att.id, { kind: 'rating', value: 6 }, ErrorCode.BAD_REQUEST);
    await refused(rating, att.id, { kind: 'nps', value: 3 }, ErrorCode.BAD_REQUEST);
  });

  it('[POLL13] an identical repeat changes nothing: the same picks in another order are the same vote', async () => {
    const att = await k.person();
    const poll = await launched(drafts.multiple({ allowChange: false }, 2));
    const first = await castVote(k.deps, k.event.id, att.id, poll.id, { kind: 'multiple', optionIds: ['o3', 'o1'] });
    expect(first).toEqual({ pollId: poll.id, vote: { kind: 'multiple', optionIds: ['o1', 'o3'] }, filtered: false });
    const tally = await k.store.getTally(poll.id);
    expect(await castVote(k.deps, k.event.id, att.id, poll.id, { kind: 'multiple', optionIds: ['o1', 'o3'] })).toEqual(first);
    expect(await k.store.getTally(poll.id)).toEqual(tally);
    expect(tally?.counters).toEqual({ 'opt:o1:room': 1, 'opt:o3:room': 1, 'voters:room': 1 });
  });

  it('[POLL14] with allowChange a new vote moves the old one; without, it is CONFLICT', async () => {
    const att = await k.person({ mode: 'remote' });
    const changeable = await launched(drafts.single());
    await castVote(k.deps, k.event.id, att.id, changeable.id, { kind: 'single', optionId: 'o1' });
    await castVote(k.deps, k.event.id, att.id, changeable.id, { kind: 'single', optionId: 'o3' });
    expect((await k.store.getTally(changeable.id))?.counters).toEqual({ 'opt:o3:remote': 1, 'voters:remote': 1 });

    const fixed = await launched(drafts.single({ allowChange: false }));
    await castVote(k.deps, k.event.id, att.id, fixed.id, { kind: 'single', optionId: 'o1' });
    await refused(fixed, att.id, { kind: 'single', optionId: 'o2' }, ErrorCode.CONFLICT);
  });

  it('[POLL15] a vote counts in the cohort of the voter\'s mode when it is cast', async () => {
    const att = await k.person({ mode: 'room' });
    const poll = await launched(drafts.nps());
    await castVote(k.deps, k.event.id, att.id, poll.id, { kind: 'nps', value: 9 });
    await k.store.updateParticipant(att.id, { mode: 'remote' });
    await castVote(k.deps, k.event.id, att.id, poll.id, { kind: 'nps', value: 10 });
    expect((await k.store.getTally(poll.id))?.counters).toEqual({ 'val:10:remote': 1, 'voters:remote': 1 });
  });

  it('[POLL16] word-cloud entries are normalised and counted together; profanity counts as participation but never shows', async () => {
    const [a, b, c] = [await k.person(), await k.person({ mode: 'remote' }), await k.person()];
    const poll = await launched(drafts.wordcloud());
    expect((await castVote(k.deps, k.event.id, a.id, poll.id, { kind: 'wordcloud', text: '  Customer   FIRST ' })).vote).toEqual({ kind: 'wordcloud', text: 'customer first' });
    await castVote(k.deps, k.event.id, b.id, poll.id, { kind: 'wordcloud', text: 'customer first' });
    const rude = await castVote(k.deps, k.event.id, c.id, poll.id, { kind: 'wordcloud', text: 'SH1T show' });
    expect(rude.filtered).toBe(true);
    const results = await loadResults(k.store, (await k.store.getPoll(poll.id))!);
    expect(results).toMatchObject({ kind: 'wordcloud', totals: { room: 2, remote: 1 }, words: [{ text: 'customer first', count: 2, room: 1, remote: 1 }] });
    await refused(poll, a.id, { kind: 'wordcloud', text: 'x'.repeat(41) }, ErrorCode.BAD_REQUEST);
  });

  it('[POLL17] open answers wait for moderation (moderators see them, with the author unless anonymous); only approved ones reach the wall', async () => {
    const ann = await k.person({ name: 'Ann' });
    const bob = await k.person({ name: 'Bob', mode: 'remote' });
    const named = await launched(drafts.open({ anonymous: false }));
    await castVote(k.deps, k.event.id, ann.id, named.id, { kind: 'open', text: '  More customer stories  ' });
    await castVote(k.deps, k.event.id, bob.id, named.id, { kind: 'open', text: 'Shorter keynotes' });
    const queued = k.publish.of('poll:answerSubmitted');
    expect(queued.map((p) => [p.payload.text, p.payload.author, p.payload.status, p.roles])).toEqual([
      ['More customer stories', 'Ann', 'pending', ['moderator', 'admin']],
      ['Shorter keynotes', 'Bob', 'pending', ['moderator', 'admin']],
    ]);
    const wall = async () => (await loadResults(k.store, (await k.store.getPoll(named.id))!)) as Extract<Awaited<ReturnType<typeof loadResults>>, { kind: 'open' }>;
    expect((await wall()).entries).toEqual([]);
    await moderateAnswer(k.deps, k.event.id, named.id, queued[0]!.payload.id, true);
    await moderateAnswer(k.deps, k.event.id, named.id, queued[1]!.payload.id, false);
    expect(k.publish.of('poll:answerModerated').map((p) => [p.payload.text, p.payload.status, p.roles])).toEqual([
      ['More customer stories', 'approved', ['moderator', 'admin']],
      ['Shorter keynotes', 'rejected', ['moderator', 'admin']],
    ]);
    expect((await wall()).entries).toEqual([{ id: queued[0]!.payload.id, text: 'More customer stories', author: 'Ann' }]);
    await expect(moderateAnswer(k.deps, k.event.id, named.id, 'no-such-answer', true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    const anonymous = await launched(drafts.open({ anonymous: true }));
    k.publish.clear();
    await castVote(k.deps, k.event.id, ann.id, anonymous.id, { kind: 'open', text: 'Secret idea' });
    const [secret] = k.publish.of('poll:answerSubmitted');
    expect(secret!.payload.author).toBeNull();
    await moderateAnswer(k.deps, k.event.id, anonymous.id, secret!.payload.id, true);
    const results = await loadResults(k.store, (await k.store.getPoll(anonymous.id))!);
    expect(results?.kind === 'open' && results.entries).toEqual([{ id: secret!.payload.id, text: 'Secret idea', author: null }]);
  });
});
