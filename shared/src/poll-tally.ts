/*
 * Pure tally rules, shared so the client renders exactly what the server computes and exports.
 * No imports: this file must stay usable from any side.
 */

/** Length in code points, so an emoji counts as one character, as a person would count it. */
export const textLength = (s: string): number => Array.from(s).length;

/**
 * [POLL16] Word-cloud normalisation: compatibility forms folded (full-width letters, ligatures),
 * whitespace trimmed and collapsed to single spaces, lower case. "  Customer   FIRST " and
 * "customer first" are one word in the cloud.
 */
export function normaliseWord(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

/** [POLL19] 9–10 promoter, 7–8 passive, 0–6 detractor. */
export function npsCategory(value: number): NpsCategory {
  if (value >= 9) return 'promoter';
  if (value >= 7) return 'passive';
  return 'detractor';
}

/** [POLL19] % promoters − % detractors, rounded to an integer in -100..100; null without answers. */
export function npsScore(c: { promoters: number; passives: number; detractors: number }): number | null {
  const n = c.promoters + c.passives + c.detractors;
  if (n <= 0) return null;
  // Rounded on the exact ratio (not on rounded percentages) so the sum of parts cannot drift.
  return Math.round((100 * (c.promoters - c.detractors)) / n);
}

/** Promoters, passives and detractors from a value -> count distribution. */
export function npsBreakdown(distribution: Iterable<{ value: number; count: number }>) {
  const c = { promoters: 0, passives: 0, detractors: 0 };
  for (const { value, count } of distribution) {
    if (count <= 0) continue;
    const cat = npsCategory(value);
    if (cat === 'promoter') c.promoters += count;
    else if (cat === 'passive') c.passives += count;
    else c.detractors += count;
  }
  return { ...c, score: npsScore(c) };
}

/** [POLL20] Mean of a value -> count distribution, rounded to 2 decimals; null without answers. */
export function average(distribution: Iterable<{ value: number; count: number }>): number | null {
  let n = 0;
  let sum = 0;
  for (const { value, count } of distribution) {
    if (count <= 0) continue;
    n += count;
    sum += value * count;
  }
  return n === 0 ? null : Math.round((sum / n) * 100) / 100;
}

/**
 * [POLL18] Voters over attendees present, capped at 1: someone who voted and then left still
 * counts as a voter but no longer as present.
 */
export function participationRate(voters: number, present: number): number {
  if (voters <= 0) return 0;
  if (present <= 0) return 1;
  return Math.min(1, voters / present);
}

/** [POLL21] The n most frequent words, ties broken alphabetically so every device shows the same cloud. */
export function topWords<T extends { text: string; count: number }>(words: Iterable<T>, n: number): T[] {
  return [...words]
    .filter((w) => w.count > 0)
    .sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .slice(0, Math.max(0, n));
}
