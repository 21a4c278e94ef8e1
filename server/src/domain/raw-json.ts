import { randomBytes } from 'node:crypto';

// A random mark per process: no stored text (names, questions, chat) can forge a placeholder.
const MARK = `\u0000raw:${randomBytes(16).toString('hex')}:`;
const QUOTED_MARK = JSON.stringify(MARK).slice(0, -1);

/** The texts met by the stringifyWithRaw call running now (JSON.stringify is synchronous). */
let collecting: string[] | null = null;

/**
 * [PERF20] JSON text encoded once and spliced into many documents: the part of a snapshot that is
 * the same for every attendee of an event is encoded once per change, not once per attendee (Node
 * 20 has no JSON.rawJSON for objects). `text` must be one JSON value, as JSON.stringify wrote it.
 */
export class RawJson {
  constructor(readonly text: string) {}

  /**
   * Inside stringifyWithRaw, a placeholder (toJSON keeps JSON.stringify on its fast path, which a
   * replacer function would leave); anywhere else, the value itself, so any encoder writes it right.
   */
  toJSON(): unknown {
    if (collecting === null) return JSON.parse(this.text);
    collecting.push(this.text);
    return `${MARK}${collecting.length - 1}`;
  }
}

/**
 * JSON.stringify(value), where each RawJson inside `value` is written as its text. The skeleton is
 * encoded with short placeholders (so the shared parts are never scanned again), then the
 * placeholders are replaced by the texts in order.
 */
export function stringifyWithRaw(value: unknown): string {
  const parts: string[] = [];
  collecting = parts;
  let skeleton: string;
  try {
    skeleton = JSON.stringify(value);
  } finally {
    collecting = null;
  }
  if (parts.length === 0) return skeleton;
  let out = '';
  let from = 0;
  for (let i = 0; i < parts.length; i++) {
    const token = `${QUOTED_MARK}${i}"`;
    const at = skeleton.indexOf(token, from);
    out += skeleton.slice(from, at) + parts[i];
    from = at + token.length;
  }
  return out + skeleton.slice(from);
}
