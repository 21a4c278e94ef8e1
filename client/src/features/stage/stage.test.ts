import { describe, expect, it } from 'vitest';
import { QuizPhase, type OnStage, type Participant, type Poll, type Snapshot } from '@rally/shared';
import { reduce, type RallyState } from '../../lib/state';
import { paginate } from './paging';
import { stageView } from './stageView';

const event = {
  id: 'evt1',
  code: '7KQ4MX',
  name: 'SKO',
  teams: ['EMEA'],
  agenda: [],
  liveSessionId: null,
  settings: { allowAnonymousQuestions: true, moderation: 'pre' as const },
  createdAt: '2026-01-01T09:00:00.000Z',
};
const screen: Participant = { id: 'scr', eventId: 'evt1', name: 'Stage screen', role: 'screen', mode: 'room', team: null, banned: false, joinedAt: '2026-01-01T09:00:00.000Z' };
const poll = (id: string, state: Poll['state']): Poll => ({
  id,
  eventId: 'evt1',
  sessionId: null,
  order: 0,
  question: 'Q?',
  settings: { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null },
  state,
  createdAt: '2026-01-01T09:00:00.000Z',
  openedAt: state === 'draft' ? null : '2026-01-01T09:00:00.000Z',
  closesAt: null,
  closedAt: null,
  revealed: false,
  presentAtClose: null,
  kind: 'nps',
});

function stateWith(onStage: OnStage, polls: Poll[] = [], leaderboard?: Snapshot['leaderboard']): RallyState {
  const s = reduce(null, {
    type: 'snapshot',
    snapshot: {
      serverTime: '2026-01-01T09:00:01.000Z',
      event,
      me: screen,
      polls: polls.map((p) => ({ poll: p, results: null })),
      myVotes: {},
      stage: { onStage, announcement: null, chat: { messages: [], settings: { slowModeSec: 0 }, banned: false } },
      ...(leaderboard ? { leaderboard } : {}),
    },
    receivedAt: Date.parse('2026-01-01T09:00:00.000Z'),
  });
  if (!s) throw new Error('no state');
  return s;
}
const on = (slot: OnStage['slot']): OnStage => ({ slot, version: 3, at: '2026-01-01T09:00:00.000Z' });

describe('the stage screen draws the stage slot [STAGE40]', () => {
  it('shows the poll the slot names, not the newest live one', () => {
    const v = stageView(stateWith(on({ kind: 'poll', pollId: 'p1' }), [poll('p1', 'closed'), poll('p2', 'live')]));
    expect(v.kind === 'poll' && v.poll.id).toBe('p1');
  });

  it('is idle when the slot is idle, even with a live poll', () => {
    expect(stageView(stateWith(on({ kind: 'idle' }), [poll('p2', 'live')])).kind).toBe('idle');
  });

  it('falls back to idle for what it does not hold: an unknown poll, a draft, a hidden leaderboard', () => {
    expect(stageView(stateWith(on({ kind: 'poll', pollId: 'nope' }))).kind).toBe('idle');
    expect(stageView(stateWith(on({ kind: 'poll', pollId: 'd' }), [poll('d', 'draft')])).kind).toBe('idle');
    expect(stageView(stateWith(on({ kind: 'leaderboard', board: 'teams' }))).kind).toBe('idle');
    expect(stageView(stateWith(on({ kind: 'leaderboard', board: 'teams' }), [], { mode: 'off', teams: [], participants: [] })).kind).toBe('idle');
    expect(stageView(stateWith(on({ kind: 'question', questionId: 'q9' }))).kind).toBe('idle');
  });

  it('shows the leaderboard the slot names while the organiser shows one', () => {
    const board = { mode: 'teams' as const, teams: [{ team: 'EMEA', members: 2, total: 6, average: 3, rank: 1 }], participants: [] };
    const v = stageView(stateWith(on({ kind: 'leaderboard', board: 'people' }), [], board));
    expect(v).toMatchObject({ kind: 'leaderboard', board: 'people', leaderboard: board });
  });
});

describe('the stage screen draws the quiz run the slot names [UI51]', () => {
  const lobby = QuizPhase.parse({ phase: 'lobby', quizId: 'q', title: 'Quiz', total: 2, joined: { room: 1, remote: 1, teams: [] } });
  const withRun = (runId: string, phase: QuizPhase) =>
    reduce(stateWith(on({ kind: 'quiz', runId: 'r1' })), { type: 'quizPlay', event: { name: 'quiz:phaseChanged', payload: { runId, version: 1, phase } } })!;

  it('shows the run on stage in its phase', () => {
    expect(stageView(withRun('r1', lobby))).toMatchObject({ kind: 'quiz', runId: 'r1', phase: { phase: 'lobby' } });
  });

  it('keeps the join screen up for a run it has not heard of, another run, or one that ended', () => {
    expect(stageView(stateWith(on({ kind: 'quiz', runId: 'r1' }))).kind).toBe('idle');
    expect(stageView(withRun('r0', lobby)).kind).toBe('idle');
    expect(stageView(withRun('r1', QuizPhase.parse({ phase: 'ended' }))).kind).toBe('idle');
  });
});

describe('the stage screen draws the takeaway the slot names [BRK77]', () => {
  const view = {
    id: 'rd1', eventId: 'evt1', sessionId: null, status: 'closing' as const, openedAt: '2026-01-01T09:00:00.000Z', endsAt: '2026-01-01T09:10:00.000Z',
    closesAt: '2026-01-01T09:10:30.000Z', closedAt: null, broadcasts: [], version: 4, title: 'Round', durationSec: 600, audience: 'remote' as const,
    strategy: { kind: 'random' as const }, format: { kind: 'open' as const }, roomCount: 1,
  };
  const takeaway = { roundId: 'rd1', roomId: 'r1', roomName: 'Tigers', text: 'Ask about budget first', byId: 'a', byName: 'Ana', at: '2026-01-01T09:09:00.000Z' };
  const withTakeaway = (slot: OnStage['slot']) => {
    let s = reduce(stateWith(on(slot)), { type: 'breakout', event: { name: 'breakout:roundChanged', payload: view } })!;
    s = reduce(s, { type: 'breakout', event: { name: 'breakout:takeawaySubmitted', payload: takeaway } })!;
    return s;
  };

  it('[BRK77] shows the room name and the takeaway', () => {
    expect(stageView(withTakeaway({ kind: 'takeaway', roundId: 'rd1', roomId: 'r1' }))).toEqual({ kind: 'takeaway', roomName: 'Tigers', text: 'Ask about budget first', byName: 'Ana' });
  });

  it('[BRK77] a takeaway the screen does not hold shows idle', () => {
    expect(stageView(stateWith(on({ kind: 'takeaway', roundId: 'rd1', roomId: 'r1' }))).kind).toBe('idle');
    expect(stageView(withTakeaway({ kind: 'takeaway', roundId: 'rd1', roomId: 'r2' })).kind).toBe('idle');
  });
});

describe('projector pages [STAGE45]', () => {
  const len = (s: string) => s.length;

  it('fills a page up to the budget and the item count, in order', () => {
    expect(paginate(['aaaa', 'bb', 'cc', 'dddd', 'e'], len, 6, 10)).toEqual([['aaaa', 'bb'], ['cc', 'dddd'], ['e']]);
    expect(paginate(['a', 'b', 'c', 'd', 'e'], len, 100, 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('gives an item over the budget a page of its own, and has no empty pages', () => {
    expect(paginate(['a', 'xxxxxxxxxx', 'b'], len, 4, 10)).toEqual([['a'], ['xxxxxxxxxx'], ['b']]);
    expect(paginate([], len, 4, 10)).toEqual([]);
  });
});
