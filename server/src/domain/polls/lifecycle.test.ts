import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { drafts, pollKit, recordingPublisher, type PollKit } from '../../../test/helpers/domain-kit.js';
import { castVote } from './voting.js';
import { createPoll } from './authoring.js';
import { closeDuePolls, closeIfLive, closePoll, launchAdhoc, launchPoll, revealPoll } from './lifecycle.js';
import { AUDIENCE_ROLES, POLL_STAFF_ROLES } from './visibility.js';

let k: PollKit;
beforeEach(async () => {
  k = await pollKit();
});
afterEach(() => k.close());

describe('lifecycle', () => {
  it('[POLL6] launch moves a draft live at the current time, with the deadline from its duration; everyone is told', async () => {
    const poll = await createPoll(k.deps, k.event.id, 'keynote', drafts.single({ durationSec: 45 }));
    k.clock.advance(1234);
    const live = await launchPoll(k.deps, k.event.id, poll.id);
    const now = k.clock.now();
    expect(live).toMatchObject({ state: 'live', openedAt: new Date(now).toISOString(), closesAt: new Date(now + 45_000).toISOString() });
    // Results show live (the default): everyone's launch fact carries the first results, no votes yet.
    const [told] = k.publish.of('poll:launched');
    expect(k.publish.of('poll:launched')).toHaveLength(1);
    expect(told).toMatchObject({ to: 'event', target: k.event.id, payload: { ...live, results: { pollId: poll.id, state: 'live', totals: { room: 0, remote: 0 } } } });
    await expect(launchPoll(k.deps, k.event.id, poll.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    const manual = await launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', drafts.nps())).id);
    expect(manual.closesAt).toBeNull();
  });

  it('[POLL6] [POLL22] with results hidden from the audience, only staff get the first results with the launch', async () => {
    k.publish.clear();
    const live = await launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', drafts.single({ resultsVisibility: 'after-close' }))).id);
    const told = k.publish.of('poll:launched');
    expect(told).toHaveLength(2);
    const withResults = told.find((t) => 'results' in t.payload);
    const bare = told.find((t) => !('results' in t.payload));
    expect(withResults).toMatchObject({ roles: ['presenter', 'moderator', 'admin'], payload: { id: live.id, results: { pollId: live.id, totals: { room: 0, remote: 0 } } } });
    expect(bare).toMatchObject({ roles: ['attendee', 'screen'], payload: live });
  });

  it('[POLL7] close records when and how many attendees were present, tells everyone, and sends final results once; a second close is INVALID_STATE', async () => {
    const voter = await k.person({ mode: 'remote' });
    await k.person({ mode: 'room' });
    await k.person({ role: 'moderator' });
    const poll = await launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', drafts.single())).id);
    await castVote(k.deps, k.event.id, voter.id, poll.id, { kind: 'single', optionId: 'o2' });
    k.clock.advance(10_000);
    k.publish.clear();

    const closed = await closePoll(k.deps, k.event.id, poll.id);
    expect(closed).toMatchObject({ state: 'closed', closedAt: new Date(k.clock.now()).toISOString(), presentAtClose: { room: 1, remote: 1 } });
    expect(k.publish.published.map((p) => p.fact)).toEqual(['poll:closed', 'poll:resultsUpdated']);
    const [final] = k.publish.of('poll:resultsUpdated');
    expect(final!.roles).toEqual([...POLL_STAFF_ROLES, ...AUDIENCE_ROLES]);
    expect(final!.payload).toMatchObject({ state: 'closed', totals: { room: 0, remote: 1 }, present: { room: 1, remote: 1 }, participation: { room: 0, remote: 1 } });

    await expect(closePoll(k.deps, k.event.id, poll.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    // Racing closes (two nodes, a presenter and the timer): one wins, one announcement.
    const again = await launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', drafts.nps())).id);
    k.publish.clear();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => closeIfLive(k.deps, again)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(k.publish.of('poll:closed')).toHaveLength(1);
    expect(k.publish.of('poll:resultsUpdated')).toHaveLength(1);
  });

  it('[POLL8] the stored deadline closes the poll on whichever node sweeps first, also after a restart, and only once', async () => {
    const poll = await launchPoll(k.deps, k.event.id, (await createPoll(k.deps, k.event.id, 'keynote', drafts.single({ durationSec: 30 }))).id);
    k.clock.advance(29_999);
    expect(await closeDuePolls(k.deps)).toEqual([]);
    k.clock.advance(1);
    // Two nodes sharing the store, and a third started after the first "crashed": each sweeps.
    const nodes = [k.deps, { ...k.deps, publish: recordingPublisher() }, { ...k.deps, publish: recordingPublisher() }];
    const closedBy = await Promise.all(nodes.map((d) => closeDuePolls(d)));
    expect(closedBy.flat().map((p) => p.id)).toEqual([poll.id]);
    expect(nodes.flatMap((d) => (d.publish as typeof k.publish).of('poll:closed'))).toHaveLength(1);
    expect((await k.store.getPoll(poll.id))?.closedAt).toBe(new Date(k.clock.now()).toISOString());
    expect(await closeDuePolls(k.deps)).toEqual([]);
  });

  it('[POLL9] a presenter\'s ad-hoc poll is created in the live session and launched at once', async () => {
    await k.store.setLiveSession(k.event.id, 'workshop');
    const poll = await launchAdhoc(k.deps, k.event.id, drafts.wordcloud());
    expect(poll).toMatchObject({ state: 'live', sessionId: 'workshop', order: 1, kind: 'wordcloud' });
    // [STAGE32] The launch's stage slot travels inside poll:launched: no stage:changed of its own.
    expect(k.publish.published.map((p) => p.fact)).toEqual(['poll:created', 'poll:launched']);
    expect((k.publish.published[1]!.payload as { onStage?: { slot: unknown } }).onStage?.slot).toEqual({ kind: 'poll', pollId: poll.id });
    await k.store.setLiveSession(k.event.id, null);
    expect((await launchAdhoc(k.deps, k.event.id, drafts.nps())).sessionId).toBeNull();
  });

  it('[POLL10] reveal shows a presenter-only poll\'s results to the audience; a draft cannot be revealed', async () => {
    await k.person();
    const draft = await createPoll(k.deps, k.event.id, 'keynote', drafts.rating({ resultsVisibility: 'presenter' }));
    await expect(revealPoll(k.deps, k.event.id, draft.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await launchPoll(k.deps, k.event.id, draft.id);
    k.publish.clear();
    const revealed = await revealPoll(k.deps, k.event.id, draft.id);
    expect(revealed.revealed).toBe(true);
    expect(k.publish.published.map((p) => [p.fact, p.to, p.roles])).toEqual([
      ['poll:revealed', 'event', undefined],
      ['poll:resultsUpdated', 'roles', [...POLL_STAFF_ROLES, ...AUDIENCE_ROLES]],
    ]);
  });
});
