import { afterEach, describe, expect, it } from 'vitest';
import { toCsv } from '../../http/csv.js';
import { qaKit, type QaKit } from '../../../test/helpers/qa-kit.js';
import { submitQuestion } from './asking.js';
import { QA_EXPORT_COLUMNS, qaExportRows } from './export.js';
import { moderate, replyToQuestion } from './moderation.js';
import { upvote } from './voting.js';

let k: QaKit;
afterEach(() => k.close());

describe('the Q&A export', () => {
  it('[QA24] one row per question with state, votes, origin, cohort, author unless anonymous and reply; no participant ids; formulas neutralised', async () => {
    k = await qaKit({ moderation: 'post' });
    const mod = await k.person({ role: 'moderator' });
    const named = await k.person({ name: 'Sam', mode: 'room' });
    const anon = await k.person({ name: 'Secret Person', mode: 'remote' });
    k.rooms.set(anon.id, 'apac-2');
    const a = await submitQuestion(k.deps, k.event.id, named.id, { text: '=HYPERLINK("http://evil")', anonymous: false });
    k.clock.advance(1000);
    const b = await submitQuestion(k.deps, k.event.id, anon.id, { text: 'Quota, "really"?', anonymous: true });
    await upvote(k.deps, k.event.id, anon.id, a.id, true);
    await upvote(k.deps, k.event.id, named.id, a.id, true);
    await replyToQuestion(k.deps, k.event.id, mod, b.id, 'Yes, line by line');
    k.clock.advance(1000);
    await moderate(k.deps, k.event.id, mod, a.id, 'markAnswered');

    const rows = await qaExportRows(k.store, k.event);
    expect(rows[0]).toEqual([...QA_EXPORT_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      [a.id, 'keynote', a.createdAt, 'answered', 2, 'room', null, 'room', 'no', 'Sam', '=HYPERLINK("http://evil")', 'no', 'no', null, new Date(k.clock.now()).toISOString()],
      [b.id, 'keynote', b.createdAt, 'approved', 0, 'breakout', 'apac-2', 'remote', 'yes', null, 'Quota, "really"?', 'no', 'no', 'Yes, line by line', null],
    ]);
    const csv = toCsv(rows);
    expect(csv).not.toContain('Secret Person');
    expect(csv).not.toContain(anon.id);
    expect(csv).not.toContain(named.id);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});
