import { describe, expect, it } from 'vitest';
import { Agenda, Branding, EditEventRequest, JoinRequest, REACTIONS, RoomCode, StageStream, commandSchemas, stageOf } from './index.js';

const ok = (r: { success: boolean }) => r.success;
const session = (id: string, startsAt: string, endsAt: string) => ({ id, title: `Session ${id}`, kind: 'keynote', startsAt, endsAt, speakers: [] });

describe('stage schemas', () => {
  it('[STAGE2] a stream is none, an http(s) HLS URL, or a LiveKit room name', () => {
    expect(ok(StageStream.safeParse({ kind: 'none' }))).toBe(true);
    expect(ok(StageStream.safeParse({ kind: 'hls', url: 'https://cdn.example.com/live/stage.m3u8' }))).toBe(true);
    expect(ok(StageStream.safeParse({ kind: 'hls', url: 'http://10.0.0.5:8080/live.m3u8' }))).toBe(true);
    expect(ok(StageStream.safeParse({ kind: 'livekit', roomName: 'main-stage_1' }))).toBe(true);
    for (const bad of [
      { kind: 'hls', url: 'javascript:alert(1)' },
      { kind: 'hls', url: 'ftp://cdn.example.com/x.m3u8' },
      { kind: 'hls', url: 'not a url' },
      { kind: 'hls', url: `https://x.example.com/${'a'.repeat(2000)}` },
      { kind: 'livekit', roomName: 'main stage' },
      { kind: 'livekit', roomName: '' },
      { kind: 'rtmp', url: 'rtmp://x' },
      { kind: 'none', url: 'https://x.example.com' },
    ]) expect(ok(StageStream.safeParse(bad)), JSON.stringify(bad).slice(0, 60)).toBe(false);
  });

  it('[STAGE4] branding takes an https logo (or none) and #RRGGBB colours, stored lower case', () => {
    expect(Branding.parse({ logoUrl: null, primaryColor: '#AABBCC', accentColor: '#001122' })).toEqual({ logoUrl: null, primaryColor: '#aabbcc', accentColor: '#001122' });
    expect(ok(Branding.safeParse({ logoUrl: 'https://cdn.example.com/logo.png', primaryColor: '#000000', accentColor: '#ffffff' }))).toBe(true);
    for (const bad of [
      { logoUrl: 'http://cdn.example.com/logo.png', primaryColor: '#000000', accentColor: '#ffffff' },
      { logoUrl: 'data:image/png;base64,AAAA', primaryColor: '#000000', accentColor: '#ffffff' },
      { logoUrl: null, primaryColor: 'red', accentColor: '#ffffff' },
      { logoUrl: null, primaryColor: '#fff', accentColor: '#ffffff' },
      { logoUrl: null, primaryColor: '#000000' },
    ]) expect(ok(Branding.safeParse(bad))).toBe(false);
  });

  it('[STAGE5] an agenda has unique session ids, each ending after it starts', () => {
    expect(ok(Agenda.safeParse([session('a', '2027-01-20T09:00:00Z', '2027-01-20T10:00:00Z')]))).toBe(true);
    const dup = Agenda.safeParse([session('a', '2027-01-20T09:00:00Z', '2027-01-20T10:00:00Z'), session('a', '2027-01-20T11:00:00Z', '2027-01-20T12:00:00Z')]);
    expect(dup.error?.issues[0]).toMatchObject({ path: [1, 'id'], message: 'the session id "a" is used twice' });
    const backwards = Agenda.safeParse([session('a', '2027-01-20T10:00:00Z', '2027-01-20T10:00:00Z')]);
    expect(backwards.error?.issues[0]).toMatchObject({ path: [0, 'endsAt'], message: '"Session a" must end after it starts' });
    expect(ok(Agenda.safeParse(Array.from({ length: 101 }, (_, i) => session(`s${i}`, '2027-01-20T09:00:00Z', '2027-01-20T10:00:00Z'))))).toBe(false);
  });

  it('[STAGE10] a room code is 4 characters of the join-code alphabet, read case-insensitively', () => {
    expect(RoomCode.parse(' k7tx ')).toBe('K7TX');
    for (const bad of ['K7T', 'K7TXX', 'K0TX', '']) expect(ok(RoomCode.safeParse(bad))).toBe(false);
  });

  it('[STAGE14] [STAGE16] [STAGE20] reactions are the five emojis; texts are bounded, trimmed and free of control characters', () => {
    expect(REACTIONS).toEqual(['👏', '🔥', '🎉', '💡', '❤️']);
    const send = commandSchemas['reaction:send'];
    for (const emoji of REACTIONS) expect(ok(send.safeParse({ id: 'cmd-00000001', emoji }))).toBe(true);
    for (const emoji of ['👍', '', '👏👏', 'heart']) expect(ok(send.safeParse({ id: 'cmd-00000001', emoji }))).toBe(false);
    const announce = commandSchemas['announcement:send'];
    expect(announce.parse({ id: 'cmd-00000001', text: '  Lunch  ', audience: 'room' }).text).toBe('Lunch');
    expect(ok(announce.safeParse({ id: 'cmd-00000001', text: '🎉'.repeat(280), audience: 'all' }))).toBe(true);
    expect(ok(announce.safeParse({ id: 'cmd-00000001', text: 'x'.repeat(281), audience: 'all' }))).toBe(false);
    expect(ok(announce.safeParse({ id: 'cmd-00000001', text: 'hi', audience: 'everyone' }))).toBe(false);
    expect(ok(announce.safeParse({ id: 'cmd-00000001', text: '   ', audience: 'all' }))).toBe(false);
    expect(ok(commandSchemas['chat:send'].safeParse({ id: 'cmd-00000001', text: 'x'.repeat(501) }))).toBe(false);
    expect(ok(commandSchemas['chat:send'].safeParse({ id: 'cmd-00000001', text: 'bell\u0007' }))).toBe(false);
    expect(ok(commandSchemas['note:send'].safeParse({ id: 'cmd-00000001', text: 'x'.repeat(500) }))).toBe(true);
    expect(ok(commandSchemas['chat:setSlowMode'].safeParse({ id: 'cmd-00000001', seconds: 301 }))).toBe(false);
  });

  it('[STAGE12] a join may carry a room code and leave the mode out; [STAGE27] an edit must name something', () => {
    expect(JoinRequest.parse({ code: 'acdefg', name: 'Ada', roomCode: 'k7tx' })).toEqual({ code: 'ACDEFG', name: 'Ada', roomCode: 'k7tx' });
    expect(ok(EditEventRequest.safeParse({}))).toBe(false);
    expect(ok(EditEventRequest.safeParse({ settings: { verifyRoomMode: false } }))).toBe(true);
    expect(ok(EditEventRequest.safeParse({ settings: { verifyRoomMode: 'no' } }))).toBe(false);
    expect(ok(EditEventRequest.safeParse({ keys: {} }))).toBe(false);
  });

  it('[STAGE25] events from before the stage read with the stage defaults', () => {
    expect(stageOf({})).toEqual({ stream: { kind: 'none' }, branding: { logoUrl: null, primaryColor: '#1f3a93', accentColor: '#f5a623' }, liveSessionStartedAt: null });
  });
});
