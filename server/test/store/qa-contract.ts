import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, RallyError } from '@rally/shared';
import type { NewQuestion, QaStore } from '../../src/store/qa-store.js';

// The rules cited as [QSTOREn] are in docs/SPEC.md (Q&A store).

let seq = 0;

function makeQuestion(eventId: string, overrides: Partial<NewQuestion> = {}): NewQuestion {
  const n = ++seq;
  return {
    id: `q_${n}`,
    eventId,
    sessionId: 'opening',
    authorId: `pt_${n}`,
    authorName: `Person ${n}`,
    anonymous: false,
    origin: { kind: 'remote' },
    text: `Question number ${n}?`,
    normalised: `question number ${n}?`,
    state: 'approved',
    flagged: false,
    reply: null,
    edited: false,
    createdAt: new Date(Date.UTC(2026, 0, 20, 9) + n * 1000).toISOString(),
    answeredAt: null,
    rev: 0,
    ...overrides,
  };
}

async function expectCode(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RallyError);
  expect((e as RallyError).code).toBe(code);
}

const newEvent = () => `ev_qa_${++seq}`;

/** Runs the Q&A store contract against one adapter; `make` gives a fresh, empty store per test. */
export function qaContract(name: string, make: () => Promise<{ qa: QaStore; cleanup: () => Promise<void> }>) {
  describe(`QaStore contract: ${name}`, () => {
    let qa: QaStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ qa, cleanup } = await make());
    });
    afterEach(() => cleanup());

    it('[QSTORE1] createQuestion stores the record and reads it back with no votes and no highlight; an unknown id is null; a taken id is CONFLICT', async () => {
      const ev = newEvent();
      const q = makeQuestion(ev, { origin: { kind: 'breakout', roomId: 'room-1', cohort: 'remote' }, text: '<script>alert(1)</script> & "quotes"', anonymous: true, authorName: null });
      const stored = await qa.createQuestion(q);
      expect(stored).toEqual({ ...q, votes: 0, highlighted: false });
      expect(await qa.getQuestion(q.id)).toEqual(stored);
      expect(await qa.getQuestion('q_missing')).toBeNull();
      await expectCode(qa.createQuestion({ ...q, authorId: 'pt_other', normalised: 'something else' }), ErrorCode.CONFLICT);
      expect(await qa.listQuestions(ev)).toEqual([stored]);
    });

    it('[QSTORE2] the same author cannot store the same normalised text twice in an event, even concurrently; others and other events can', async () => {
      const ev = newEvent();
      const base = { authorId: 'pt_dup', normalised: 'when do we get the new pricing?' };
      const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => qa.createQuestion(makeQuestion(ev, base))));
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const a of attempts) if (a.status === 'rejected') expect((a.reason as RallyError).code).toBe(ErrorCode.CONFLICT);
      await qa.createQuestion(makeQuestion(ev, { ...base, authorId: 'pt_other' }));
      await qa.createQuestion(makeQuestion(newEvent(), base));
      await qa.createQuestion(makeQuestion(ev, { ...base, normalised: 'a different question' }));
      expect(await qa.listQuestions(ev)).toHaveLength(3);
    });

    it('[QSTORE3] a participant banned from asking in an event cannot store a question there (BANNED); unbanning lifts it; bans are per event', async () => {
      const ev = newEvent();
      await qa.setAskerBan(ev, 'pt_troll', true);
      await qa.setAskerBan(ev, 'pt_troll', true);
      expect(await qa.isAskerBanned(ev, 'pt_troll')).toBe(true);
      expect(await qa.askerBans(ev)).toEqual(['pt_troll']);
      await expectCode(qa.createQuestion(makeQuestion(ev, { authorId: 'pt_troll' })), ErrorCode.BANNED);
      expect(await qa.listQuestions(ev)).toEqual([]);
      await qa.createQuestion(makeQuestion(newEvent(), { authorId: 'pt_troll' }));
      await qa.setAskerBan(ev, 'pt_troll', false);
      expect(await qa.isAskerBanned(ev, 'pt_troll')).toBe(false);
      expect(await qa.askerBans(ev)).toEqual([]);
      await qa.createQuestion(makeQuestion(ev, { authorId: 'pt_troll' }));
    });

    it('[QSTORE4] listQuestions returns exactly the event\'s questions, oldest first', async () => {
      const ev = newEvent();
      const later = makeQuestion(ev, { createdAt: '2026-01-20T10:00:00.000Z' });
      const earlier = makeQuestion(ev, { createdAt: '2026-01-20T09:00:00.000Z' });
      await qa.createQuestion(later);
      await qa.createQuestion(earlier);
      await qa.createQuestion(makeQuestion(newEvent()));
      expect((await qa.listQuestions(ev)).map((q) => q.id)).toEqual([earlier.id, later.id]);
      expect(await qa.listQuestions('ev_missing')).toEqual([]);
    });

    it('[QSTORE5] transitionQuestion is a compare-and-set with its patch and a rev bump; from another state it changes nothing and returns the current question', async () => {
      const ev = newEvent();
      const q = await qa.createQuestion(makeQuestion(ev, { state: 'pending' }));
      const lost = await qa.transitionQuestion(q.id, 'approved', 'answered', { answeredAt: '2026-01-20T09:30:00.000Z' });
      expect(lost).toEqual({ ok: false, current: q });
      const won = await qa.transitionQuestion(q.id, 'pending', 'approved');
      expect(won).toEqual({ ok: true, question: { ...q, state: 'approved', rev: 1 }, unhighlighted: false });
      const answered = await qa.transitionQuestion(q.id, 'approved', 'answered', { answeredAt: '2026-01-20T09:30:00.000Z' });
      expect(answered).toMatchObject({ ok: true, question: { state: 'answered', answeredAt: '2026-01-20T09:30:00.000Z', rev: 2 } });
      expect(await qa.getQuestion(q.id)).toMatchObject({ state: 'answered', rev: 2 });
      expect(await qa.transitionQuestion('q_missing', 'pending', 'approved')).toEqual({ ok: false, current: null });
    });

    it('[QSTORE6] of concurrent transitions on one question exactly one wins; the others see the winner\'s result', async () => {
      const ev = newEvent();
      const q = await qa.createQuestion(makeQuestion(ev, { state: 'pending' }));
      const targets = ['approved', 'dismissed', 'approved', 'dismissed', 'approved', 'dismissed'] as const;
      const outcomes = await Promise.all(targets.map((to) => qa.transitionQuestion(q.id, 'pending', to)));
      const winners = outcomes.filter((o) => o.ok);
      expect(winners).toHaveLength(1);
      const final = await qa.getQuestion(q.id);
      expect(final?.rev).toBe(1);
      expect(final?.state).toBe(winners[0]!.ok && winners[0]!.question.state);
      for (const o of outcomes) if (!o.ok) expect(o.current?.state).toBe(final?.state);
    });

    it('[QSTORE7] editQuestion sets text and edited, setReply sets or clears the reply; both bump rev and keep everything else; unknown is null', async () => {
      const ev = newEvent();
      const q = await qa.createQuestion(makeQuestion(ev));
      const edited = await qa.editQuestion(q.id, 'Fixed typo?');
      expect(edited).toEqual({ ...q, text: 'Fixed typo?', edited: true, rev: 1 });
      const replied = await qa.setReply(q.id, 'Yes — see the pricing page.');
      expect(replied).toEqual({ ...edited, reply: 'Yes — see the pricing page.', rev: 2 });
      expect(await qa.setReply(q.id, null)).toEqual({ ...edited, reply: null, rev: 3 });
      expect(await qa.editQuestion('q_missing', 'x')).toBeNull();
      expect(await qa.setReply('q_missing', 'x')).toBeNull();
      // The duplicate key is the author's original text, not the moderator's edit.
      await expectCode(qa.createQuestion(makeQuestion(ev, { authorId: q.authorId, normalised: q.normalised })), ErrorCode.CONFLICT);
    });

    it('[QSTORE8] one highlighted question per event: highlighting another takes the first off; only approved questions of the event; null clears', async () => {
      const ev = newEvent();
      const a = await qa.createQuestion(makeQuestion(ev));
      const b = await qa.createQuestion(makeQuestion(ev));
      const pending = await qa.createQuestion(makeQuestion(ev, { state: 'pending' }));
      const elsewhere = await qa.createQuestion(makeQuestion(newEvent()));
      expect(await qa.setHighlighted(ev, a.id)).toEqual({ previous: null, question: { ...a, highlighted: true } });
      expect(await qa.setHighlighted(ev, a.id)).toEqual({ previous: a.id, question: { ...a, highlighted: true } });
      expect(await qa.setHighlighted(ev, b.id)).toEqual({ previous: a.id, question: { ...b, highlighted: true } });
      expect((await qa.listQuestions(ev)).filter((q) => q.highlighted).map((q) => q.id)).toEqual([b.id]);
      await expectCode(qa.setHighlighted(ev, pending.id), ErrorCode.INVALID_STATE);
      await expectCode(qa.setHighlighted(ev, elsewhere.id), ErrorCode.NOT_FOUND);
      await expectCode(qa.setHighlighted(ev, 'q_missing'), ErrorCode.NOT_FOUND);
      expect((await qa.getQuestion(b.id))?.highlighted).toBe(true);
      expect(await qa.setHighlighted(ev, null)).toEqual({ previous: b.id, question: null });
      expect((await qa.listQuestions(ev)).some((q) => q.highlighted)).toBe(false);

      // Concurrent highlights: exactly one question ends up highlighted.
      await Promise.all([a, b, a, b, a].map((q) => qa.setHighlighted(ev, q.id)));
      expect((await qa.listQuestions(ev)).filter((q) => q.highlighted)).toHaveLength(1);
    });

    it('[QSTORE9] a transition away from approved takes the question off the stage in the same step; the outcome says so', async () => {
      const ev = newEvent();
      const a = await qa.createQuestion(makeQuestion(ev));
      const b = await qa.createQuestion(makeQuestion(ev));
      await qa.setHighlighted(ev, a.id);
      const other = await qa.transitionQuestion(b.id, 'approved', 'dismissed');
      expect(other).toMatchObject({ ok: true, unhighlighted: false });
      const answered = await qa.transitionQuestion(a.id, 'approved', 'answered', { answeredAt: '2026-01-20T09:30:00.000Z' });
      expect(answered).toMatchObject({ ok: true, unhighlighted: true, question: { highlighted: false } });
      expect((await qa.listQuestions(ev)).some((q) => q.highlighted)).toBe(false);
      const back = await qa.transitionQuestion(a.id, 'answered', 'approved', { answeredAt: null });
      expect(back).toMatchObject({ ok: true, unhighlighted: false, question: { highlighted: false, answeredAt: null } });
    });

    it('[QSTORE10] toggleUpvote: one per participant per question, repeats change nothing, counts and my upvotes follow, the version grows with each change', async () => {
      const ev = newEvent();
      const a = await qa.createQuestion(makeQuestion(ev));
      const b = await qa.createQuestion(makeQuestion(ev));
      expect(await qa.qaVersion(ev)).toBe(0);
      expect(await qa.questionVotes(ev)).toEqual({ version: 0, votes: {} });
      expect(await qa.toggleUpvote(a.id, 'pt_x', true)).toEqual({ votes: 1, changed: true });
      expect(await qa.toggleUpvote(a.id, 'pt_x', true)).toEqual({ votes: 1, changed: false });
      expect(await qa.toggleUpvote(a.id, 'pt_y', true)).toEqual({ votes: 2, changed: true });
      expect(await qa.toggleUpvote(b.id, 'pt_x', true)).toEqual({ votes: 1, changed: true });
      expect(await qa.qaVersion(ev)).toBe(3);
      expect(await qa.myUpvotes(ev, 'pt_x')).toEqual([a.id, b.id].sort());
      expect(await qa.toggleUpvote(b.id, 'pt_x', false)).toEqual({ votes: 0, changed: true });
      expect(await qa.toggleUpvote(b.id, 'pt_x', false)).toEqual({ votes: 0, changed: false });
      expect(await qa.questionVotes(ev)).toEqual({ version: 4, votes: { [a.id]: 2 } });
      expect(await qa.myUpvotes(ev, 'pt_x')).toEqual([a.id]);
      expect(await qa.myUpvotes(ev, 'pt_nobody')).toEqual([]);
      expect((await qa.getQuestion(a.id))?.votes).toBe(2);
      expect((await qa.listQuestions(ev)).map((q) => q.votes)).toEqual([2, 0]);
    });

    it('[QSTORE11] toggleUpvote refuses unknown questions (NOT_FOUND) and questions that are not approved (INVALID_STATE), changing nothing', async () => {
      const ev = newEvent();
      await expectCode(qa.toggleUpvote('q_missing', 'pt_x', true), ErrorCode.NOT_FOUND);
      for (const state of ['pending', 'dismissed', 'answered'] as const) {
        const q = await qa.createQuestion(makeQuestion(ev, { state }));
        await expectCode(qa.toggleUpvote(q.id, 'pt_x', true), ErrorCode.INVALID_STATE);
        await expectCode(qa.toggleUpvote(q.id, 'pt_x', false), ErrorCode.INVALID_STATE);
      }
      expect(await qa.questionVotes(ev)).toEqual({ version: 0, votes: {} });
      expect(await qa.myUpvotes(ev, 'pt_x')).toEqual([]);
      // Votes a question had when it left approved are kept (the archive shows them) and frozen.
      const q = await qa.createQuestion(makeQuestion(ev));
      await qa.toggleUpvote(q.id, 'pt_x', true);
      await qa.transitionQuestion(q.id, 'approved', 'answered', { answeredAt: '2026-01-20T09:30:00.000Z' });
      await expectCode(qa.toggleUpvote(q.id, 'pt_x', false), ErrorCode.INVALID_STATE);
      expect((await qa.getQuestion(q.id))?.votes).toBe(1);
    });

    it('[QSTORE12] 100 participants toggling concurrently (with retries and take-backs) leave exact counts', async () => {
      const ev = newEvent();
      const a = await qa.createQuestion(makeQuestion(ev));
      const b = await qa.createQuestion(makeQuestion(ev));
      const people = Array.from({ length: 100 }, (_, i) => `pt_c${i}`);
      // Everyone upvotes a twice (a retry); every third person also upvotes b and takes it back;
      // every fifth upvotes b and keeps it.
      const first = people.flatMap((pid, i) => [
        () => qa.toggleUpvote(a.id, pid, true),
        () => qa.toggleUpvote(a.id, pid, true),
        ...(i % 3 === 0 || i % 5 === 0 ? [() => qa.toggleUpvote(b.id, pid, true)] : []),
      ]);
      const shuffle = <T>(xs: T[]) => xs.map((x, i) => ({ x, k: (i * 7919) % xs.length })).sort((m, n) => m.k - n.k).map((m) => m.x);
      await Promise.all(shuffle(first).map((f) => f()));
      await Promise.all(people.filter((_, i) => i % 3 === 0 && i % 5 !== 0).map((pid) => qa.toggleUpvote(b.id, pid, false)));
      const keepB = people.filter((_, i) => i % 5 === 0).length;
      expect(await qa.questionVotes(ev).then((v) => v.votes)).toEqual({ [a.id]: 100, [b.id]: keepB });
      expect((await qa.getQuestion(b.id))?.votes).toBe(keepB);
      expect(await qa.myUpvotes(ev, 'pt_c0')).toEqual([a.id, b.id].sort());
      expect(await qa.myUpvotes(ev, 'pt_c3')).toEqual([a.id]);
    });

    it('[QSTORE13] eraseAuthorName renames the author\'s named questions in that event only; anonymous ones stay nameless; nothing else changes', async () => {
      const ev = newEvent();
      const named = await qa.createQuestion(makeQuestion(ev, { authorId: 'pt_gone', normalised: 'named one' }));
      const anonymous = await qa.createQuestion(makeQuestion(ev, { authorId: 'pt_gone', normalised: 'anonymous one', anonymous: true, authorName: null }));
      const other = await qa.createQuestion(makeQuestion(ev, { authorId: 'pt_stays', normalised: 'other one' }));
      const elsewhere = await qa.createQuestion(makeQuestion(newEvent(), { authorId: 'pt_gone', normalised: 'named one' }));
      await qa.eraseAuthorName(ev, 'pt_gone', 'Deleted participant');
      expect(await qa.getQuestion(named.id)).toEqual({ ...named, authorName: 'Deleted participant' });
      expect(await qa.getQuestion(anonymous.id)).toEqual(anonymous);
      expect(await qa.getQuestion(other.id)).toEqual(other);
      expect(await qa.getQuestion(elsewhere.id)).toEqual(elsewhere);
    });
  });
}
