import { randomBytes } from 'node:crypto';

// A random mark per process: no stored text (names, questions, chat) can forge a placeholder.
const MARK = `\u0000raw:${randomBytes(16).toString('hex')}:`;
const QUOTED_MARK = JSON.stringify(MARK).slice(0, -1);

/** The parts met by the stringifyWithRaw call running now (JSON.stringify is synchronous). */
let collecting: RawJson[] | null = null;

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
    collecting.push(this);
    return `${MARK}${collecting.length - 1}`;
  }
}

/** JSON.stringify(value), where each RawJson inside `value` is written as its text. */
export function stringifyWithRaw(value: unknown): string {
  return spliceParts(value, (part) => part.text);
}

/** Marks a reference to a shared part in stringifyWithRefs' text: JSON text never holds a raw control character. */
const REF = '\u0003';

/**
 * [BRK46] As stringifyWithRaw, but each RawJson is written as a reference (`refOf`'s number between
 * two REF marks), for texts that travel with their shared parts alongside, once (expandRefs).
 */
export function stringifyWithRefs(value: unknown, refOf: (part: RawJson) => number): string {
  return spliceParts(value, (part) => refMark(refOf(part)));
}

/** A reference to shared part number `n`, as stringifyWithRefs writes it (for texts written by hand). */
export const refMark = (n: number): string => `${REF}${n}${REF}`;

/** The JSON text stringifyWithRefs stood for, given its parts' texts by reference number. */
export function expandRefs(text: string, parts: readonly string[]): string {
  if (!text.includes(REF)) return text;
  const bits = text.split(REF);
  let out = bits[0]!;
  for (let i = 1; i < bits.length; i += 2) out += parts[Number(bits[i])]! + bits[i + 1]!;
  return out;
}

/**
 * JSON.stringify(value), each RawJson inside written as `write` says. The skeleton is encoded with
 * short placeholders (so the shared parts are never scanned again), then the placeholders are
 * replaced in order.
 */
function spliceParts(value: unknown, write: (part: RawJson) => string): string {
  const parts: RawJson[] = [];
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
    out += skeleton.slice(from, at) + write(parts[i]!);
    from = at + token.length;
  }
  return out + skeleton.slice(from);
}
