import { describe, expect, it } from 'vitest';
import type { Participant, QaSnapshot, Question, QuestionView, Snapshot } from '@rally/shared';
import { reduce } from './state';
import { EMPTY_QA, qaEventFromAck, qaFromSnapshot, reduceQa, stageQuestion, votesMark, votesOf, withLiveVotes, type QaEvent, type QaState } from './qaState';

const event = {
  id: 'evt1',
  code: '7KQ4MX',
  name: 'SKO',
  teams: [],
  agenda: [],
  liveSessionId: null,
  settings: { allowAnonymousQuestions: true, moderation: 'pre' as const },
  createdAt: '2026-01-01T09:00:00.000Z',
};
const me: Participant = {
  id: 'p1',
  eventId: 'evt1',
  name: 'Ada',
  role: 'attendee',
  mode: 'remote',
  team: null,
  banned: false,
  joinedAt: '2026-01-01T09:00:00.000Z',
};

const question = (id: string, over: Partial<QuestionView> = {}): QuestionView => ({
  id,
  eventId: 'evt1',
  sessionId: 's1',
  text: `Question ${id}?`,
  authorName: 'Ada',
  anonymous: false,
  origin: { kind: 'remote' },
  state: 'approved',
  highlighted: false,
  reply: null,
  edited: false,
  votes: 0,
  createdAt: '2026-01-01T09:00:00.000Z',
  answeredAt: null,
  rev: 1,
  ...over,
});

function snapshot(qa: Partial<QaSnapshot> | undefined): Snapshot {
  return {
    serverTime: '2026-01-01T09:00:01.000Z',
    event,
    me,
    polls: [],
    myVotes: {},
    ...(qa ? { qa: { questions: [], myUpvotes: [], votesVersion: 0, askingBanned: false, ...qa } } : {}),
  };
}

const fromSnap = (qa: Partial<QaSnapshot>): QaState => qaFromSnapshot(snapshot(qa));
const apply = (s: QaState, ...events: QaEvent[]) => events.reduce(reduceQa, s);
const changed = (q: QuestionView): QaEvent => ({ name: 'question:changed', payload: q });

describe('Q&A client state [QA23]', () => {
  it('starts from the snapshot: questions, counts as of votesVersion, my upvotes, the highlight, the asking ban', () => {
    const s = fromSnap({
      questions: [question('q1', { votes: 3 }), question('q2', { highlighted: true, votes: 1 })],
      myUpvotes: ['q1'],
      votesVersion: 7,
      askingBanned: true,
    });
    expect(Object.keys(s.byId)).toEqual(['q1', 'q2']);
    expect(s.votes.q1).toEqual({ n: 3, version: 7 });
    expect(s.votesFloor).toBe(7);
    expect(s.myUpvotes).toEqual({ q1: true });
    expect(s.highlightedId).toBe('q2');
    expect(s.askingBanned).toBe(true);
  });

  it('a snapshot from a server before Q&A gives an empty Q&A state', () => {
    expect(qaFromSnapshot(snapshot(undefined))).toEqual(EMPTY_QA);
  });

  it('is part of the screen state and reset by every new snapshot', () => {
    let st = reduce(null, { type: 'snapshot', snapshot: snapshot({ questions: [question('q1')] }), receivedAt: 0 });
    st = reduce(st, { type: 'qa', event: changed(question('q2')) });
    expect(Object.keys(st!.qa.byId).sort()).toEqual(['q1', 'q2']);
    st = reduce(st, { type: 'snapshot', snapshot: snapshot({ questions: [question('q3')] }), receivedAt: 0 });
    expect(Object.keys(st!.qa.byId)).toEqual(['q3']);
    expect(reduce(null, { type: 'qa', event: changed(question('q2')) })).toBeNull();
  });
});

describe('question messages keep the highest rev [QA13]', () => {
  it('upserts by id and ignores an older rev that arrives late', () => {
    let s = apply(EMPTY_QA, { name: 'question:submitted', payload: question('q1', { state: 'pending', rev: 0 }) });
    s = apply(s, changed(question('q1', { state: 'answered', rev: 2 })), changed(question('q1', { state: 'approved', rev: 1 })));
    expect(s.byId.q1?.state).toBe('answered');
    expect(s.byId.q1?.rev).toBe(2);
  });

  it('of two copies with the same rev keeps the later (askerBanned may differ)', () => {
    const s = apply(EMPTY_QA, changed(question('q1', { rev: 3, askerBanned: false })), changed(question('q1', { rev: 3, askerBanned: true })));
    expect(s.byId.q1?.askerBanned).toBe(true);
  });

  it('keeps `mine` when the public copy of the same rev arrives after the author copy [QA7]', () => {
    const s = apply(EMPTY_QA, changed(question('q1', { rev: 2, mine: true })), changed(question('q1', { rev: 2 })));
    expect(s.byId.q1?.mine).toBe(true);
  });

  it('returns the same state object when nothing changes', () => {
    const s = apply(EMPTY_QA, changed(question('q1', { rev: 2 })));
    expect(reduceQa(s, changed(question('q1', { rev: 1 })))).toBe(s);
  });
});

describe('question:removed [QA14]', () => {
  it('drops the question for the audience, and a late older copy does not bring it back', () => {
    let s = apply(EMPTY_QA, changed(question('q1', { rev: 1 })));
    s = apply(s, { name: 'question:removed', payload: { questionId: 'q1', rev: 2 } });
    expect(s.byId.q1).toBeUndefined();
    s = apply(s, changed(question('q1', { rev: 1 })));
    expect(s.byId.q1).toBeUndefined();
    // Restored later: a newer rev shows it again.
    s = apply(s, changed(question('q1', { rev: 3 })));
    expect(s.byId.q1?.rev).toBe(3);
  });

  it('never drops the author own copy: the author is told of the dismissal with question:changed', () => {
    let s = apply(EMPTY_QA, changed(question('q1', { rev: 2, state: 'dismissed', mine: true })));
    s = apply(s, { name: 'question:removed', payload: { questionId: 'q1', rev: 2 } });
    expect(s.byId.q1?.state).toBe('dismissed');
    // Removal first, then the author's copy of the same rev: the author copy wins.
    let t = apply(EMPTY_QA, changed(question('q2', { rev: 1 })), { name: 'question:removed', payload: { questionId: 'q2', rev: 2 } });
    t = apply(t, changed(question('q2', { rev: 2, state: 'dismissed', mine: true })));
    expect(t.byId.q2?.mine).toBe(true);
  });

  it('ignores a removal older than the copy held', () => {
    const s = apply(EMPTY_QA, changed(question('q1', { rev: 4 })), { name: 'question:removed', payload: { questionId: 'q1', rev: 3 } });
    expect(s.byId.q1?.rev).toBe(4);
  });

  it('takes a removed question off the stage', () => {
    const s = apply(
      EMPTY_QA,
      changed(question('q1')),
      { name: 'question:highlighted', payload: { questionId: 'q1', question: question('q1') } },
      { name: 'question:removed', payload: { questionId: 'q1', rev: 2 } },
    );
    expect(s.highlightedId).toBeNull();
    expect(stageQuestion(s)).toBeNull();
  });
});

describe('vote counts [QA10]', () => {
  it('per question keeps the count with the highest version and ignores versions at or below the snapshot', () => {
    let s = fromSnap({ questions: [question('q1', { votes: 2 }), question('q2', { votes: 5 })], votesVersion: 10 });
    s = apply(s, { name: 'question:votesUpdated', payload: { version: 10, votes: { q1: 0 } } });
    expect(votesOf(s, s.byId.q1!)).toBe(2);
    s = apply(s, { name: 'question:votesUpdated', payload: { version: 12, votes: { q1: 4 } } });
    s = apply(s, { name: 'question:votesUpdated', payload: { version: 11, votes: { q1: 3, q2: 6 } } });
    expect(votesOf(s, s.byId.q1!)).toBe(4);
    expect(votesOf(s, s.byId.q2!)).toBe(6);
  });

  it('the coalesced count beats the count a later question message carries', () => {
    let s = fromSnap({ questions: [question('q1', { votes: 1 })], votesVersion: 1 });
    s = apply(s, { name: 'question:votesUpdated', payload: { version: 2, votes: { q1: 5 } } }, changed(question('q1', { rev: 2, votes: 1, edited: true })));
    expect(votesOf(s, s.byId.q1!)).toBe(5);
    expect(withLiveVotes(s, [s.byId.q1!])[0]?.votes).toBe(5);
  });

  it('a question first seen in a message uses its own count until a versioned one comes', () => {
    const s = apply(fromSnap({ votesVersion: 3 }), changed(question('q9', { votes: 2 })));
    expect(votesOf(s, s.byId.q9!)).toBe(2);
    expect(s.votes.q9).toEqual({ n: 2, version: 3 });
  });
});

describe('my upvote acks [QA9]', () => {
  it('toggles my upvote and applies the ack count when no newer count arrived since sending', () => {
    const s = fromSnap({ questions: [question('q1', { votes: 2 })], votesVersion: 4 });
    const mark = votesMark(s);
    const up = qaEventFromAck('question:upvote', { questionId: 'q1', up: true, votes: 3 }, mark)!;
    const t = apply(s, up);
    expect(t.myUpvotes.q1).toBe(true);
    expect(votesOf(t, t.byId.q1!)).toBe(3);
    const down = qaEventFromAck('question:upvote', { questionId: 'q1', up: false, votes: 2 }, votesMark(t))!;
    const u = apply(t, down);
    expect(u.myUpvotes.q1).toBeUndefined();
    expect(votesOf(u, u.byId.q1!)).toBe(2);
  });

  it('does not let a versionless ack overwrite a newer coalesced count that overtook it', () => {
    const s = fromSnap({ questions: [question('q1', { votes: 2 })], votesVersion: 4 });
    const mark = votesMark(s);
    // Someone else's vote and mine both in the count that arrives before my ack.
    const t = apply(s, { name: 'question:votesUpdated', payload: { version: 6, votes: { q1: 4 } } });
    const u = apply(t, qaEventFromAck('question:upvote', { questionId: 'q1', up: true, votes: 3 }, mark)!);
    expect(votesOf(u, u.byId.q1!)).toBe(4);
    expect(u.myUpvotes.q1).toBe(true);
  });

  it('a later coalesced count replaces the ack count', () => {
    const s = fromSnap({ questions: [question('q1', { votes: 2 })], votesVersion: 4 });
    let t = apply(s, qaEventFromAck('question:upvote', { questionId: 'q1', up: true, votes: 3 }, votesMark(s))!);
    t = apply(t, { name: 'question:votesUpdated', payload: { version: 5, votes: { q1: 7 } } });
    expect(votesOf(t, t.byId.q1!)).toBe(7);
  });

  it('without a mark (sent before the first snapshot) only the toggle is applied', () => {
    const s = fromSnap({ questions: [question('q1', { votes: 2 })], votesVersion: 4 });
    const t = apply(s, qaEventFromAck('question:upvote', { questionId: 'q1', up: true, votes: 9 }, null)!);
    expect(votesOf(t, t.byId.q1!)).toBe(2);
    expect(t.myUpvotes.q1).toBe(true);
  });
});

describe('acks of other commands', () => {
  it('map to the facts they stand for; non-Q&A commands map to nothing', () => {
    const q = question('q1', { state: 'pending', mine: true });
    expect(qaEventFromAck('question:submit', q, null)).toEqual({ name: 'question:submitted', payload: q });
    for (const name of ['question:approve', 'question:dismiss', 'question:edit', 'question:markAnswered', 'question:restore', 'question:reply'] as const) {
      expect(qaEventFromAck(name, q, null)?.name).toBe('question:changed');
    }
    expect(qaEventFromAck('question:highlight', { questionId: null, question: null }, null)?.name).toBe('question:highlighted');
    expect(qaEventFromAck('qa:banAsker', { participantId: null, questionId: 'q1', banned: true }, null)).toBeNull();
    expect(qaEventFromAck('session:setLive', { liveSessionId: null }, null)).toBeNull();
  });
});

describe('the highlight [QA17]', () => {
  const pub = (over: Partial<Question> = {}): Question => {
    const { mine: _mine, ...rest } = question('q1', over);
    return rest;
  };

  it('follows question:highlighted, one question at a time, null clears', () => {
    let s = apply(EMPTY_QA, changed(question('q1')), changed(question('q2')));
    s = apply(s, { name: 'question:highlighted', payload: { questionId: 'q1', question: pub() } });
    expect(s.highlightedId).toBe('q1');
    s = apply(s, { name: 'question:highlighted', payload: { questionId: 'q2', question: { ...pub(), id: 'q2' } } });
    expect(s.highlightedId).toBe('q2');
    expect(stageQuestion(s)?.id).toBe('q2');
    s = apply(s, { name: 'question:highlighted', payload: { questionId: null, question: null } });
    expect(stageQuestion(s)).toBeNull();
  });

  it('shows the newest copy (an edit after highlighting) with the live count', () => {
    let s = fromSnap({ votesVersion: 1 });
    s = apply(
      s,
      { name: 'question:highlighted', payload: { questionId: 'q1', question: pub({ text: 'old', rev: 1 }) } },
      changed(question('q1', { text: 'fixed', rev: 2, edited: true })),
      { name: 'question:votesUpdated', payload: { version: 2, votes: { q1: 8 } } },
    );
    expect(stageQuestion(s)).toMatchObject({ text: 'fixed', votes: 8, highlighted: true });
  });

  it('uses the highlight message alone when the question is not otherwise held (the stage screen)', () => {
    const s = apply(EMPTY_QA, { name: 'question:highlighted', payload: { questionId: 'q1', question: pub({ text: 'on stage' }) } });
    expect(stageQuestion(s)?.text).toBe('on stage');
  });

  it('a question marked answered or dismissed leaves the stage even if the highlight message is late', () => {
    let s = apply(EMPTY_QA, changed(question('q1')), { name: 'question:highlighted', payload: { questionId: 'q1', question: pub() } });
    s = apply(s, changed(question('q1', { state: 'answered', rev: 2 })));
    expect(s.highlightedId).toBeNull();
    expect(stageQuestion(s)).toBeNull();
  });
});

describe('qa:banChanged [QA19]', () => {
  it('sets and clears the asking ban', () => {
    const s = apply(EMPTY_QA, { name: 'qa:banChanged', payload: { banned: true } });
    expect(s.askingBanned).toBe(true);
    expect(apply(s, { name: 'qa:banChanged', payload: { banned: false } }).askingBanned).toBe(false);
    expect(reduceQa(s, { name: 'qa:banChanged', payload: { banned: true } })).toBe(s);
  });
});
