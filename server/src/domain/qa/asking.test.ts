import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { countingBudget, qaKit, type QaKit } from '../../../test/helpers/qa-kit.js';
import { submitQuestion } from './asking.js';
import { QA_AUDIENCE_ROLES, QA_MODERATOR_ROLES } from './deps.js';

let k: QaKit;
afterEach(() => k.close());

const ask = (participantId: string, text: string, extra: { anonymous?: boolean; sessionId?: string | null } = {}) =>
  submitQuestion(k.deps, k.event.id, participantId, { text, anonymous: extra.anonymous ?? false, ...(extra.sessionId !== undefined ? { sessionId: extra.sessionId } : {}) });

describe('asking', () => {
  it('[QA1] a question belongs to the live session unless one is named; an unknown session is NOT_FOUND and stores nothing', async () => {
    k = await qaKit();
    const me = await k.person();
    expect((await ask(me.id, 'First?')).sessionId).toBe('keynote');
    expect((await ask(me.id, 'Second?', { sessionId: 'workshop' })).sessionId).toBe('workshop');
    expect((await ask(me.id, 'Third?', { sessionId: null })).sessionId).toBeNull();
    await expect(ask(me.id, 'Fourth?', { sessionId: 'nope' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(ask(me.id, '   ')).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    await expect(ask(me.id, 'x'.repeat(301))).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect(await k.store.listQuestions(k.event.id)).toHaveLength(3);
  });

  it('[QA2] HTML and script are stored and returned byte-identical, as text', async () => {
    k = await qaKit({ moderation: 'post' });
    const me = await k.person();
    const html = '<script>alert("x")</script><b onmouseover=alert(1)>bold</b> &amp; ünïcödé';
    const mine = await ask(me.id, html);
    expect(mine.text).toBe(html);
    expect((await k.store.getQuestion(mine.id))?.text).toBe(html);
    expect(k.publish.of('question:changed')[0]!.payload.text).toBe(html);
  });

  it('[QA3] anonymous questions carry no name anywhere, not even in storage; asking anonymously where the event forbids it is BAD_REQUEST', async () => {
    k = await qaKit({ allowAnonymousQuestions: true, moderation: 'post' });
    const me = await k.person({ name: 'Ada' });
    const anon = await ask(me.id, 'Is the quota going up?', { anonymous: true });
    expect(anon).toMatchObject({ anonymous: true, authorName: null, mine: true });
    expect((await k.store.getQuestion(anon.id))?.authorName).toBeNull();
    for (const p of k.publish.published) {
      expect(JSON.stringify(p.payload)).not.toContain('Ada');
      expect(JSON.stringify(p.payload)).not.toContain(me.id);
    }
    const named = await ask(me.id, 'Who presents next?');
    expect(named).toMatchObject({ anonymous: false, authorName: 'Ada' });
    expect(JSON.stringify(named)).not.toContain(me.id);
    await k.close();

    k = await qaKit({ allowAnonymousQuestions: false });
    const other = await k.person();
    await expect(ask(other.id, 'Can I hide?', { anonymous: true })).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect(await k.store.listQuestions(k.event.id)).toEqual([]);
    expect(k.budget.spent.size).toBe(0);
  });

  it('[SEC49] [QA3] [ID9] an anonymous question gives back neither its millisecond nor its order: a random id, the minute it was asked in; lists stay in a fixed order', async () => {
    k = await qaKit({ allowAnonymousQuestions: true, moderation: 'post' });
    const me = await k.person();
    k.clock.advance(12_345);
    const named = await ask(me.id, 'Named first?');
    const anon: string[] = [];
    for (const text of ['Anonymous one?', 'Anonymous two?', 'Anonymous three?']) {
      k.clock.advance(7);
      anon.push((await ask(me.id, text, { anonymous: true })).id);
    }
    const nowMs = k.clock.now();
    // A named question keeps [ID9] (its id starts with the process's millisecond, read here from the
    // real clock ids are made by) and its createdAt keeps the millisecond.
    expect(Math.abs(parseInt(named.id.slice(0, 12), 16) - Date.now())).toBeLessThan(60_000);
    expect(named.createdAt).toBe(new Date(nowMs - 21).toISOString());
    for (const id of anon) {
      const q = (await k.store.getQuestion(id))!;
      // The minute, nothing finer, wherever the question goes (stored, so every view and export has it).
      expect(q.createdAt).toBe(new Date(nowMs - (nowMs % 60_000)).toISOString());
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      // Read as [ID9] reads ids, the id names no time anywhere near the question (by either clock).
      for (const t of [nowMs, Date.now()]) expect(Math.abs(parseInt(id.slice(0, 12), 16) - t)).toBeGreaterThan(24 * 3600_000);
    }
    for (const p of k.publish.published) expect(JSON.stringify(p.payload)).not.toContain(String(nowMs));
    // The list order is fixed by (createdAt, id): the same on every read, the anonymous ones of a
    // minute first, among themselves by their random ids (not as they came).
    const list = (await k.store.listQuestions(k.event.id)).map((q) => q.id);
    expect(list).toEqual((await k.store.listQuestions(k.event.id)).map((q) => q.id));
    expect(list).toEqual([...[...anon].sort(), named.id]);
  });

  it('[QA4] the origin is the asker\'s breakout room when in one, otherwise their mode when asking', async () => {
    k = await qaKit();
    const inRoom = await k.person({ mode: 'room' });
    const remote = await k.person({ mode: 'remote' });
    const breakout = await k.person({ mode: 'remote' });
    k.rooms.set(breakout.id, 'emea-1');
    expect((await ask(inRoom.id, 'From the room?')).origin).toEqual({ kind: 'room' });
    expect((await ask(remote.id, 'From home?')).origin).toEqual({ kind: 'remote' });
    expect((await ask(breakout.id, 'From a breakout?')).origin).toEqual({ kind: 'breakout', roomId: 'emea-1', cohort: 'remote' });
    // Without a breakout locator (breakouts not running), room or remote.
    const plain = await submitQuestion({ ...k.deps, breakouts: undefined }, k.event.id, breakout.id, { text: 'Plain?', anonymous: false });
    expect(plain.origin).toEqual({ kind: 'remote' });
  });

  it('[QA5] pre-moderation: a new question waits (pending); post-moderation: it is approved at once', async () => {
    k = await qaKit({ moderation: 'pre' });
    expect((await ask((await k.person()).id, 'Pre?')).state).toBe('pending');
    await k.close();
    k = await qaKit({ moderation: 'post' });
    expect((await ask((await k.person()).id, 'Post?')).state).toBe('approved');
  });

  it('[QA6] a question the profanity filter flags goes to review in either mode, flagged for moderators', async () => {
    for (const moderation of ['pre', 'post'] as const) {
      k = await qaKit({ moderation });
      const q = await ask((await k.person()).id, 'Why is this plan so sh1tty?');
      expect(q.state).toBe('pending');
      expect(q.flagged).toBeUndefined();
      expect(k.publish.of('question:submitted').find((p) => p.to === 'roles')!.payload).toMatchObject({ flagged: true, state: 'pending' });
      expect(k.publish.of('question:changed')).toEqual([]);
      await k.close();
    }
    k = await qaKit({ moderation: 'post' });
    // No false positive on innocent words that contain a rude one.
    expect((await ask((await k.person()).id, 'Is the Scunthorpe assessment done?')).state).toBe('approved');
  });

  it('[QA7] [QA8] pre-moderation: only moderators and the author hear of a new question', async () => {
    k = await qaKit({ moderation: 'pre' });
    const me = await k.person();
    const q = await ask(me.id, 'Secret until approved?');
    expect(q).toMatchObject({ mine: true, state: 'pending', votes: 0, highlighted: false, reply: null, edited: false, rev: 0 });
    expect(k.publish.published.map((p) => [p.fact, p.to, p.roles ?? p.target])).toEqual([
      ['question:submitted', 'roles', QA_MODERATOR_ROLES],
      ['question:submitted', 'participant', me.id],
    ]);
    expect(k.publish.published[0]!.payload).toMatchObject({ flagged: false, askerBanned: false });
    expect(k.publish.published[0]!.payload.mine).toBeUndefined();
  });

  it('[QA8] post-moderation: moderators and the author get question:submitted, the audience question:changed (public view), author last', async () => {
    k = await qaKit({ moderation: 'post' });
    const me = await k.person();
    await ask(me.id, 'Visible at once?');
    expect(k.publish.published.map((p) => [p.fact, p.roles ?? p.target])).toEqual([
      ['question:submitted', QA_MODERATOR_ROLES],
      ['question:changed', QA_AUDIENCE_ROLES],
      ['question:submitted', me.id],
    ]);
    const pub = k.publish.published[1]!.payload;
    expect(pub.flagged).toBeUndefined();
    expect(pub.mine).toBeUndefined();
    expect(pub.askerBanned).toBeUndefined();
  });

  it('[QA18] only attendees ask; a banned participant cannot', async () => {
    k = await qaKit();
    for (const role of ['presenter', 'moderator', 'admin', 'screen'] as const) {
      await expect(ask((await k.person({ role })).id, 'Staff?')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    const gone = await k.person();
    await k.store.updateParticipant(gone.id, { banned: true });
    await expect(ask(gone.id, 'Still here?')).rejects.toMatchObject({ code: ErrorCode.BANNED });
    expect(await k.store.listQuestions(k.event.id)).toEqual([]);
  });

  it('[QA19] a participant banned from asking gets BANNED and nothing is stored or spent; unbanned, they ask again', async () => {
    k = await qaKit();
    const me = await k.person();
    await k.store.setAskerBan(k.event.id, me.id, true);
    await expect(ask(me.id, 'Let me ask?')).rejects.toMatchObject({ code: ErrorCode.BANNED, message: expect.stringContaining('asking questions') });
    expect(await k.store.listQuestions(k.event.id)).toEqual([]);
    expect(k.budget.spent.size).toBe(0);
    expect(k.publish.published).toEqual([]);
    await k.store.setAskerBan(k.event.id, me.id, false);
    await expect(ask(me.id, 'Let me ask?')).resolves.toMatchObject({ state: 'pending' });
  });

  it('[QA20] each accepted or duplicate submission spends the ask budget; a spent budget is RATE_LIMITED and stores nothing', async () => {
    k = await qaKit();
    k.deps.askBudget = countingBudget(2);
    const me = await k.person();
    await ask(me.id, 'One?');
    await ask(me.id, 'Two?');
    await expect(ask(me.id, 'Three?')).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/try again in \d+ s/) });
    expect(await k.store.listQuestions(k.event.id)).toHaveLength(2);
    // Another participant has their own budget.
    await ask((await k.person()).id, 'Three?');
  });

  it('[QA21] the same author asking the same text again (case, spacing, Unicode form and end punctuation aside) gets CONFLICT; others may ask it', async () => {
    k = await qaKit();
    const me = await k.person();
    await ask(me.id, 'When is the  Cloud 5 launch?');
    for (const again of ['when is the cloud 5 launch', 'WHEN IS THE CLOUD 5 LAUNCH???', 'When is the Ｃｌｏｕｄ 5 launch?', ' When   is the cloud 5 launch ?']) {
      await expect(ask(me.id, again)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, message: 'you already asked this question' });
    }
    await ask((await k.person()).id, 'When is the Cloud 5 launch?');
    await ask(me.id, 'When is the Cloud 6 launch?');
    expect(await k.store.listQuestions(k.event.id)).toHaveLength(3);
  });
});
