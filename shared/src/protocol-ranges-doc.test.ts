import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  AgendaSession,
  CommandId,
  CreateEventRequest,
  DisplayName,
  HandshakeAuthSchema,
  Id,
  JoinCode,
  JoinRequest,
  PollDraft,
  PROTOCOL_VERSION,
  RoomCode,
  TeamName,
  VoteInput,
  commandSchemas,
} from './index.js';

/*
 * [OPS91] The value ranges docs/PROTOCOL.md states ("Shapes every client needs", "Poll shapes") are
 * the schemas' own: each boundary the page names is accepted, one past it refused.
 */

const doc = readFileSync(fileURLToPath(new URL('../../docs/PROTOCOL.md', import.meta.url)), 'utf8');
const ok = (s: z.ZodType, v: unknown) => expect(s.safeParse(v).success, JSON.stringify(v)?.slice(0, 80)).toBe(true);
const no = (s: z.ZodType, v: unknown) => expect(s.safeParse(v).success, JSON.stringify(v)?.slice(0, 80)).toBe(false);
const join = (over: Record<string, unknown>) => ({ code: '34679A', name: 'Ada', ...over });
const session = { id: 's1', title: 'Keynote', kind: 'keynote', startsAt: '2026-12-07T09:00:00Z', endsAt: '2026-12-07T10:00:00Z' };
const settings = { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null };

describe('the ranges docs/PROTOCOL.md gives', () => {
  it('[OPS91] the protocol version is the number the page names', () => {
    expect(doc).toContain(`**The protocol version** is the number \`${PROTOCOL_VERSION}\``);
    ok(HandshakeAuthSchema, { token: 't', protocolVersion: PROTOCOL_VERSION });
    no(HandshakeAuthSchema, { token: 't', protocolVersion: String(PROTOCOL_VERSION) });
    no(HandshakeAuthSchema, { token: 'x'.repeat(2001), protocolVersion: PROTOCOL_VERSION });
  });

  it('[OPS91] ids, command ids, join and room codes', () => {
    ok(Id, 'a'.repeat(64)), no(Id, 'a'.repeat(65)), no(Id, ''), no(Id, 'a.b');
    ok(CommandId, 'a'.repeat(8)), no(CommandId, 'a'.repeat(7)), ok(CommandId, 'a'.repeat(64)), no(CommandId, 'a'.repeat(65));
    ok(JoinCode, ' 34679a '), no(JoinCode, '34679B'), no(JoinCode, '34679'), no(JoinCode, '0OIL1S');
    ok(RoomCode, 'k7qx'), no(RoomCode, 'K7Q'), no(RoomCode, 'K7Q2');
    expect(doc).toContain('`34679ACDEFGHJKMNPQRTUVWXY`');
  });

  it('[OPS91] what a join takes', () => {
    ok(DisplayName, `  ${'n'.repeat(60)}  `), no(DisplayName, 'n'.repeat(61)), no(DisplayName, '   '), no(DisplayName, 'a\u0007b');
    ok(TeamName, 't'.repeat(40)), no(TeamName, 't'.repeat(41));
    ok(JoinRequest, join({ email: `${'e'.repeat(242)}@example.com` })), no(JoinRequest, join({ email: `${'e'.repeat(243)}@example.com` }));
    ok(JoinRequest, join({ key: 'k'.repeat(10) })), no(JoinRequest, join({ key: 'k'.repeat(9) })), no(JoinRequest, join({ key: 'k'.repeat(101) }));
    ok(JoinRequest, join({ token: 't'.repeat(2000) })), no(JoinRequest, join({ token: 't'.repeat(2001) }));
    ok(JoinRequest, join({ roomCode: 'r'.repeat(16) })), no(JoinRequest, join({ roomCode: 'r'.repeat(17) }));
    ok(JoinRequest, join({ mode: 'room' })), no(JoinRequest, join({ mode: 'hybrid' }));
  });

  it('[OPS91] events and agenda sessions', () => {
    ok(CreateEventRequest, { name: 'e'.repeat(120) }), no(CreateEventRequest, { name: 'e'.repeat(121) });
    ok(CreateEventRequest, { name: 'E', teams: Array.from({ length: 50 }, (_, i) => `T${i}`) }), no(CreateEventRequest, { name: 'E', teams: Array.from({ length: 51 }, (_, i) => `T${i}`) });
    ok(AgendaSession, { ...session, title: 't'.repeat(120) }), no(AgendaSession, { ...session, title: 't'.repeat(121) });
    for (const kind of ['keynote', 'breakout', 'workshop', 'awards', 'break']) ok(AgendaSession, { ...session, kind });
    no(AgendaSession, { ...session, kind: 'party' });
    ok(AgendaSession, { ...session, speakers: Array(10).fill('s'.repeat(80)) }), no(AgendaSession, { ...session, speakers: Array(11).fill('s') }), no(AgendaSession, { ...session, speakers: ['s'.repeat(81)] });
    no(AgendaSession, { ...session, startsAt: '2026-12-07T09:00:00+01:00' });
    expect(AgendaSession.parse(session).speakers).toEqual([]);
    const agenda = (n: number) => Array.from({ length: n }, (_, i) => ({ ...session, id: `s${i}` }));
    ok(CreateEventRequest, { name: 'E', agenda: agenda(100) }), no(CreateEventRequest, { name: 'E', agenda: agenda(101) });
    no(CreateEventRequest, { name: 'E', agenda: [session, session] });
  });

  it('[OPS91] poll drafts and votes', () => {
    const single = { kind: 'single', question: 'Q', options: ['A', 'B'], settings };
    ok(PollDraft, { ...single, question: 'q'.repeat(200) }), no(PollDraft, { ...single, question: 'q'.repeat(201) });
    ok(PollDraft, { ...single, options: ['o'.repeat(80), 'B'] }), no(PollDraft, { ...single, options: ['o'.repeat(81), 'B'] });
    ok(PollDraft, { ...single, options: Array.from({ length: 10 }, (_, i) => `O${i}`) }), no(PollDraft, { ...single, options: ['A'] }), no(PollDraft, { ...single, options: Array.from({ length: 11 }, (_, i) => `O${i}`) });
    no(PollDraft, { ...single, options: ['Yes', ' yes '] });
    ok(PollDraft, { ...single, kind: 'multiple', maxPicks: 2 }), no(PollDraft, { ...single, kind: 'multiple', maxPicks: 3 });
    ok(PollDraft, { ...single, settings: { ...settings, durationSec: 10 } }), ok(PollDraft, { ...single, settings: { ...settings, durationSec: 3600 } });
    no(PollDraft, { ...single, settings: { ...settings, durationSec: 9 } }), no(PollDraft, { ...single, settings: { ...settings, durationSec: 3601 } });
    no(PollDraft, { ...single, settings: { anonymous: true, resultsVisibility: 'live', allowChange: true } });
    ok(VoteInput, { kind: 'nps', value: 0 }), ok(VoteInput, { kind: 'nps', value: 10 }), no(VoteInput, { kind: 'nps', value: 11 });
    ok(VoteInput, { kind: 'rating', value: 1 }), no(VoteInput, { kind: 'rating', value: 0 });
    ok(VoteInput, { kind: 'open', text: 'o'.repeat(280) }), no(VoteInput, { kind: 'open', text: 'o'.repeat(281) }), no(VoteInput, { kind: 'open', text: '  ' });
    ok(VoteInput, { kind: 'multiple', optionIds: ['a'] }), no(VoteInput, { kind: 'multiple', optionIds: [] });
    const ask = commandSchemas['question:submit'];
    ok(ask, { id: 'cmd-00001', text: 'q'.repeat(300), anonymous: false }), no(ask, { id: 'cmd-00001', text: 'q'.repeat(301), anonymous: false }), no(ask, { id: 'cmd-00001', text: 'Q?' });
  });
});
