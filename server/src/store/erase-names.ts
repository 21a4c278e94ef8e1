/**
 * [OPS55] The breakout documents that carry a person's name next to their id: a room chat message
 * (authorId, authorName), a takeaway (byId, byName), a help request (participantId, name) and who
 * took it (takenBy.id, takenBy.name). Returns the document with the names of `ids` replaced, or
 * null when none of them is in it. Both adapters apply it to what they store.
 */
export function renameInDoc(doc: Record<string, unknown>, ids: ReadonlySet<string>, name: string): Record<string, unknown> | null {
  let changed = false;
  const next = { ...doc };
  const pairs: [string, string][] = [
    ['authorId', 'authorName'],
    ['byId', 'byName'],
    ['participantId', 'name'],
  ];
  for (const [idField, nameField] of pairs) {
    if (typeof next[idField] === 'string' && ids.has(next[idField] as string) && nameField in next && next[nameField] !== name) {
      next[nameField] = name;
      changed = true;
    }
  }
  const taken = next.takenBy as { id?: string; name?: string } | null | undefined;
  if (taken && typeof taken.id === 'string' && ids.has(taken.id) && taken.name !== name) {
    next.takenBy = { ...taken, name };
    changed = true;
  }
  return changed ? next : null;
}
