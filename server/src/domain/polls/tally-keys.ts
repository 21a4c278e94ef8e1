import type { CohortCounts, Mode } from '@rally/shared';

/*
 * Counter keys of a poll's tally (see PollTally in the store port). Each vote stores the keys it
 * incremented, so taking a vote back decrements exactly those, whatever the rules are by then.
 * Cohort last: `opt:<optionId>:room`, `val:<n>:remote`, `word:<text>:room`, `voters:remote`.
 * A word may itself contain ':'; parsing splits on the first and the last one only.
 */
export const tallyKey = {
  voters: (cohort: Mode) => `voters:${cohort}`,
  option: (optionId: string, cohort: Mode) => `opt:${optionId}:${cohort}`,
  value: (value: number, cohort: Mode) => `val:${value}:${cohort}`,
  word: (text: string, cohort: Mode) => `word:${text}:${cohort}`,
};

export interface ParsedTally {
  voters: CohortCounts;
  options: Map<string, CohortCounts>;
  values: Map<number, CohortCounts>;
  words: Map<string, CohortCounts>;
}

export function parseTally(counters: Record<string, number>): ParsedTally {
  const out: ParsedTally = { voters: { room: 0, remote: 0 }, options: new Map(), values: new Map(), words: new Map() };
  const bump = <K>(map: Map<K, CohortCounts>, k: K, cohort: Mode, n: number) => {
    const c = map.get(k) ?? { room: 0, remote: 0 };
    c[cohort] += n;
    map.set(k, c);
  };
  for (const [key, n] of Object.entries(counters)) {
    if (!(n > 0)) continue;
    const first = key.indexOf(':');
    const last = key.lastIndexOf(':');
    const cohort = key.slice(last + 1);
    if (cohort !== 'room' && cohort !== 'remote') continue;
    const type = key.slice(0, first);
    const name = key.slice(first + 1, last);
    if (type === 'voters' && first === last) out.voters[cohort] += n;
    else if (type === 'opt') bump(out.options, name, cohort, n);
    else if (type === 'val') bump(out.values, Number(name), cohort, n);
    else if (type === 'word') bump(out.words, name, cohort, n);
  }
  return out;
}
