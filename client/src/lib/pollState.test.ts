import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS, type Participant, type Poll, type PollAnswer, type PollResults, type Snapshot } from '@rally/shared';
import { reduce, type RallyState } from './state';
import { EMPTY_POLLS, pollEventFromAck, reducePolls, type PollEvent } from './pollState';

const event = {
  id: 'evt1',
  code: '7KQ4MX',
  name: 'SKO',
  teams: [],
  agenda: [],
  liveSessionId: null,
  settings: { allowAnonymousQuestions: true, moderation: 'pre' as const },
  createdAt: '2026-01-01T09:00:00.000Z',
  // The poll reducer never reads the event: cast so this fixture does not have to follow every field
  // other capabilities add to it.
} as unknown as Snapshot['event'];
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

const poll = (id: string, over: Partial<Poll> = {}): Poll =>
  ({
    id,
    eventId: 'evt1',
    sessionId: 's1',
    order: 1,
    question: `Question ${id}?`,
    settings: DEFAULT_POLL_SETTINGS,
    state: 'draft',
    createdAt: '2026-01-01T09:00:00.000Z',
    openedAt: null,
    closesAt: null,
    closedAt: null,
    revealed: false,
    presentAtClose: null,
    kind: 'single',
    options: [
      { id: 'o1', label: 'Yes' },
      { id: 'o2', label: 'No' },
    ],
    ...over,
  }) as Poll;

const results = (pollId: string, version: number, yesRoom = 0, yesRemote = 0): PollResults => ({
  pollId,
  version,
  state: 'live',
  kind: 'single',
  totals: { room: yesRoom, remote: yesRemote },
  present: { room: 1, remote: 1 },
  participation: { room: yesRoom, remote: yesRemote },
  options: [
    { optionId: 'o1', room: yesRoom, remote: yesRemote },
    { optionId: 'o2', room: 0, remote: 0 },
  ],
});

const answer = (id: string, status: PollAnswer['status'] = 'pending'): PollAnswer => ({
  id,
  pollId: 'open1',
  text: `answer ${id}`,
  author: null,
  status,
  flagged: false,
  at: '2026-01-01T09:01:00.000Z',
});

function snap(extra: Partial<Snapshot> = {}): RallyState {
  const s = reduce(null, {
    type: 'snapshot',
    snapshot: { serverTime: '2026-01-01T09:00:00.000Z', event, me, polls: [], myVotes: {}, ...extra },
    receivedAt: Date.parse('2026-01-01T09:00:00.000Z'),
  });
  if (!s) throw new Error('no state');
  return s;
}

const apply = (s: RallyState | null, ...events: PollEvent[]) => events.reduce<RallyState | null>((acc, event) => reduce(acc, { type: 'poll', event }), s);

describe('poll state reducer', () => {
  it('[POLL24] takes polls, visible results, my votes and open answers from the snapshot', () => {
    const s = snap({
      polls: [
        { poll: poll('a', { state: 'live' }), results: results('a', 3, 1, 0) },
        { poll: poll('b', { state: 'closed' }), results: null },
      ],
      myVotes: { a: { kind: 'single', optionId: 'o1' } },
      pollAnswers: [answer('x')],
    });
    expect(Object.keys(s.polls.byId).sort()).toEqual(['a', 'b']);
    expect(s.polls.results.a?.version).toBe(3);
    expect(s.polls.results.b).toBeUndefined();
    expect(s.polls.myVotes.a).toEqual({ kind: 'single', optionId: 'o1' });
    expect(s.polls.answers.x?.status).toBe('pending');
  });

  it('drops poll facts before the first snapshot', () => {
    expect(apply(null, { name: 'poll:launched', payload: poll('a', { state: 'live' }) })).toBeNull();
  });

  it('[POLL1] [POLL2] created, updated and deleted drafts', () => {
    let s = apply(snap(), { name: 'poll:created', payload: poll('a') });
    expect(s?.polls.byId.a?.question).toBe('Question a?');
    s = apply(s, { name: 'poll:updated', payload: poll('a', { question: 'Edited?' }) });
    expect(s?.polls.byId.a?.question).toBe('Edited?');
    s = apply(s, { name: 'poll:deleted', payload: { pollId: 'a', sessionId: 's1' } });
    expect(s?.polls.byId.a).toBeUndefined();
  });

  it('[POLL3] reordered numbers the listed polls 1..n in that order', () => {
    let s = apply(
      snap(),
      { name: 'poll:created', payload: poll('a', { order: 1 }) },
      { name: 'poll:created', payload: poll('b', { order: 2 }) },
      { name: 'poll:created', payload: poll('c', { order: 3 }) },
    );
    s = apply(s, { name: 'poll:reordered', payload: { sessionId: 's1', pollIds: ['c', 'a', 'b'] } });
    const order = Object.values(s!.polls.byId)
      .sort((x, y) => x.order - y.order)
      .map((p) => p.id);
    expect(order).toEqual(['c', 'a', 'b']);
  });

  it('[POLL6] [POLL7] [POLL10] launched, closed and revealed move a poll forward, and never back', () => {
    let s = apply(snap(), { name: 'poll:created', payload: poll('a') });
    s = apply(s, { name: 'poll:launched', payload: poll('a', { state: 'live', openedAt: '2026-01-01T09:02:00.000Z' }) });
    expect(s?.polls.byId.a?.state).toBe('live');
    s = apply(s, { name: 'poll:revealed', payload: poll('a', { state: 'live', revealed: true }) });
    s = apply(s, { name: 'poll:closed', payload: poll('a', { state: 'closed', revealed: true, presentAtClose: { room: 1, remote: 2 } }) });
    expect(s?.polls.byId.a?.state).toBe('closed');
    // A late copy of the launch (an ack overtaken by the close fact) changes nothing.
    const before = s;
    s = apply(s, { name: 'poll:launched', payload: poll('a', { state: 'live' }) });
    expect(s).toBe(before);
    expect(s?.polls.byId.a?.revealed).toBe(true);
    expect(s?.polls.byId.a?.presentAtClose).toEqual({ room: 1, remote: 2 });
  });

  it('[POLL9] an audience member learns of a poll when it is launched (a late joiner from the snapshot)', () => {
    const s = apply(snap(), { name: 'poll:launched', payload: poll('adhoc', { state: 'live' }) });
    expect(s?.polls.byId.adhoc?.state).toBe('live');
  });

  it('[POLL6] a launch fact carrying results fills the results; the poll itself keeps no results field; older versions lose', () => {
    let s = apply(snap(), { name: 'poll:launched', payload: { ...poll('a', { state: 'live' }), results: results('a', 3) } });
    expect(s?.polls.byId.a?.state).toBe('live');
    expect(s?.polls.byId.a).not.toHaveProperty('results');
    expect(s?.polls.results.a?.version).toBe(3);
    s = apply(s, { name: 'poll:resultsUpdated', payload: results('a', 4, 1, 0) });
    // A late copy of the launch (ack overtaken by the fact) never takes newer results back.
    s = apply(s, { name: 'poll:launched', payload: { ...poll('a', { state: 'live' }), results: results('a', 3) } });
    expect(s?.polls.results.a?.version).toBe(4);
  });

  it('[POLL23] resultsUpdated keeps the highest version per poll, whatever the arrival order', () => {
    let s = apply(snap(), { name: 'poll:launched', payload: poll('a', { state: 'live' }) });
    s = apply(s, { name: 'poll:resultsUpdated', payload: results('a', 5, 1, 1) });
    s = apply(s, { name: 'poll:resultsUpdated', payload: results('a', 4, 1, 0) });
    expect(s?.polls.results.a?.version).toBe(5);
    expect(s?.polls.results.a?.totals).toEqual({ room: 1, remote: 1 });
    const same = s;
    s = apply(s, { name: 'poll:resultsUpdated', payload: results('a', 5, 9, 9) });
    expect(s).toBe(same);
    s = apply(s, { name: 'poll:resultsUpdated', payload: { ...results('a', 6, 2, 1), state: 'closed' } });
    expect(s?.polls.results.a?.version).toBe(6);
    // Other polls keep their own versions.
    s = apply(s, { name: 'poll:resultsUpdated', payload: results('b', 1, 1, 0) });
    expect(s?.polls.results.b?.version).toBe(1);
    expect(s?.polls.results.a?.version).toBe(6);
  });

  it('[POLL13] [POLL14] my vote comes from the ack, a changed vote replaces it, and deleting the poll forgets it', () => {
    let s = apply(snap(), { name: 'poll:launched', payload: poll('a', { state: 'live' }) });
    const voted = pollEventFromAck('poll:vote', { pollId: 'a', vote: { kind: 'single', optionId: 'o1' }, filtered: false });
    expect(voted?.name).toBe('poll:voted');
    s = apply(s, voted!);
    expect(s?.polls.myVotes.a).toEqual({ kind: 'single', optionId: 'o1' });
    s = apply(s, { name: 'poll:voted', payload: { pollId: 'a', vote: { kind: 'single', optionId: 'o2' }, filtered: false } });
    expect(s?.polls.myVotes.a).toEqual({ kind: 'single', optionId: 'o2' });
    s = apply(s, { name: 'poll:deleted', payload: { pollId: 'a', sessionId: 's1' } });
    expect(s?.polls.myVotes.a).toBeUndefined();
  });

  it('[POLL17] answers: submitted pending, moderated replaces the status, gone drops them', () => {
    let s = apply(snap(), { name: 'poll:answerSubmitted', payload: answer('x') }, { name: 'poll:answerSubmitted', payload: answer('y') });
    s = apply(s, { name: 'poll:answerModerated', payload: answer('x', 'approved') });
    expect(s?.polls.answers.x?.status).toBe('approved');
    expect(s?.polls.answers.y?.status).toBe('pending');
    s = apply(s, { name: 'poll:answerGone', payload: { answerId: 'y' } });
    expect(Object.keys(s!.polls.answers)).toEqual(['x']);
  });

  it('acks of our own commands map onto the matching facts; other commands are not poll events', () => {
    expect(pollEventFromAck('poll:create', poll('a'))?.name).toBe('poll:created');
    expect(pollEventFromAck('poll:duplicate', poll('a'))?.name).toBe('poll:created');
    expect(pollEventFromAck('poll:launchAdhoc', poll('a', { state: 'live' }))?.name).toBe('poll:launched');
    expect(pollEventFromAck('poll:delete', { pollId: 'a' })).toEqual({ name: 'poll:deleted', payload: { pollId: 'a', sessionId: null } });
    expect(pollEventFromAck('participant:update', me)).toBeNull();
    expect(reducePolls(EMPTY_POLLS, { name: 'poll:answerGone', payload: { answerId: 'nope' } })).toEqual(EMPTY_POLLS);
  });

  it('a new snapshot replaces the polls (reconnect never trusts memory)', () => {
    let s: RallyState | null = apply(snap(), { name: 'poll:launched', payload: poll('a', { state: 'live' }) }, { name: 'poll:resultsUpdated', payload: results('a', 9) });
    s = reduce(s, {
      type: 'snapshot',
      snapshot: { serverTime: '2026-01-01T09:05:00.000Z', event, me, polls: [{ poll: poll('a', { state: 'closed' }), results: results('a', 2) }], myVotes: {} },
      receivedAt: Date.parse('2026-01-01T09:05:00.000Z'),
    });
    expect(s?.polls.byId.a?.state).toBe('closed');
    expect(s?.polls.results.a?.version).toBe(2);
  });
});
