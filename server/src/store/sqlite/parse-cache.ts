/**
 * Parsed JSON documents by key, reused while the stored text is the same. Hot reads (every vote
 * reads its poll, every upvote its question, every snapshot every closed poll) parsed the same
 * documents thousands of times a second in the bench (docs/PERFORMANCE.md). Values are frozen:
 * callers copy what they change, and a mutation would throw instead of corrupting the cache.
 */
export function parseCache<T>(max: number) {
  const cache = new Map<string, { doc: string; value: T }>();
  return {
    parse(key: string, doc: string): T {
      const hit = cache.get(key);
      if (hit && hit.doc === doc) return hit.value;
      if (cache.size >= max) cache.clear();
      const value = deepFreeze(JSON.parse(doc) as T);
      cache.set(key, { doc, value });
      return value;
    },
  };
}

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
