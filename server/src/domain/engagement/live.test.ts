import { afterEach, describe, expect, it } from 'vitest';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { createLogFollower } from './follower.js';
import { liveView } from './live.js';

let kit: PollKit;
afterEach(() => kit?.close());

describe('live dashboard reads', () => {
  it('[ENG6] [STORE37] online figures by cohort and team leave staff and offline attendees out, and come from the store\'s counts without reading participants', async () => {
    kit = await pollKit();
    await kit.person({ mode: 'room', team: 'EMEA' });
    await kit.person({ mode: 'room', team: 'NA' });
    await kit.person({ mode: 'remote', team: 'NA' });
    const mover = await kit.person({ mode: 'room', team: null });
    await kit.store.updateParticipant(mover.id, { mode: 'remote' });
    await kit.person({ mode: 'remote', team: 'EMEA', online: false });
    await kit.person({ role: 'moderator', team: null });
    // The per-second path reads counts: no listing of the event, no record per online attendee.
    const refuse = (name: string) => () => Promise.reject(new Error(`${name} on the live path`));
    const store = Object.assign(Object.create(kit.store) as typeof kit.store, {
      listParticipants: refuse('listParticipants'),
      presenceOnline: refuse('presenceOnline'),
      getParticipant: refuse('getParticipant'),
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
