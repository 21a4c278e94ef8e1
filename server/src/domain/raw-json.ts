import { randomBytes } from 'node:crypto';

/**
 * [PERF20] JSON text encoded once and spliced into many documents: the part of a snapshot that is
 * the same for every attendee of an event is encoded once per change, not once per attendee (Node
 * 20 has no JSON.rawJSON for objects). `text` must be one JSON value, as JSON.stringify wrote it.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

// A random mark per process: no stored text (names, questions, chat) can forge a placeholder.
const MARK = `\u0000raw:${randomBytes(16).toString('hex')}:`;

/**
 * JSON.stringify(value), where each RawJson inside `value` is written as its text. The skeleton is
 * encoded with short placeholders (so the shared parts are never scanned again), then the
 * placeholders are replaced by the texts in order.
 */
export function stringifyWithRaw(value: unknown): string {
  const parts: string[] = [];
  const skeleton = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    parts.push(v.text);
    return `${MARK}${parts.length - 1}`;
  });
  if (parts.length === 0) return skeleton;
  const quotedMark = JSON.stringify(MARK).slice(0, -1);
  let out = '';
  let from = 0;
  for (let i = 0; i < parts.length; i++) {
    const token = `${quotedMark}${i}"`;
    const at = skeleton.indexOf(token, from);
    out += skeleton.slice(from, at) + parts[i];
    from = at + token.length;
  }
  return out + skeleton.slice(from);
}
