import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, PollDraft } from '@rally/shared';
import { drafts, pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { createPoll, deletePoll, duplicatePoll, reorderPolls, updatePoll } from './authoring.js';
import { closePoll, launchPoll } from './lifecycle.js';
import { POLL_STAFF_ROLES } from './visibility.js';

let k: PollKit;
beforeEach(async () => {
  k = await pollKit();
});
afterEach(() => k.close());

describe('authoring', () => {
  it('[POLL1] a poll is created as a draft in its session, numbered last, with option ids; only staff are told', async () => {
    const a = await createPoll(k.deps, k.event.id, 'keynote', drafts.single());
    const b = await createPoll(k.deps, k.event.id, 'keynote', drafts.nps());
    const loose = await createPoll(k.deps, k.event.id, null, drafts.rating());
    expect(a).toMatchObject({ state: 'draft', sessionId: 'keynote', order: 1, openedAt: null, revealed: false, kind: 'single' });
    expect(a.kind === 'single' && a.options).toEqual([
      { id: 'o1', label: 'Cloud 5' },
      { id: 'o2', label: 'Copilot' },
      { id: 'o3', label: 'Edge' },
    ]);
    expect([b.order, loose.order]).toEqual([2, 1]);
    expect(k.publish.of('poll:created').map((p) => [p.payload.id, p.roles])).toEqual([
      [a.id, POLL_STAFF_ROLES],
      [b.id, POLL_STAFF_ROLES],
      [loose.id, POLL_STAFF_ROLES],
    ]);
    expect(k.publish.published.filter((p) => p.to === 'event')).toEqual([]);
    await expect(createPoll(k.deps, k.event.id, 'no-such-session', drafts.single())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[POLL2] a draft can be edited (even to another kind) and deleted; a launched poll cannot, and another event\'s poll is unknown', async () => {
    const poll = await createPoll(k.deps, k.event.id, 'keynote', drafts.single());
    const edited = await updatePoll(k.deps, k.event.id, poll.id, drafts.multiple({}, 3));
    expect(edited).toMatchObject({ id: poll.id, kind: 'multiple', maxPicks: 3, order: 1, state: 'draft' });
    expect(k.publish.of('poll:updated').map((p) => p.payload)).toEqual([edited]);

    const live = await createPoll(k.deps, k.event.id, 'keynote', drafts.nps());
    await launchPoll(k.deps, k.event.id, live.id);
    await expect(updatePoll(k.deps, k.event.id, live.id, drafts.nps())).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(deletePoll(k.deps, k.event.id, live.id)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(updatePoll(k.deps, 'another-event', poll.id, drafts.nps())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    expect(await deletePoll(k.deps, k.event.id, poll.id)).toEqual({ pollId: poll.id });
    expect(k.publish.of('poll:deleted').map((p) => p.payload)).toEqual([{ pollId: poll.id, sessionId: 'keynote' }]);
    expect((await k.store.listPolls(k.event.id)).map((p) => p.id)).toEqual([live.id]);
  });

  it('[POLL3] reorder takes exactly the session\'s polls; a stale list is CONFLICT, a repeated id BAD_REQUEST', async () => {
    const [a, b, c] = [
      await createPoll(k.deps, k.event.id, 'keynote', drafts.single()),
      await createPoll(k.deps, k.event.id, 'keynote', drafts.nps()),
      await createPoll(k.deps, k.event.id, 'keynote', drafts.open()),
    ];
    expect(await reorderPolls(k.deps, k.event.id, 'keynote', [c.id, a.id, b.id])).toEqual({ sessionId: 'keynote', pollIds: [c.id, a.id, b.id] });
    expect((await k.store.listPolls(k.event.id)).map((p) => p.id)).toEqual([c.id, a.id, b.id]);
    expect(k.publish.of('poll:reordered')).toHaveLength(1);
    await expect(reorderPolls(k.deps, k.event.id, 'keynote', [a.id, b.id])).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    await expect(reorderPolls(k.deps, k.event.id, 'keynote', [a.id, a.id, b.id])).rejects.toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect((await k.store.listPolls(k.event.id)).map((p) => p.id)).toEqual([c.id, a.id, b.id]);
  });

  it('[POLL4] duplicate copies any poll\'s content into a new draft, last in its session or in another one', async () => {
    const original = await createPoll(k.deps, k.event.id, 'keynote', drafts.multiple({ anonymous: false, durationSec: 30 }));
    await createPoll(k.deps, k.event.id, 'keynote', drafts.nps());
    await launchPoll(k.deps, k.event.id, original.id);
    await closePoll(k.deps, k.event.id, original.id);
    const copy = await duplicatePoll(k.deps, k.event.id, original.id);
    const { id: _1, order: _2, state: _3, createdAt: _4, openedAt: _5, closesAt: _6, closedAt: _7, revealed: _8, presentAtClose: _9, ...content } = original;
    expect(copy).toMatchObject({ ...content, state: 'draft', order: 3, openedAt: null, closedAt: null, revealed: false, presentAtClose: null });
    expect(copy.id).not.toBe(original.id);
    const moved = await duplicatePoll(k.deps, k.event.id, original.id, 'workshop');
    expect(moved).toMatchObject({ sessionId: 'workshop', order: 1 });
  });

  it('[POLL5] a draft is refused for too few or repeated options, maxPicks above the options, a bad scale or duration, an empty question', () => {
    const ok = drafts.single();
    const refused = [
      { ...ok, options: ['Only one'] },
      { ...ok, options: Array.from({ length: 11 }, (_, i) => `Option ${i}`) },
      { ...ok, options: ['Yes', ' yes '] },
      { ...ok, options: ['Yes', 'x'.repeat(81)] },
      { ...drafts.multiple(), maxPicks: 5 },
      { ...drafts.rating(), scale: 7 },
      { ...ok, question: '   ' },
      { ...ok, question: 'q'.repeat(201) },
      { ...ok, settings: { ...ok.settings, durationSec: 5 } },
      { ...ok, settings: { ...ok.settings, resultsVisibility: 'never' } },
      { ...ok, extra: true },
    ];
    for (const d of refused) expect(PollDraft.safeParse(d).success, JSON.stringify(d)).toBe(false);
    for (const d of Object.values(drafts)) expect(PollDraft.safeParse(d()).success).toBe(true);
  });
});
