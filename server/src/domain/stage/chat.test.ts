import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, STAGE_LIMITS } from '@rally/shared';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { banFromChat, deleteChat, sendChat, setSlowMode } from './chat.js';
import { stageForSnapshot } from './view.js';

let k: StageKit;
beforeEach(async () => {
  k = await stageKit({ limits: { chat: 5 } });
});
afterEach(() => k.close());

describe('event chat', () => {
  it('[STAGE20] a message goes to everyone with its author, cohort and time, and counts as engagement for attendees', async () => {
    const ada = await k.person({ name: 'Ada', mode: 'remote', team: 'NA' });
    const m = await sendChat(k.deps, k.event.id, ada.id, '  Great keynote!  ');
    expect(m).toMatchObject({ authorId: ada.id, authorName: 'Ada', authorRole: 'attendee', mode: 'remote', text: 'Great keynote!', censored: false, at: new Date(k.clock.now()).toISOString() });
    expect(k.publish.of('chat:messagePosted').map((p) => [p.to, p.payload])).toEqual([['event', m]]);
    expect(k.stage.engagement.entries()).toMatchObject([{ kind: 'chatted', participantId: ada.id, mode: 'remote', team: 'NA', ref: m.id }]);
    const mod = await k.person({ role: 'moderator' });
    await sendChat(k.deps, k.event.id, mod.id, 'Welcome all');
    expect(k.stage.engagement.entries()).toHaveLength(1);
  });

  it('[STAGE22] profanity is replaced by asterisks, not refused', async () => {
    const ada = await k.person();
    const m = await sendChat(k.deps, k.event.id, ada.id, 'this shit is great');
    expect(m).toMatchObject({ text: 'this **** is great', censored: true });
    expect((await sendChat(k.deps, k.event.id, ada.id, 'Scunthorpe assessment')).censored).toBe(false);
  });

  it('[STAGE21] slow mode allows one message per interval per attendee, atomically in the store; staff are not slowed', async () => {
    const ada = await k.person();
    const bob = await k.person();
    const mod = await k.person({ role: 'moderator' });
    expect(await setSlowMode(k.deps, k.event.id, 30)).toEqual({ slowModeSec: 30 });
    expect(k.publish.of('chat:settingsChanged').map((p) => [p.to, p.payload])).toEqual([['event', { slowModeSec: 30 }]]);
    await sendChat(k.deps, k.event.id, ada.id, 'first');
    k.clock.advance(10_000);
    await expect(sendChat(k.deps, k.event.id, ada.id, 'too soon')).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, message: 'slow mode is on: one message every 30 s; try again in 20 s' });
    await sendChat(k.deps, k.event.id, bob.id, 'someone else');
    await sendChat(k.deps, k.event.id, mod.id, 'staff one');
    await sendChat(k.deps, k.event.id, mod.id, 'staff two');
    k.clock.advance(20_000);
    await sendChat(k.deps, k.event.id, ada.id, 'second');
    expect((await k.store.listChat(k.event.id)).map((m) => m.text)).toEqual(['first', 'someone else', 'staff one', 'staff two', 'second']);
  });

  it('[STAGE21] each participant may send 5 messages per window; over it nothing is stored', async () => {
    const ada = await k.person();
    for (let i = 0; i < 5; i++) await sendChat(k.deps, k.event.id, ada.id, `m${i}`);
    await expect(sendChat(k.deps, k.event.id, ada.id, 'm6')).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, message: `you can send ${STAGE_LIMITS.chatPerWindow} messages every ${STAGE_LIMITS.chatWindowSec} s; try again in 4 s` });
    expect(await k.store.listChat(k.event.id)).toHaveLength(5);
  });

  it('[STAGE24] moderators delete a message for everyone; a banned participant is told and cannot chat until unbanned', async () => {
    const ada = await k.person();
    const mod = await k.person({ role: 'moderator' });
    const m = await sendChat(k.deps, k.event.id, ada.id, 'oops');
    expect(await deleteChat(k.deps, k.event.id, m.id)).toEqual({ messageId: m.id });
    expect(k.publish.of('chat:messageDeleted').map((p) => [p.to, p.payload])).toEqual([['event', { messageId: m.id }]]);
    expect(await k.store.listChat(k.event.id)).toEqual([]);
    await expect(deleteChat(k.deps, k.event.id, m.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });

    expect(await banFromChat(k.deps, k.event.id, mod.id, ada.id, true)).toEqual({ participantId: ada.id, banned: true });
    expect(k.publish.of('chat:banChanged').map((p) => [p.to, p.to === 'roles' ? p.roles : p.target])).toEqual([
      ['participant', ada.id],
      ['roles', ['moderator', 'admin']],
    ]);
    k.publish.clear();
    await expect(sendChat(k.deps, k.event.id, ada.id, 'let me in')).rejects.toMatchObject({ code: ErrorCode.BANNED });
    expect(k.publish.published).toEqual([]);
    expect((await stageForSnapshot(k.deps, ada, await k.current())).chat.banned).toBe(true);
    await banFromChat(k.deps, k.event.id, mod.id, ada.id, false);
    await sendChat(k.deps, k.event.id, ada.id, 'back');
  });

  it('[STAGE24] moderators cannot be banned from chat, nor anyone by themselves; another event\'s participant is NOT_FOUND', async () => {
    const mod = await k.person({ role: 'moderator' });
    const mod2 = await k.person({ role: 'admin' });
    await expect(banFromChat(k.deps, k.event.id, mod.id, mod2.id, true)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(banFromChat(k.deps, k.event.id, mod.id, mod.id, true)).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    await expect(banFromChat(k.deps, k.event.id, mod.id, 'someone_else', true)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('[STAGE23] [STAGE25] the snapshot carries the last 100 messages oldest first, the slow mode and the chat ban', async () => {
    const people = await Promise.all(Array.from({ length: 30 }, () => k.person()));
    for (let i = 0; i < 105; i++) await sendChat(k.deps, k.event.id, people[i % 30]!.id, `message ${i}`);
    await setSlowMode(k.deps, k.event.id, 15);
    const snap = await stageForSnapshot(k.deps, people[0]!, await k.current());
    expect(snap.chat.messages.map((m) => m.text)).toEqual(Array.from({ length: 100 }, (_, i) => `message ${i + 5}`));
    expect(snap.chat).toMatchObject({ settings: { slowModeSec: 15 }, banned: false });
    expect(snap.roomCode).toBeUndefined();
  });
});
