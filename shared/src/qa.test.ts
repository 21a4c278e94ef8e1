import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QA_LIMITS, QuestionText, qaCommandSchemas, qaFairness, matchesOrigin, sortQuestions, type Question } from './qa.js';

const q = (id: string, votes: number, createdAt: string, extra: Partial<Question> = {}) => ({ id, votes, createdAt, ...extra });

describe('Q&A protocol', () => {
  it('[QA1] question text is trimmed, 1–300 characters counted as a person counts them, without control characters', () => {
    expect(QuestionText.parse('  When is Cloud 5 GA?  ')).toBe('When is Cloud 5 GA?');
    for (const bad of ['', '   ', '\n\t', 'a'.repeat(301), 'bell\u0007', 'nul\u0000', 'lone \uD800 surrogate']) expect(QuestionText.safeParse(bad).success).toBe(false);
    expect(QuestionText.parse('a'.repeat(300))).toHaveLength(300);
    // 300 emoji are 600 UTF-16 units but 300 characters.
    expect(QuestionText.safeParse('🚀'.repeat(300)).success).toBe(true);
    expect(QuestionText.safeParse('🚀'.repeat(301)).success).toBe(false);
    expect(QuestionText.parse('line one\nline two')).toBe('line one\nline two');
  });

  it('[QA2] markup is text: it passes the schema unchanged', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: QA_LIMITS.text }), (s) => {
        const r = QuestionText.safeParse(`<b>${s}</b>`);
        if (r.success) expect(r.data).toBe(`<b>${s}</b>`.trim());
      }),
    );
    const html = '<img src=x onerror="alert(1)"> & <script>document.cookie</script>';
    expect(QuestionText.parse(html)).toBe(html);
  });

  it('[QA19] qa:banAsker names exactly one of participantId and questionId', () => {
    const s = qaCommandSchemas['qa:banAsker'];
    expect(s.safeParse({ id: 'cmd-00001', participantId: 'p1', banned: true }).success).toBe(true);
    expect(s.safeParse({ id: 'cmd-00001', questionId: 'q1', banned: false }).success).toBe(true);
    expect(s.safeParse({ id: 'cmd-00001', banned: true }).success).toBe(false);
    expect(s.safeParse({ id: 'cmd-00001', participantId: 'p1', questionId: 'q1', banned: true }).success).toBe(false);
  });

  it('[QA3] asking requires an explicit anonymity choice', () => {
    const s = qaCommandSchemas['question:submit'];
    expect(s.safeParse({ id: 'cmd-00001', text: 'Hi?' }).success).toBe(false);
    expect(s.safeParse({ id: 'cmd-00001', text: 'Hi?', anonymous: false }).success).toBe(true);
  });

  it('[QA11] popular: most votes, then older, then id; recent: newest first, then id', () => {
    const qs = [q('b', 3, '2027-01-20T09:05:00.000Z'), q('a', 3, '2027-01-20T09:05:00.000Z'), q('c', 5, '2027-01-20T09:10:00.000Z'), q('d', 3, '2027-01-20T09:01:00.000Z')];
    expect(sortQuestions(qs, 'popular').map((x) => x.id)).toEqual(['c', 'd', 'a', 'b']);
    expect(sortQuestions(qs, 'recent').map((x) => x.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(qs.map((x) => x.id)).toEqual(['b', 'a', 'c', 'd']);
    // Total order: any permutation sorts the same.
    fc.assert(fc.property(fc.shuffledSubarray(qs, { minLength: qs.length }), (perm) => {
      expect(sortQuestions(perm, 'popular')).toEqual(sortQuestions(qs, 'popular'));
    }));
  });

  it('[QA22] the origin filter and the remote shares of approved and of answered questions (breakouts count in their asker\'s cohort)', () => {
    const room = { kind: 'room' } as const;
    const remote = { kind: 'remote' } as const;
    const breakoutRemote = { kind: 'breakout', roomId: 'r1', cohort: 'remote' } as const;
    const qs = [
      { state: 'approved', origin: room },
      { state: 'approved', origin: remote },
      { state: 'answered', origin: breakoutRemote },
      { state: 'answered', origin: room },
      { state: 'pending', origin: remote },
      { state: 'dismissed', origin: remote },
    ] as const;
    expect(qaFairness(qs)).toEqual({ approved: { total: 4, remote: 2, share: 0.5 }, answered: { total: 2, remote: 1, share: 0.5 } });
    expect(qaFairness([])).toEqual({ approved: { total: 0, remote: 0, share: null }, answered: { total: 0, remote: 0, share: null } });
    expect(qs.filter((x) => matchesOrigin(x, 'breakout'))).toHaveLength(1);
    expect(qs.filter((x) => matchesOrigin(x, 'remote'))).toHaveLength(3);
    expect(qs.filter((x) => matchesOrigin(x, 'all'))).toHaveLength(6);
  });
});
