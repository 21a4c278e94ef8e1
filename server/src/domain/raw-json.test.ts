import { describe, expect, it } from 'vitest';
import { RawJson, expandRefs, stringifyWithRaw, stringifyWithRefs } from './raw-json.js';

describe('JSON encoded once and spliced', () => {
  it('[PERF20] a document with parts encoded elsewhere is the text JSON.stringify gives for the whole', () => {
    const polls = [{ id: 'p1', question: 'Which "launch"?\n', results: null }, { id: 'p2', options: ['a', 'ü', '\u2028'] }];
    const chat = [{ text: 'hi', at: '2027-01-20T09:00:00.000Z' }];
    const doc = { serverTime: 't', me: { id: 'x', name: 'Zoë "Z" \\ O' }, polls, stage: { chat: { messages: chat, banned: false } }, empty: [], n: 0 };
    const raw = { ...doc, polls: new RawJson(JSON.stringify(polls)), stage: { chat: { messages: new RawJson(JSON.stringify(chat)), banned: false } } };
    expect(stringifyWithRaw(raw)).toBe(JSON.stringify(doc));
    expect(stringifyWithRaw(doc)).toBe(JSON.stringify(doc));
  });

  it('[PERF20] text that looks like a placeholder is written as itself, and raw parts are not scanned again', () => {
    const forged = '\u0000raw:00000000000000000000000000000000:0';
    const doc = { name: forged, list: new RawJson(JSON.stringify([forged, '\u0000raw:'])), after: forged };
    expect(JSON.parse(stringifyWithRaw(doc))).toEqual({ name: forged, list: [forged, '\u0000raw:'], after: forged });
  });
});

describe('JSON encoded once, read by any encoder', () => {
  it('[PERF20] outside stringifyWithRaw a RawJson encodes as the value it holds', () => {
    const list = [{ a: 1 }, 'x'];
    expect(JSON.stringify({ list: new RawJson(JSON.stringify(list)) })).toBe(JSON.stringify({ list }));
  });
});

describe('JSON with its shared parts by reference', () => {
  it('[BRK46] each payload expands to the text JSON.stringify gives for it, each shared part stored once', () => {
    const roomA = [{ id: 'a1', name: 'Zoë "Z"\n' }, { id: 'a2', name: '\u0001\u0002\u0003' }];
    const roomB = [{ id: 'b1', name: 'B' }];
    const [a, b] = [new RawJson(JSON.stringify(roomA)), new RawJson(JSON.stringify(roomB))];
    const docs = [
      { me: 'a1', members: a, also: a },
      { me: 'a2', members: a },
      { me: 'b1', members: b, note: 'text \u0003 with a mark-like character' },
      { me: 'none', members: [] },
    ];
    const refs = new Map<RawJson, number>();
    const parts: string[] = [];
    const refOf = (part: RawJson) => refs.get(part) ?? (refs.set(part, parts.length), parts.push(part.text) - 1);
    const texts = docs.map((d) => stringifyWithRefs(d, refOf));
    expect(parts).toEqual([JSON.stringify(roomA), JSON.stringify(roomB)]);
    for (const [i, d] of docs.entries()) expect(expandRefs(texts[i]!, parts)).toBe(JSON.stringify(d));
    // The shared text is not in the payloads themselves.
    expect(texts.every((t) => !t.includes('Zoë'))).toBe(true);
  });
});
