import { afterEach, describe, expect, it } from 'vitest';
import { qaKit, type QaKit } from '../../../test/helpers/qa-kit.js';
import { submitQuestion } from './asking.js';
import { banAsker, moderate } from './moderation.js';
import { qaForSnapshot } from './view.js';
import { upvote } from './voting.js';

let k: QaKit;
afterEach(() => k.close());

describe('the Q&A snapshot', () => {
  it('[QA7] [QA23] each principal gets what they may see: moderators everything, the author their own, everyone else public questions only', async () => {
    k = await qaKit({ moderation: 'pre' });
    const mod = await k.person({ role: 'moderator' });
    const author = await k.person({ name: 'Lin' });
    const other = await k.person();
    const presenter = await k.person({ role: 'presenter' });
    const screen = await k.person({ role: 'screen' });
    const ask = (text: string) => {
      k.clock.advance(1000);
      return submitQuestion(k.deps, k.event.id, author.id, { text, anonymous: false });
    };
    const pending = await ask('Pending?');
    const approved = await ask('Approved?');
    const dismissed = await ask('Dismissed?');
    const answered = await ask('Answered?');
    for (const q of [approved, answered]) await moderate(k.deps, k.event.id, mod, q.id, 'approve');
    await moderate(k.deps, k.event.id, mod, dismissed.id, 'dismiss');
    await upvote(k.deps, k.event.id, other.id, answered.id, true);
    await moderate(k.deps, k.event.id, mod, answered.id, 'markAnswered');
    await upvote(k.deps, k.event.id, other.id, approved.id, true);

    const ids = async (p: typeof mod) => (await qaForSnapshot(k.store, p)).questions.map((q) => q.id);
    expect(await ids(mod)).toEqual([pending.id, approved.id, dismissed.id, answered.id]);
    expect(await ids(author)).toEqual([pending.id, approved.id, dismissed.id, answered.id]);
    for (const p of [other, presenter, screen]) expect(await ids(p)).toEqual([approved.id, answered.id]);

    const forOther = await qaForSnapshot(k.store, other);
    expect(forOther).toMatchObject({ myUpvotes: [approved.id, answered.id].sort(), votesVersion: 2, askingBanned: false });
    expect(forOther.questions.map((q) => q.votes)).toEqual([1, 1]);
    for (const q of forOther.questions) {
      expect(q).not.toHaveProperty('mine');
      expect(q).not.toHaveProperty('flagged');
    }
    expect((await qaForSnapshot(k.store, author)).questions.every((q) => q.mine === true)).toBe(true);
    expect((await qaForSnapshot(k.store, mod)).questions.every((q) => q.flagged === false && q.askerBanned === false)).toBe(true);
    expect((await qaForSnapshot(k.store, presenter)).myUpvotes).toEqual([]);

    await banAsker(k.deps, k.event.id, { participantId: author.id }, true);
    expect((await qaForSnapshot(k.store, author)).askingBanned).toBe(true);
    expect((await qaForSnapshot(k.store, mod)).questions.every((q) => q.askerBanned === true)).toBe(true);
    // Nobody's snapshot carries a participant id of an asker.
    for (const p of [mod, author, other, presenter, screen]) expect(JSON.stringify(await qaForSnapshot(k.store, p))).not.toContain(author.id);
  });
});
