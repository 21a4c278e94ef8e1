import { describe, expect, it } from 'vitest';
import type { Scorecard } from '@rally/shared';
import { toCsv } from '../../http/csv.js';
import { scorecardPage, scorecardRows, type ScorecardExportEntry } from './scorecard-export.js';

const entry = (rotation: number, scorerId: string, over: Partial<ScorecardExportEntry> = {}): ScorecardExportEntry => {
  const card: Scorecard = { roundId: 'round1', roomId: 'room_a', rotation, scorerId, subjectId: 'amy', scores: { close: 2, discovery: 5 }, comment: 'Good', at: '2027-01-20T10:05:00.000Z' };
  return {
    ...card,
    roundTitle: 'Role-play',
    roomName: 'Room A',
    scorerName: 'Cat',
    subjectName: 'Amy',
    criteria: { discovery: 'Discovery', close: 'Closing' },
    cursor: `round1.${String(rotation).padStart(3, '0')}.${scorerId}`,
    ...over,
  };
};

describe('[BRK52] scorecard exports', () => {
  it('[BRK52] the file has one line per scorecard and criterion, in the rubric order, rotations counted from 1', () => {
    const rows = scorecardRows([entry(0, 'cat'), entry(1, 'amy', { subjectId: 'bob', subjectName: 'Bob', scorerName: 'Amy' })]);
    expect(rows).toHaveLength(1 + 2 * 2);
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    expect(rows.slice(1).map((r) => [r[col('rotation')], r[col('criterion')], r[col('score')], r[col('subject')]])).toEqual([
      [1, 'Discovery', 5, 'Amy'],
      [1, 'Closing', 2, 'Amy'],
      [2, 'Discovery', 5, 'Bob'],
      [2, 'Closing', 2, 'Bob'],
    ]);
  });

  it('[BRK52] text typed by people cannot run as a spreadsheet formula', () => {
    const csv = toCsv(scorecardRows([entry(0, 'cat', { comment: '=HYPERLINK("http://x")', scorerName: '+Cat' })]));
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain(`"'+Cat"`);
  });

  it('[BRK52] pages follow the cursor without gaps or repeats', () => {
    const all = ['a', 'b', 'c', 'd', 'e'].map((s) => entry(0, s));
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = scorecardPage(all, after, 2);
      seen.push(...page.entries.map((e) => e.scorerId));
      after = page.nextCursor;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
