import { afterEach, describe, expect, it } from 'vitest';
import { createLog } from '../../log.js';
import { drafts, pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { createPoll } from '../polls/authoring.js';
import { launchPoll } from '../polls/lifecycle.js';
import { castVote } from '../polls/voting.js';
import { createEngagementService, type EngagementService } from './service.js';

/*
 * [REL22] What the command pipeline awaits before an ok ack: the engagement entries recorded
 * before it are stored (no timer has to run first), and the store's own durable() follows.
 */

let kit: PollKit;
let engagement: EngagementService;
afterEach(async () => {
  await engagement?.close();
  await kit?.close();
});

describe('the engagement log is durable with the ack', () => {
  it('[REL22] once durable() resolves, the entry of every vote cast before the call is in the store', async () => {
    kit = await pollKit();
    // A retry timer far away: only the per-turn write can store the entries in time.
    engagement = createEngagementService({ store: kit.store, clock: kit.clock, log: createLog('silent'), recorder: { intervalMs: 60_000 } });
    const deps = { ...kit.deps, engagement };
    const poll = await launchPoll(deps, kit.event.id, (await createPoll(deps, kit.event.id, null, drafts.single({ anonymous: false }))).id);
    const people = await Promise.all([0, 1, 2, 3, 4].map((i) => kit.person({ mode: i % 2 ? 'room' : 'remote' })));
    await Promise.all(people.map((p) => castVote(deps, kit.event.id, p.id, poll.id, { kind: 'single', optionId: 'o1' })));
    await engagement.durable();
    await kit.store.durable();
    const voted = (await kit.store.readEngagement(kit.event.id, null, 100)).entries.filter((e) => e.kind === 'voted');
    expect(new Set(voted.map((e) => e.participantId))).toEqual(new Set(people.map((p) => p.id)));
    // Nothing recorded since: durable() resolves at once and the recorder holds nothing.
    expect(engagement.recorder.pending()).toBe(0);
    await engagement.durable();
  });
});
