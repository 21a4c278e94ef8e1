import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS, type Poll, type PollResults } from '@rally/shared';
import { EMPTY_POLLS, type PollsState } from '../../lib/pollState';
import { audienceSees, canReveal, describeVote, mmss, sessionPolls, stagePoll } from './model';

const poll = (id: string, over: Partial<Poll> = {}): Poll =>
  ({
    id,
    eventId: 'e',
    sessionId: 's1',
    order: 1,
    question: `${id}?`,
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

const results = (pollId: string): PollResults => ({
  pollId,
  version: 1,
  state: 'closed',
  kind: 'single',
  totals: { room: 0, remote: 0 },
  present: { room: 0, remote: 0 },
  participation: { room: 0, remote: 0 },
  options: [],
});

const state = (polls: Poll[], withResults: string[] = []): PollsState => ({
  ...EMPTY_POLLS,
  byId: Object.fromEntries(polls.map((p) => [p.id, p])),
  results: Object.fromEntries(withResults.map((id) => [id, results(id)])),
});

describe('poll screen selectors', () => {
  it('sessionPolls keeps one session, in authored order', () => {
    const s = state([poll('b', { order: 2 }), poll('x', { sessionId: null }), poll('a', { order: 1 }), poll('c', { order: 3 })]);
    expect(sessionPolls(s, 's1').map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(sessionPolls(s, null).map((p) => p.id)).toEqual(['x']);
  });

  it('[POLL22] the stage shows the newest live poll, else the last closed poll it has results for', () => {
    const closedOld = poll('old', { state: 'closed', closedAt: '2026-01-01T09:01:00.000Z' });
    const closedNew = poll('new', { state: 'closed', closedAt: '2026-01-01T09:05:00.000Z' });
    expect(stagePoll(state([closedOld, closedNew], ['old']))?.id).toBe('old');
    expect(stagePoll(state([closedOld, closedNew], ['old', 'new']))?.id).toBe('new');
    const live1 = poll('l1', { state: 'live', openedAt: '2026-01-01T09:02:00.000Z' });
    const live2 = poll('l2', { state: 'live', openedAt: '2026-01-01T09:03:00.000Z' });
    expect(stagePoll(state([closedNew, live1, live2], ['new']))?.id).toBe('l2');
    expect(stagePoll(state([poll('d')]))).toBeNull();
  });

  it('[POLL22] what the audience sees, and when a reveal changes it', () => {
    const after = { ...DEFAULT_POLL_SETTINGS, resultsVisibility: 'after-close' as const };
    const presenter = { ...DEFAULT_POLL_SETTINGS, resultsVisibility: 'presenter' as const };
    expect(audienceSees(poll('a', { state: 'live' }))).toBe(true);
    expect(audienceSees(poll('a', { state: 'draft' }))).toBe(false);
    expect(audienceSees(poll('a', { state: 'live', settings: after }))).toBe(false);
    expect(audienceSees(poll('a', { state: 'closed', settings: after }))).toBe(true);
    expect(audienceSees(poll('a', { state: 'closed', settings: presenter }))).toBe(false);
    expect(audienceSees(poll('a', { state: 'live', settings: presenter, revealed: true }))).toBe(true);
    expect(canReveal(poll('a', { state: 'live', settings: presenter }))).toBe(true);
    expect(canReveal(poll('a', { state: 'live' }))).toBe(false);
    expect(canReveal(poll('a', { state: 'draft', settings: presenter }))).toBe(false);
  });

  it('describes a vote in words and formats countdowns', () => {
    expect(describeVote(poll('a'), { kind: 'single', optionId: 'o2' })).toBe('No');
    expect(describeVote(poll('a', { kind: 'rating', scale: 5 } as Partial<Poll>), { kind: 'rating', value: 4 })).toBe('4 out of 5');
    expect(describeVote(poll('a', { kind: 'wordcloud' } as Partial<Poll>), { kind: 'wordcloud', text: 'ready' })).toBe('“ready”');
    expect(mmss(61_000)).toBe('1:01');
    expect(mmss(400)).toBe('0:01');
    expect(mmss(-5)).toBe('0:00');
  });
});
