import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, IDLE_SLOT, type QuestionState } from '@rally/shared';
import { drafts } from '../../../test/helpers/domain-kit.js';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { createPoll } from '../polls/authoring.js';
import { closePoll, launchPoll } from '../polls/lifecycle.js';
import { highlightQuestion, moderate } from '../qa/moderation.js';
import { setAgenda, setLiveSession } from './agenda.js';
import { clearAnnouncements, sendAnnouncement } from './announcements.js';
import { showOnStage } from './show.js';
import { stageForSnapshot } from './view.js';

let k: StageKit;
beforeEach(async () => {
  k = await stageKit();
});
afterEach(() => k.close());

let n = 0;
async function question(state: QuestionState = 'approved') {
  const author = await k.person();
  return k.store.createQuestion({
    id: `q_slot_${++n}`,
    eventId: k.event.id,
    sessionId: null,
    authorId: author.id,
    authorName: author.name,
    anonymous: false,
    origin: { kind: 'room' },
    text: `Question ${n}?`,
    normalised: `question ${n}`,
    state,
    flagged: false,
    reply: null,
    edited: false,
    createdAt: new Date(k.clock.now()).toISOString(),
    answeredAt: null,
    rev: 0,
  });
}

const launched = async () => {
  const p = await createPoll(k.deps, k.event.id, 'keynote', drafts.single());
  return launchPoll(k.deps, k.event.id, p.id);
};
const slots = () => k.publish.of('stage:changed').map((p) => p.payload.slot);
const onStage = async () => (await k.current()).onStage;

describe('the stage slot', () => {
  it('[STAGE30] [STAGE31] show and clear: each change is one stored version told once to everyone; the same slot again tells no one', async () => {
    const poll = await launched();
    const q = await question();
    k.publish.clear();
    const shown = await showOnStage(k.deps, k.event.id, { kind: 'question', questionId: q.id });
    expect(shown.slot).toEqual({ kind: 'question', questionId: q.id });
    const again = await showOnStage(k.deps, k.event.id, { kind: 'question', questionId: q.id });
    expect(again).toEqual(shown);
    const board = await showOnStage(k.deps, k.event.id, { kind: 'leaderboard', board: 'teams' });
    expect(board.version).toBe(shown.version + 1);
    const back = await showOnStage(k.deps, k.event.id, { kind: 'poll', pollId: poll.id });
    const idle = await showOnStage(k.deps, k.event.id, IDLE_SLOT);
    expect(slots()).toEqual([{ kind: 'question', questionId: q.id }, { kind: 'leaderboard', board: 'teams' }, { kind: 'poll', pollId: poll.id }, IDLE_SLOT]);
    expect(k.publish.of('stage:changed').every((p) => p.to === 'event' && p.target === k.event.id)).toBe(true);
    expect(k.publish.of('stage:changed').map((p) => p.payload.version)).toEqual([shown.version, board.version, back.version, idle.version]);
    expect(await onStage()).toEqual(idle);
  });

  it('[STAGE30] a draft poll, an unapproved question and another event\'s items are refused and change nothing', async () => {
    const draft = await createPoll(k.deps, k.event.id, 'keynote', drafts.single());
    const pending = await question('pending');
    const before = await onStage();
    k.publish.clear();
    await expect(showOnStage(k.deps, k.event.id, { kind: 'poll', pollId: draft.id })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(showOnStage(k.deps, k.event.id, { kind: 'question', questionId: pending.id })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(showOnStage(k.deps, k.event.id, { kind: 'poll', pollId: 'poll_missing' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(showOnStage(k.deps, k.event.id, { kind: 'question', questionId: 'q_missing' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(await onStage()).toEqual(before);
    expect(k.publish.published).toEqual([]);
  });

  it('[STAGE32] launching a poll puts it on stage; closing it keeps it there (its results)', async () => {
    const poll = await launched();
    expect((await onStage())!.slot).toEqual({ kind: 'poll', pollId: poll.id });
    await closePoll(k.deps, k.event.id, poll.id);
    expect((await onStage())!.slot).toEqual({ kind: 'poll', pollId: poll.id });
  });

  it('[STAGE32] [STAGE34] a session change idles the stage and clears announcements; the snapshot follows', async () => {
    await setLiveSession(k.deps, k.event.id, 'keynote');
    const poll = await launched();
    const attendee = await k.person({ mode: 'remote' });
    k.clock.advance(1000);
    await sendAnnouncement(k.deps, k.event.id, 'Lunch at noon', 'all');
    k.clock.advance(1000);
    expect((await stageForSnapshot(k.deps, attendee, await k.current())).announcement?.text).toBe('Lunch at noon');
    k.publish.clear();
    await setLiveSession(k.deps, k.event.id, 'workshop');
    expect(slots()).toEqual([IDLE_SLOT]);
    expect(k.publish.of('announcement:cleared')).toHaveLength(1);
    const snap = await stageForSnapshot(k.deps, attendee, await k.current());
    expect(snap.onStage.slot).toEqual(IDLE_SLOT);
    expect(snap.announcement).toBeNull();
    // Dropping the live session from the agenda does the same.
    await showOnStage(k.deps, k.event.id, { kind: 'poll', pollId: poll.id });
    k.publish.clear();
    await setAgenda(k.deps, k.event.id, (await k.current()).agenda.filter((s) => s.id !== 'workshop'));
    expect(slots()).toEqual([IDLE_SLOT]);
  });

  it('[STAGE33] the highlight follows the slot; taking a question off only undoes what the stage still shows', async () => {
    const a = await question();
    const poll = await launched();
    await highlightQuestion(k.deps, k.event.id, a.id);
    expect((await onStage())!.slot).toEqual({ kind: 'question', questionId: a.id });
    // Something else on stage: the question is no longer highlighted.
    await showOnStage(k.deps, k.event.id, { kind: 'poll', pollId: poll.id });
    expect((await k.store.listQuestions(k.event.id)).some((q) => q.highlighted)).toBe(false);
    // Answering a question that is not on stage leaves the stage alone.
    await highlightQuestion(k.deps, k.event.id, a.id);
    await showOnStage(k.deps, k.event.id, { kind: 'leaderboard', board: 'people' });
    const mod = await k.person({ role: 'moderator' });
    await moderate(k.deps, k.event.id, mod, a.id, 'markAnswered');
    expect((await onStage())!.slot).toEqual({ kind: 'leaderboard', board: 'people' });
    // Answering the question on stage takes it off.
    const b = await question();
    await showOnStage(k.deps, k.event.id, { kind: 'question', questionId: b.id });
    expect((await k.store.getQuestion(b.id))!.highlighted).toBe(true);
    await moderate(k.deps, k.event.id, mod, b.id, 'dismiss');
    expect((await onStage())!.slot).toEqual(IDLE_SLOT);
  });

  it('[STAGE34] an announcement with a lifetime leaves the snapshot when it ends; clearing drops it for everyone', async () => {
    const room = await k.person({ mode: 'room' });
    const timed = await sendAnnouncement(k.deps, k.event.id, 'Doors close in 30 s', 'room', 30);
    expect(timed.expiresAt).toBe(new Date(k.clock.now() + 30_000).toISOString());
    expect((await stageForSnapshot(k.deps, room, await k.current())).announcement?.id).toBe(timed.id);
    k.clock.advance(30_000);
    expect((await stageForSnapshot(k.deps, room, await k.current())).announcement).toBeNull();
    const lasting = await sendAnnouncement(k.deps, k.event.id, 'Wi-Fi: SKO2027', 'all');
    expect(lasting.expiresAt).toBeNull();
    k.clock.advance(3_600_000);
    expect((await stageForSnapshot(k.deps, room, await k.current())).announcement?.id).toBe(lasting.id);
    k.publish.clear();
    const { clearedAt } = await clearAnnouncements(k.deps, k.event.id);
    expect(k.publish.of('announcement:cleared').map((p) => [p.to, p.payload])).toEqual([['event', { clearedAt }]]);
    expect((await stageForSnapshot(k.deps, room, await k.current())).announcement).toBeNull();
    // A new one after the clear shows again.
    k.clock.advance(1);
    const fresh = await sendAnnouncement(k.deps, k.event.id, 'Back in 5', 'all');
    expect((await stageForSnapshot(k.deps, room, await k.current())).announcement?.id).toBe(fresh.id);
  });
});
