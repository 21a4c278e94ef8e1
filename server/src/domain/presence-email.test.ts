import { afterEach, describe, expect, it } from 'vitest';
import { pollKit, type PollKit } from '../../test/helpers/domain-kit.js';
import { presenceView, socketOpened } from './presence.js';

let kit: PollKit;
afterEach(() => kit?.close());

describe('presence and the join email', () => {
  it('[BRK35] presence (snapshot and changes) never carries the email a participant joined with', async () => {
    kit = await pollKit();
    const p = await kit.person({ online: false });
    // The record as a join with an email stores it.
    const joined = { ...p, id: `${p.id}_e`, email: 'dana@example.com' };
    await kit.store.createParticipant(joined);
    await socketOpened(kit.deps, joined, 'sock_e', 'kit-node');

    const view = await presenceView(kit.store, kit.event.id);
    expect(view.online.map((x) => x.id)).toContain(joined.id);
    expect(view.online.every((x) => x.email === undefined)).toBe(true);
    const changes = kit.publish.of('presence:changed').flatMap((f) => f.payload.changes);
    expect(changes.some((c) => c.participant.id === joined.id)).toBe(true);
    expect(changes.every((c) => c.participant.email === undefined)).toBe(true);
  });
});
