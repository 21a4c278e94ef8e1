import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { average, normaliseWord, npsBreakdown, npsCategory, npsScore, participationRate, topWords } from './poll-tally.js';
import { PollDraft, VoteInput } from './polls.js';

const counts = fc.record({ promoters: fc.nat(1000), passives: fc.nat(1000), detractors: fc.nat(1000) });
const distribution = (min: number, max: number) => fc.array(fc.record({ value: fc.integer({ min, max }), count: fc.nat(50) }), { maxLength: 20 });

describe('poll tallies (shared by client and server)', () => {
  it('[POLL16] normalised words are trimmed, single-spaced, lower case, and normalising twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (raw) => {
        const w = normaliseWord(raw);
        expect(normaliseWord(w)).toBe(w);
        expect(w).toBe(w.trim());
        expect(w).not.toMatch(/\s\s/u);
        expect(w).toBe(w.toLowerCase());
      }),
    );
    expect(normaliseWord('  Customer \t  FIRST\n')).toBe('customer first');
    expect(normaliseWord('ＡＩ')).toBe('ai');
  });

  it('[POLL19] NPS score is % promoters − % detractors, within -100..100, null without answers', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const s = npsScore(c);
        const n = c.promoters + c.passives + c.detractors;
        if (n === 0) {
          expect(s).toBeNull();
          return;
        }
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(-100);
        expect(s).toBeLessThanOrEqual(100);
        expect(Math.abs(s! - (100 * (c.promoters - c.detractors)) / n)).toBeLessThanOrEqual(0.5);
      }),
    );
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
    expect(npsBreakdown([{ value: 10, count: 2 }, { value: 7, count: 1 }, { value: 0, count: 1 }])).toEqual({ promoters: 2, passives: 1, detractors: 1, score: 25 });
  });

  it('[POLL19] every answer falls in exactly one NPS category', () => {
    fc.assert(
      fc.property(distribution(0, 10), (d) => {
        const b = npsBreakdown(d);
        expect(b.promoters + b.passives + b.detractors).toBe(d.reduce((n, x) => n + x.count, 0));
      }),
    );
  });

  it('[POLL20] the average lies between the lowest and highest answered value, null without answers', () => {
    fc.assert(
      fc.property(distribution(1, 10), (d) => {
        const answered = d.filter((x) => x.count > 0).map((x) => x.value);
        const a = average(d);
        if (answered.length === 0) {
          expect(a).toBeNull();
          return;
        }
        expect(a).toBeGreaterThanOrEqual(Math.min(...answered) - 0.005);
        expect(a).toBeLessThanOrEqual(Math.max(...answered) + 0.005);
      }),
    );
    expect(average([{ value: 5, count: 2 }, { value: 2, count: 1 }])).toBe(4);
  });

  it('[POLL18] participation is a rate in 0..1', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(5000), (voters, present) => {
        const r = participationRate(voters, present);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(1);
        if (voters > 0 && voters <= present) expect(r).toBe(voters / present);
      }),
    );
  });

  it('[POLL21] top words are the n most frequent, by count then alphabetically', () => {
    const words = fc.uniqueArray(fc.record({ text: fc.string({ minLength: 1, maxLength: 8 }), count: fc.nat(20) }), { selector: (w) => w.text, maxLength: 80 });
    fc.assert(
      fc.property(words, fc.nat(60), (ws, n) => {
        const top = topWords(ws, n);
        expect(top.length).toBe(Math.min(n, ws.filter((w) => w.count > 0).length));
        for (let i = 1; i < top.length; i++) {
          const [a, b] = [top[i - 1]!, top[i]!];
          expect(a.count > b.count || (a.count === b.count && a.text < b.text)).toBe(true);
        }
        const cut = top.at(-1)?.count ?? 0;
        if (n > 0 && top.length === n) expect(ws.every((w) => top.includes(w) || w.count <= cut)).toBe(true);
      }),
    );
  });

  it('[POLL12] a vote names its kind; word-cloud entries over 40 characters once normalised, and open answers over 280, are refused', () => {
    expect(VoteInput.safeParse({ kind: 'wordcloud', text: `  ${'a'.repeat(40)}   ` }).success).toBe(true);
    expect(VoteInput.safeParse({ kind: 'wordcloud', text: 'a'.repeat(41) }).success).toBe(false);
    expect(VoteInput.safeParse({ kind: 'wordcloud', text: '   ' }).success).toBe(false);
    expect(VoteInput.safeParse({ kind: 'open', text: 'b'.repeat(281) }).success).toBe(false);
    expect(VoteInput.safeParse({ kind: 'open', text: 'bad\u0000byte' }).success).toBe(false);
    expect(VoteInput.safeParse({ optionId: 'o1' }).success).toBe(false);
    expect(VoteInput.safeParse({ kind: 'nps', value: 11 }).success).toBe(false);
    expect(VoteInput.safeParse({ kind: 'single', optionId: 'o1', extra: 1 }).success).toBe(false);
    expect(PollDraft.safeParse({ kind: 'nps', question: 'Q', settings: { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null } }).success).toBe(true);
  });
});
