import { afterEach, describe, expect, it } from 'vitest';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { createLogFollower } from './follower.js';
import { liveView } from './live.js';

let kit: PollKit;
afterEach(() => kit?.close());

describe('live dashboard reads', () => {
  it('[ENG6] online figures come from the online participants only: by cohort and team, staff and offline attendees left out, without listing the event', async () => {
    kit = await pollKit();
    await kit.person({ mode: 'room', team: 'EMEA' });
    await kit.person({ mode: 'room', team: 'NA' });
    await kit.person({ mode: 'remote', team: 'NA' });
    const mover = await kit.person({ mode: 'room', team: null });
    await kit.store.updateParticipant(mover.id, { mode: 'remote' });
    await kit.person({ mode: 'remote', team: 'EMEA', online: false });
    await kit.person({ role: 'moderator', team: null });
    // The per-second path must not list every participant (O(participants ever joined)).
    const store = Object.assign(Object.create(kit.store) as typeof kit.store, {
      listParticipants: () => Promise.reject(new Error('listParticipants on the live path')),
    });
    const view = await liveView({ store, clock: kit.clock, follower: createLogFollower(store) }, kit.event.id);
    expect(view.dashboard.online).toEqual({
      room: 2,
      remote: 2,
      byTeam: [
        { team: 'EMEA', room: 1, remote: 0 },
        { team: 'NA', room: 1, remote: 1 },
        { team: null, room: 0, remote: 1 },
      ],
    });
    // The same totals the store keeps for the presence panel.
    expect(await kit.store.presenceCounts(kit.event.id)).toEqual({ room: 2, remote: 2 });
  });
});
