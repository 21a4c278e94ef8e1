import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { stageKit, type StageKit } from '../../../test/helpers/stage-kit.js';
import { setLiveSession } from './agenda.js';
import { sendReaction } from './reactions.js';

let k: StageKit;
beforeEach(async () => {
  k = await stageKit({ limits: { reactions: 10 } });
});
afterEach(() => k.close());

describe('reactions', () => {
  it('[STAGE14] an attendee\'s reaction goes to the burst buffer in their cohort and is logged as engagement', async () => {
    await setLiveSession(k.deps, k.event.id, 'keynote');
    const ada = await k.person({ mode: 'remote', team: 'NA' });
    expect(await sendReaction(k.deps, k.event.id, ada.id, '🔥')).toEqual({ emoji: '🔥' });
    expect(k.stage.reacted).toEqual([{ eventId: k.event.id, emoji: '🔥', cohort: 'remote' }]);
    expect(k.stage.engagement.entries().filter((e) => e.kind === 'reacted')).toMatchObject([{ participantId: ada.id, mode: 'remote', team: 'NA', sessionId: 'keynote', ref: '🔥' }]);
    // Never published one by one: bursts do that.
    expect(k.publish.published.filter((p) => p.fact !== 'event:updated' && p.fact !== 'announcement:cleared')).toEqual([]);
  });

  it('[STAGE14] over 10 per window a reaction is RATE_LIMITED with the wait and counts nothing; others are unaffected', async () => {
    const ada = await k.person();
    const bob = await k.person();
    for (let i = 0; i < 10; i++) await sendReaction(k.deps, k.event.id, ada.id, '👏');
    await expect(sendReaction(k.deps, k.event.id, ada.id, '👏')).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, message: 'you can send 10 reactions every 10 s; try again in 4 s' });
    expect(k.stage.reacted).toHaveLength(10);
    await sendReaction(k.deps, k.event.id, bob.id, '🎉');
    expect(k.stage.reacted).toHaveLength(11);
  });

  it('[STAGE14] only attendees react', async () => {
    const pres = await k.person({ role: 'presenter' });
    await expect(sendReaction(k.deps, k.event.id, pres.id, '💡')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(k.stage.reacted).toEqual([]);
  });
});
