import { toMinute } from '../../clock.js';
import type { StoredAnswer } from '../../store/store.js';

export { toMinute };

/**
 * [SEC23] The order a list of a poll's answers is shown in. A named poll's in arrival order; an
 * anonymous poll's by minute, then alphabetically: in arrival order they could be matched, one by
 * one, to any list of who voted in that order.
 */
export function answersInOrder<A extends Pick<StoredAnswer, 'at' | 'text' | 'id'>>(poll: { settings: { anonymous: boolean } }, answers: readonly A[]): A[] {
  if (!poll.settings.anonymous) return [...answers];
  const key = (a: A) => [toMinute(a.at), a.text, a.id] as const;
  return [...answers].sort((x, y) => {
    const [a, b] = [key(x), key(y)];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  });
}
