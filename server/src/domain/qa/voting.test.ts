import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { qaKit, type QaKit } from '../../../test/helpers/qa-kit.js';
import { submitQuestion } from './asking.js';
import { moderate } from './moderation.js';
import { upvote } from './voting.js';

let k: QaKit;
beforeEach(async () => {
  k = await qaKit({ moderation: 'post' });
});
afterEach(() => k.close());

const ask = async (text = 'What about partners?') => submitQuestion(k.deps, k.event.id, (await k.person()).id, { text, anonymous: false });

describe('upvotes', () => {
  it('[QA9] one upvote per participant per question, toggled; repeats change nothing; nothing is published per vote', async () => {
    const q = await ask();
    const [a, b] = [await k.person(), await k.person()];
    k.publish.clear();
    expect(await upvote(k.deps, k.event.id, a.id, q.id, true)).toEqual({ questionId: q.id, up: true, votes: 1 });
    expect(await upvote(k.deps, k.event.id, a.id, q.id, true)).toEqual({ questionId: q.id, up: true, votes: 1 });
    expect(await upvote(k.deps, k.event.id, b.id, q.id, true)).toEqual({ questionId: q.id, up: true, votes: 2 });
    expect(await upvote(k.deps, k.event.id, a.id, q.id, false)).toEqual({ questionId: q.id, up: false, votes: 1 });
    expect(await upvote(k.deps, k.event.id, a.id, q.id, false)).toEqual({ questionId: q.id, up: false, votes: 1 });
    expect(await k.store.myUpvotes(k.event.id, b.id)).toEqual([q.id]);
    expect(k.publish.published).toEqual([]);
  });

  it('[QA9] an author may upvote their own question like anyone else, once', async () => {
    const author = await k.person();
    const q = await submitQuestion(k.deps, k.event.id, author.id, { text: 'Mine?', anonymous: false });
    expect((await upvote(k.deps, k.event.id, author.id, q.id, true)).votes).toBe(1);
    expect((await upvote(k.deps, k.event.id, author.id, q.id, true)).votes).toBe(1);
  });

  it('[QA9] [QA25] unknown, other-event, pending-of-someone-else and dismissed questions are refused with a typed error; nothing is counted', async () => {
    const voter = await k.person();
    await expect(upvote(k.deps, k.event.id, voter.id, 'q_missing', true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    const other = await qaKit({ moderation: 'post' });
    const foreign = await submitQuestion(other.deps, other.event.id, (await other.person()).id, { text: 'Elsewhere?', anonymous: false });
    await expect(upvote(k.deps, k.event.id, voter.id, foreign.id, true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await other.close();

    const moderator = await k.person({ role: 'moderator' });
    const dismissed = await ask('Dismiss me?');
    await moderate(k.deps, k.event.id, moderator, dismissed.id, 'dismiss');
    await expect(upvote(k.deps, k.event.id, voter.id, dismissed.id, true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    const flaggedAuthor = await k.person();
    const pending = await submitQuestion(k.deps, k.event.id, flaggedAuthor.id, { text: 'This is bullshit?', anonymous: false });
    expect(pending.state).toBe('pending');
    await expect(upvote(k.deps, k.event.id, voter.id, pending.id, true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    // Its author sees it, so they are told why instead.
    await expect(upvote(k.deps, k.event.id, flaggedAuthor.id, pending.id, true)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });

    const answered = await ask('Answer me?');
    await upvote(k.deps, k.event.id, voter.id, answered.id, true);
    await moderate(k.deps, k.event.id, moderator, answered.id, 'markAnswered');
    await expect(upvote(k.deps, k.event.id, voter.id, answered.id, false)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });

    expect(await k.store.questionVotes(k.event.id)).toEqual({ version: 1, votes: { [answered.id]: 1 } });
  });

  it('[QA18] only attendees upvote', async () => {
    const q = await ask();
    for (const role of ['presenter', 'moderator', 'admin', 'screen'] as const) {
      await expect(upvote(k.deps, k.event.id, (await k.person({ role })).id, q.id, true)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    expect((await k.store.getQuestion(q.id))?.votes).toBe(0);
  });
});
