import { describe, expect, it } from 'vitest';
import { RoundDraft } from '@rally/shared';
import { fakeClock } from '../../test/helpers/domain-kit.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { demoRoundDrafts } from './demo-breakouts.js';
import { seedDemoIfEmpty } from './seed-demo.js';

describe('demo breakouts', () => {
  it('[DEMO8] the demo event has a draft role-play for remote sellers and a regional round for everyone in its breakout session', async () => {
    for (const d of demoRoundDrafts()) expect(RoundDraft.safeParse(d).success).toBe(true);
    const store = createSqliteStore(':memory:');
    try {
      const event = (await seedDemoIfEmpty({ store, clock: fakeClock() }))!;
      const rounds = await store.listRounds(event.id);
      expect(rounds.map((r) => [r.status, r.sessionId, r.audience, r.format.kind])).toEqual([
        ['draft', 'regional-breakouts', 'remote', 'rolePlay'],
        ['draft', 'regional-breakouts', 'everyone', 'open'],
      ]);
      const rolePlay = rounds[0]!;
      expect(rolePlay.format.kind !== 'open' && rolePlay.format.roles.map((r) => r.name)).toEqual(['Seller', 'Buyer', 'Observer']);
      expect(rolePlay.rooms.every((r) => r.capacity === 3)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
