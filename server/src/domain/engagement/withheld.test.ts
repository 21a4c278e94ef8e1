import { afterEach, describe, expect, it } from 'vitest';
import type { EngagementEntry } from '@rally/shared';
import { createLog } from '../../log.js';
import { drafts, pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { qaKit, type QaKit } from '../../../test/helpers/qa-kit.js';
import { submitQuestion } from '../qa/asking.js';
import { createPoll } from '../polls/authoring.js';
import { closePoll, launchPoll } from '../polls/lifecycle.js';
import { castVote } from '../polls/voting.js';
import { deleteParticipant } from './privacy.js';
import { createEngagementService, type EngagementService } from './service.js';

/*
 * [SEC22] An anonymous poll's votes are logged with the person but not when: held by the node
 * while the poll runs, then written with the poll's opening time, no ref, in random order.
 */

let kit: PollKit;
let engagement: EngagementService;
afterEach(async () => {
  await engagement?.close();
  await kit?.close();
});

async function scene() {
  kit = await pollKit();
  engagement = createEngagementService({ store: kit.store, clock: kit.clock, log: createLog('silent'), sessionCacheMs: 0, releaseCheckMs: 10 });
  const deps = { ...kit.deps, engagement };
  const launch = async (anonymous: boolean) => launchPoll(deps, kit.event.id, (await createPoll(deps, kit.event.id, null, drafts.single({ anonymous }))).id);
  const vote = (pid: string, pollId: string) => castVote(deps, kit.event.id, pid, pollId, { kind: 'single', optionId: 'o1' });
  return { deps, launch, vote };
}

async function logged(kinds = ['voted']): Promise<EngagementEntry[]> {
  await new Promise((r) => setTimeout(r, 60));
  await engagement.recorder.flush();
  return (await kit.store.readEngagement(kit.event.id, null, 1000)).entries.filter((e) => kinds.includes(e.kind));
}

describe('withheld entries of anonymous acts', () => {
  it('[SEC22] nothing is logged while an anonymous poll runs; at its close every vote is, stamped with its opening, without the poll', async () => {
    const { deps, launch, vote } = await scene();
    const anon = await launch(true);
    const named = await launch(false);
    const people = [await kit.person({ mode: 'room' }), await kit.person({ mode: 'remote' }), await kit.person({ mode: 'room' })];
    for (const p of people) {
      kit.clock.advance(7_000);
      await vote(p.id, anon.id);
    }
    await vote(people[0]!.id, named.id);
    // The named poll's vote is there at once, with its time and poll; the anonymous ones are not.
    expect((await logged()).map((e) => [e.participantId, e.ref])).toEqual([[people[0]!.id, named.id]]);

    await closePoll(deps, kit.event.id, anon.id);
    const after = (await logged()).filter((e) => e.ref === undefined);
    expect(new Set(after.map((e) => e.participantId))).toEqual(new Set(people.map((p) => p.id)));
    expect(after.every((e) => e.at === anon.openedAt)).toBe(true);
    // Each keeps the cohort it voted in ([ENG23]).
    expect(after.find((e) => e.participantId === people[1]!.id)?.mode).toBe('remote');
  });

  it('[SEC22] [ENG18] someone deleted while their anonymous vote was held is logged under their tombstone, never their id', async () => {
    const { deps, launch, vote } = await scene();
    const anon = await launch(true);
    const p = await kit.person();
    await vote(p.id, anon.id);
    await deleteParticipant({ store: kit.store, disconnect: () => undefined }, kit.event.id, p.id);
    await closePoll(deps, kit.event.id, anon.id);
    const after = await logged();
    expect(after).toHaveLength(1);
    expect(after[0]!.participantId).not.toBe(p.id);
    expect(after[0]!.participantId).toMatch(/^deleted_/);
  });

  it('[SEC22] a graceful close writes what is still held', async () => {
    const { launch, vote } = await scene();
    const anon = await launch(true);
    const p = await kit.person();
    await vote(p.id, anon.id);
    await new Promise((r) => setTimeout(r, 30));
    await engagement.close();
    expect((await kit.store.readEngagement(kit.event.id, null, 1000)).entries.filter((e) => e.kind === 'voted').map((e) => e.participantId)).toEqual([p.id]);
  });
});

describe('withheld entries of anonymous questions', () => {
  let qk: QaKit | undefined;
  afterEach(async () => {
    await qk?.close();
    qk = undefined;
  });

  it('[SEC49] [ENG19] an anonymous question is logged once its minute is over, stamped with the minute, without its asker; a named one at once', async () => {
    qk = await qaKit({ allowAnonymousQuestions: true, moderation: 'post' });
    const k = qk;
    engagement = createEngagementService({ store: k.store, clock: k.clock, log: createLog('silent'), sessionCacheMs: 0, releaseCheckMs: 10 });
    const deps = { ...k.deps, engagement };
    const asked = async () => {
      await new Promise((r) => setTimeout(r, 60));
      await engagement.recorder.flush();
      return (await k.store.readEngagement(k.event.id, null, 1000)).entries.filter((e) => e.kind === 'asked');
    };
    const [ada, bob] = [await k.person({ mode: 'remote' }), await k.person({ mode: 'room' })];
    k.clock.advance(12_345);
    const anonymous = [await submitQuestion(deps, k.event.id, ada.id, { text: 'Why were commissions cut?', anonymous: true })];
    k.clock.advance(2_000);
    const named = await submitQuestion(deps, k.event.id, ada.id, { text: 'When is the release?', anonymous: false });
    k.clock.advance(5_000);
    anonymous.push(await submitQuestion(deps, k.event.id, bob.id, { text: 'Is the quota going up?', anonymous: true }));
    // The named question's entry is there at once with its millisecond; the anonymous ones are not,
    // while their minute runs.
    expect((await asked()).map((e) => [e.participantId, e.ref, e.at])).toEqual([[ada.id, named.id, named.createdAt]]);
    k.clock.advance(60_000 - 19_345 - 1);
    expect(await asked()).toHaveLength(1);
    k.clock.advance(1);
    const after = (await asked()).filter((e) => e.participantId === null);
    expect(after).toHaveLength(2);
    // Stamped with the minute the questions show, no asker, no team, no ref; each in its asker's cohort.
    for (const e of after) expect(e).toMatchObject({ at: anonymous[0]!.createdAt, team: null });
    expect(after.every((e) => e.ref === undefined)).toBe(true);
    expect(after.map((e) => e.mode).sort()).toEqual(['remote', 'room']);
  });
});
