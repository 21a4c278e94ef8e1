import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type Participant } from '@rally/shared';
import { qaKit, type QaKit } from '../../../test/helpers/qa-kit.js';
import { submitQuestion } from './asking.js';
import { QA_AUDIENCE_ROLES, QA_MODERATOR_ROLES } from './deps.js';
import { banAsker, editQuestion, highlightQuestion, moderate, replyToQuestion } from './moderation.js';
import { upvote } from './voting.js';
import { qaForSnapshot } from './view.js';

let k: QaKit;
let mod: Participant;
let author: Participant;
afterEach(() => k.close());

async function setup(moderation: 'pre' | 'post' = 'pre') {
  k = await qaKit({ moderation });
  mod = await k.person({ role: 'moderator' });
  author = await k.person({ name: 'Grace' });
}
const ask = (text = 'Will pricing change?', anonymous = false, who = author) => submitQuestion(k.deps, k.event.id, who.id, { text, anonymous });
/** [fact, audience] of every publish, for asserting exactly who heard what. */
const heard = () => k.publish.published.map((p) => [p.fact, p.to === 'participant' ? (p.target === author.id ? 'author' : p.target) : p.to === 'event' ? 'everyone' : p.roles === QA_MODERATOR_ROLES ? 'moderators' : p.roles === QA_AUDIENCE_ROLES ? 'audience' : p.roles]);

describe('moderation', () => {
  it('[QA12] approve makes a pending question public: moderators, the audience and the author are told, each in their view', async () => {
    await setup('pre');
    const q = await ask();
    k.publish.clear();
    const ack = await moderate(k.deps, k.event.id, mod, q.id, 'approve');
    expect(ack).toMatchObject({ state: 'approved', rev: 1, flagged: false, askerBanned: false });
    expect(heard()).toEqual([
      ['question:changed', 'moderators'],
      ['question:changed', 'audience'],
      ['question:changed', 'author'],
    ]);
    expect(k.publish.published[1]!.payload).not.toHaveProperty('flagged');
    expect(k.publish.published[2]!.payload).toMatchObject({ mine: true, state: 'approved' });
    await expect(moderate(k.deps, k.event.id, mod, q.id, 'approve')).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
  });

  it('[QA14] dismissing a public question removes it for the audience; moderators and the author keep it; a dismissed pending one never reaches the audience', async () => {
    await setup('post');
    const q = await ask();
    k.publish.clear();
    await moderate(k.deps, k.event.id, mod, q.id, 'dismiss');
    expect(heard()).toEqual([
      ['question:changed', 'moderators'],
      ['question:removed', 'audience'],
      ['question:changed', 'author'],
    ]);
    expect(k.publish.published[1]!.payload).toEqual({ questionId: q.id, rev: 1 });
    expect(k.publish.published[2]!.payload).toMatchObject({ state: 'dismissed', mine: true });

    const flagged = await ask('What a load of bullshit?');
    expect(flagged.state).toBe('pending');
    k.publish.clear();
    await moderate(k.deps, k.event.id, mod, flagged.id, 'dismiss');
    expect(heard()).toEqual([
      ['question:changed', 'moderators'],
      ['question:changed', 'author'],
    ]);
  });

  it('[QA12] mark answered archives an approved question with the time; restore brings it back; a dismissed one is restored to review', async () => {
    await setup('pre');
    const q = await ask();
    await moderate(k.deps, k.event.id, mod, q.id, 'approve');
    k.clock.advance(60_000);
    const answered = await moderate(k.deps, k.event.id, mod, q.id, 'markAnswered');
    expect(answered).toMatchObject({ state: 'answered', answeredAt: new Date(k.clock.now()).toISOString() });
    expect(await moderate(k.deps, k.event.id, mod, q.id, 'restore')).toMatchObject({ state: 'approved', answeredAt: null });
    await moderate(k.deps, k.event.id, mod, q.id, 'dismiss');
    k.publish.clear();
    expect(await moderate(k.deps, k.event.id, mod, q.id, 'restore')).toMatchObject({ state: 'pending' });
    expect(heard()).toEqual([
      ['question:changed', 'moderators'],
      ['question:changed', 'author'],
    ]);
  });

  it('[QA13] two moderators acting on one question at once: exactly one wins and publishes; the other gets CONFLICT with the state now', async () => {
    await setup('pre');
    const q = await ask();
    const other = await k.person({ role: 'moderator' });
    k.publish.clear();
    const results = await Promise.allSettled([moderate(k.deps, k.event.id, mod, q.id, 'approve'), moderate(k.deps, k.event.id, other, q.id, 'dismiss')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const final = (await k.store.getQuestion(q.id))!;
    expect(lost[0]!.reason).toMatchObject({ code: ErrorCode.CONFLICT, message: expect.stringContaining(`it is now ${final.state}`) });
    expect(final.rev).toBe(1);
    expect(k.publish.of('question:changed').every((p) => p.payload.state === final.state)).toBe(true);
  });

  it('[QA15] a moderator fixes a typo: the text changes, it is marked edited, everyone who sees it is told', async () => {
    await setup('post');
    const q = await ask('Whne is the lanch?');
    k.publish.clear();
    const edited = await editQuestion(k.deps, k.event.id, mod, q.id, '  When is the launch?  ');
    expect(edited).toMatchObject({ text: 'When is the launch?', edited: true, rev: 1 });
    expect(heard()).toEqual([
      ['question:changed', 'moderators'],
      ['question:changed', 'audience'],
      ['question:changed', 'author'],
    ]);
    await expect(editQuestion(k.deps, k.event.id, mod, 'q_missing', 'x')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[QA16] a written reply shows under the question for whoever sees it; null removes it', async () => {
    await setup('post');
    const q = await ask();
    k.publish.clear();
    const replied = await replyToQuestion(k.deps, k.event.id, mod, q.id, 'Pricing is unchanged until Q3.');
    expect(replied.reply).toBe('Pricing is unchanged until Q3.');
    expect(k.publish.of('question:changed').find((p) => p.roles === QA_AUDIENCE_ROLES)!.payload.reply).toBe('Pricing is unchanged until Q3.');
    expect((await replyToQuestion(k.deps, k.event.id, mod, q.id, null)).reply).toBeNull();
  });

  it('[QA17] one highlighted question at a time; everyone gets the stage view; answering or dismissing it takes it off the stage', async () => {
    await setup('post');
    const a = await ask('First?', true);
    const b = await ask('Second?');
    await upvote(k.deps, k.event.id, (await k.person()).id, b.id, true);
    k.publish.clear();
    const first = await highlightQuestion(k.deps, k.event.id, a.id);
    expect(first).toMatchObject({ questionId: a.id, question: { id: a.id, highlighted: true, authorName: null, origin: { kind: 'room' } } });
    const second = await highlightQuestion(k.deps, k.event.id, b.id);
    expect(second.question).toMatchObject({ authorName: 'Grace', votes: 1, highlighted: true });
    // [STAGE33] The stage slot follows each highlight.
    expect(heard()).toEqual([
      ['question:highlighted', 'everyone'],
      ['stage:changed', 'everyone'],
      ['question:highlighted', 'everyone'],
      ['stage:changed', 'everyone'],
    ]);
    expect(k.publish.of('stage:changed').map((p) => p.payload.slot)).toEqual([
      { kind: 'question', questionId: a.id },
      { kind: 'question', questionId: b.id },
    ]);
    // A repeat changes nothing and tells no one.
    k.publish.clear();
    await highlightQuestion(k.deps, k.event.id, b.id);
    expect(k.publish.published).toEqual([]);
    expect((await k.store.listQuestions(k.event.id)).filter((q) => q.highlighted).map((q) => q.id)).toEqual([b.id]);

    await moderate(k.deps, k.event.id, mod, b.id, 'markAnswered');
    expect(k.publish.of('question:highlighted').map((p) => p.payload)).toEqual([{ questionId: null, question: null }]);
    expect(k.publish.of('stage:changed').map((p) => p.payload.slot)).toEqual([{ kind: 'idle' }]);
    expect((await k.store.listQuestions(k.event.id)).some((q) => q.highlighted)).toBe(false);

    await expect(highlightQuestion(k.deps, k.event.id, b.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(highlightQuestion(k.deps, k.event.id, 'q_missing')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await highlightQuestion(k.deps, k.event.id, a.id);
    k.publish.clear();
    expect(await highlightQuestion(k.deps, k.event.id, null)).toEqual({ questionId: null, question: null });
    expect(heard()).toEqual([
      ['question:highlighted', 'everyone'],
      ['stage:changed', 'everyone'],
    ]);
  });

  it('[QA18] a presenter\'s ack carries no moderator-only fields', async () => {
    await setup('post');
    const presenter = await k.person({ role: 'presenter' });
    const q = await ask();
    const ack = await moderate(k.deps, k.event.id, presenter, q.id, 'markAnswered');
    expect(ack.state).toBe('answered');
    expect(ack).not.toHaveProperty('flagged');
    expect(ack).not.toHaveProperty('askerBanned');
  });

  it('[QA19] [SEC21] banning an asker by one of their anonymous questions keeps them anonymous: the asker is told, only that question shows the ban, their questions stay', async () => {
    await setup('post');
    const anon = await ask('Anonymous jab?', true);
    const named = await ask('Named one?');
    k.publish.clear();
    const ban = await banAsker(k.deps, k.event.id, { questionId: anon.id }, true);
    expect(ban).toEqual({ participantId: null, questionId: anon.id, banned: true });
    expect(heard()).toEqual([
      ['qa:banChanged', 'author'],
      ['question:changed', 'moderators'],
    ]);
    expect(k.publish.of('question:changed').map((p) => [p.payload.id, p.payload.askerBanned])).toEqual([[anon.id, true]]);
    expect((await k.store.listQuestions(k.event.id)).map((q) => q.state)).toEqual(['approved', 'approved']);
    await expect(ask('Another?')).rejects.toMatchObject({ code: ErrorCode.BANNED });
    // The named question shows nothing, on every read.
    const modView = (await qaForSnapshot(k.store, mod)).questions;
    expect(modView.find((q) => q.id === named.id)?.askerBanned).toBe(false);
    expect(modView.find((q) => q.id === anon.id)?.askerBanned).toBe(true);

    // Lifting a ban by name does not lift one set through an anonymous question (that would mark it).
    k.publish.clear();
    expect(await banAsker(k.deps, k.event.id, { participantId: author.id }, false)).toEqual({ participantId: author.id, questionId: null, banned: false });
    expect(k.publish.of('question:changed').map((p) => p.payload.id)).toEqual([named.id]);
    await expect(ask('Another?')).rejects.toMatchObject({ code: ErrorCode.BANNED });
    expect(await banAsker(k.deps, k.event.id, { questionId: anon.id }, false)).toEqual({ participantId: null, questionId: anon.id, banned: false });
    await expect(ask('Another?')).resolves.toBeTruthy();
    await expect(banAsker(k.deps, k.event.id, { participantId: 'p_missing' }, true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(banAsker(k.deps, k.event.id, { questionId: 'q_missing' }, true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[QA19] [SEC21] banning an asker by name marks their named questions and never their anonymous ones', async () => {
    await setup('post');
    const anon = await ask('Anonymous jab?', true);
    const named = await ask('Named one?');
    k.publish.clear();
    await banAsker(k.deps, k.event.id, { participantId: author.id }, true);
    expect(k.publish.of('question:changed').map((p) => [p.payload.id, p.payload.askerBanned])).toEqual([[named.id, true]]);
    const modView = (await qaForSnapshot(k.store, mod)).questions;
    expect(modView.find((q) => q.id === anon.id)?.askerBanned).toBe(false);
    expect(modView.find((q) => q.id === named.id)?.askerBanned).toBe(true);
    await expect(ask('Another?')).rejects.toMatchObject({ code: ErrorCode.BANNED });
  });

  it('[QA25] a question of another event is NOT_FOUND to every moderation command, and nothing changes', async () => {
    await setup('post');
    const other = await qaKit({ moderation: 'post' });
    const foreign = await submitQuestion(other.deps, other.event.id, (await other.person()).id, { text: 'Elsewhere?', anonymous: false });
    for (const action of ['approve', 'dismiss', 'markAnswered', 'restore'] as const) {
      await expect(moderate(k.deps, k.event.id, mod, foreign.id, action)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    }
    await expect(editQuestion(k.deps, k.event.id, mod, foreign.id, 'Hacked?')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(replyToQuestion(k.deps, k.event.id, mod, foreign.id, 'Hacked')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(highlightQuestion(k.deps, k.event.id, foreign.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(banAsker(k.deps, k.event.id, { questionId: foreign.id }, true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(await other.store.getQuestion(foreign.id)).toMatchObject({ text: 'Elsewhere?', state: 'approved', rev: 0, reply: null });
    expect(k.publish.published).toEqual([]);
    await other.close();
  });
});
