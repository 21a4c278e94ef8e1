import { afterEach, describe, expect, it } from 'vitest';
import { pollKit, type PollKit } from '../../../test/helpers/domain-kit.js';
import { configureEngagement } from './configure.js';
import { forgetInLeaderboard, leaderboardForSnapshot, saveLeaderboard, type RankedLeaderboard } from './leaderboard.js';

let kit: PollKit;
afterEach(() => kit?.close());

const ranked = (mode: 'teams' | 'all', ids: string[] = []): RankedLeaderboard => ({
  board: { mode, teams: [{ rank: 1, team: 'EMEA', members: 1, total: 3, average: 3 }], participants: ids.map((_, i) => ({ rank: i + 1, name: `P${i}`, team: 'EMEA', score: 3 - i })) },
  participantIds: ids,
});

describe('the stored leaderboard', () => {
  it('[ENG21] [PROTO5] snapshots read the stored board in one read, without the participants\' ids, and only while it is on', async () => {
    kit = await pollKit();
    const id = kit.event.id;
    const conf = { store: kit.store, publish: kit.publish };
    // Off by default: a board is not kept.
    expect(await saveLeaderboard(kit.store, id, ranked('teams'))).toBe(false);
    await configureEngagement(conf, id, { leaderboard: 'all' });
    expect(await saveLeaderboard(kit.store, id, ranked('all', ['p1']))).toBe(true);
    // The snapshot path folds nothing and lists nobody.
    const refuse = () => Promise.reject(new Error('not on the snapshot path'));
    const reads: string[] = [];
    const store = { storedLeaderboard: (e: string) => (reads.push(e), kit.store.storedLeaderboard(e)), readEngagement: refuse, listParticipants: refuse };
    const board = await leaderboardForSnapshot(store, id);
    expect(reads).toEqual([id]);
    expect(board).toEqual(ranked('all', ['p1']).board);
    expect(JSON.stringify(board)).not.toContain('"p1"');

    kit.publish.clear();
    await configureEngagement(conf, id, { leaderboard: 'off' });
    expect(kit.publish.of('engagement:leaderboardUpdated')).toEqual([{ to: 'event', target: id, fact: 'engagement:leaderboardUpdated', payload: { mode: 'off', teams: [], participants: [] } }]);
    expect(await leaderboardForSnapshot(kit.store, id)).toBeUndefined();
    // A board computed before the switch is not kept afterwards.
    expect(await saveLeaderboard(kit.store, id, ranked('all', ['p1']))).toBe(false);
    expect(await leaderboardForSnapshot(kit.store, id)).toBeUndefined();
  });

  it('[ENG21] other settings changes leave the board and tell attendees nothing', async () => {
    kit = await pollKit();
    const id = kit.event.id;
    await configureEngagement({ store: kit.store, publish: kit.publish }, id, { leaderboard: 'teams' });
    await saveLeaderboard(kit.store, id, ranked('teams'));
    kit.publish.clear();
    await configureEngagement({ store: kit.store, publish: kit.publish }, id, { parityThreshold: 0.5 });
    expect(kit.publish.of('engagement:leaderboardUpdated')).toEqual([]);
    expect((await leaderboardForSnapshot(kit.store, id))?.mode).toBe('teams');
  });

  it('[ENG18] [ENG21] deleting someone on the stored board drops it; deleting someone not on it keeps it', async () => {
    kit = await pollKit();
    const id = kit.event.id;
    await configureEngagement({ store: kit.store, publish: kit.publish }, id, { leaderboard: 'all' });
    await saveLeaderboard(kit.store, id, ranked('all', ['on_board']));
    await forgetInLeaderboard(kit.store, id, 'elsewhere');
    expect(await leaderboardForSnapshot(kit.store, id)).toBeDefined();
    await forgetInLeaderboard(kit.store, id, 'on_board');
    expect(await leaderboardForSnapshot(kit.store, id)).toBeUndefined();
  });
});
