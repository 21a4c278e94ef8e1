import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomServiceClient } from 'livekit-server-sdk';
import {
  dispose,
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  VideoStream,
  type RemoteTrack,
} from '@livekit/rtc-node';
import type { BreakoutRound, BreakoutVideoToken, EngagementEntry } from '@rally/shared';
import { createBreakoutMedia } from '../../src/media/breakout-video.js';
import type { BreakoutMedia } from '../../src/domain/breakout/video-deps.js';
import { livekitCredentials, startLivekitServer, type LivekitServerHandle } from '../helpers/livekit-server.js';
import { freePort } from '../helpers/redis-server.js';
import { connectClient, keyOf, sleep, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';
import { videoRound } from '../helpers/video-round.js';

// Breakout video against a real livekit-server: Rally's tokens as LiveKit enforces them, LiveKit's
// own signed webhooks reaching Rally, removal through the server API, and media between real
// WebRTC participants. The participants are @livekit/rtc-node (LiveKit's native WebRTC stack for
// Node) publishing a synthetic video track: no browser to start, so the tier stays well under a
// minute on a shared 2-core machine, and what is checked is LiveKit's routing between rooms, which
// is the same whoever the client is.

let lk: LivekitServerHandle;
let rally: TestServer;
let rooms: RoomServiceClient;
let media: BreakoutMedia;
let eventId: string;
let round: BreakoutRound;
const people: Record<'ada' | 'bob' | 'cy' | 'mo', TestClient> = {} as never;
const open: { close(): Promise<void> | void }[] = [];

beforeAll(async () => {
  // Rally is configured with LiveKit's address and keys first, then LiveKit with Rally's webhook URL.
  const port = await freePort();
  const creds = livekitCredentials();
  const env = { LIVEKIT_URL: `http://127.0.0.1:${port}`, LIVEKIT_API_KEY: creds.apiKey, LIVEKIT_API_SECRET: creds.apiSecret };
  rally = await startTestServer({ env });
  lk = await startLivekitServer({ port, ...creds, webhookUrls: [`${rally.url}/api/livekit/webhook`] });
  rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
  media = createBreakoutMedia({ url: lk.httpUrl, apiKey: lk.apiKey, apiSecret: lk.apiSecret });

  const ev = await rally.createEvent();
  eventId = ev.event.id;
  for (const name of ['ada', 'bob', 'cy'] as const) {
    const c = await connectClient(rally.url, (await rally.join({ code: ev.code, name: name.toUpperCase(), mode: 'remote' })).token);
    open.push({ close: () => void c.close() });
    people[name] = c;
  }
  people.mo = await connectClient(rally.url, (await rally.join({ code: ev.code, name: 'Mo Desk', key: keyOf(ev.links.moderator) })).token);
  open.push({ close: () => void people.mo.close() });
  // The round's lifecycle is the rounds' own suite's; here it is stored open, Ada and Bob in North, Cy in South.
  round = videoRound(eventId, 'open');
  await rally.store.createRound(round);
  await rally.store.setAssignments(round.id, new Map([[id('ada'), 'north'], [id('bob'), 'north'], [id('cy'), 'south']]));
});
afterAll(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
  await dispose();
  await rally?.close();
  await lk?.stop();
});

const id = (who: keyof typeof people) => people[who].snapshot.me.id;
const roomName = (roomId: string) => media.roomName({ eventId, roundId: round.id, roomId });
const roomName_ = (ref: { roomId: string }) => roomName(ref.roomId);

async function videoToken(who: keyof typeof people, roomId?: string): Promise<BreakoutVideoToken> {
  const r = await people[who].send('breakout:videoToken', { roundId: round.id, ...(roomId ? { roomId } : {}) });
  if (!r.ok) throw new Error(`breakout:videoToken: ${r.error.code} ${r.error.message}`);
  return r.data;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms\n${lk.output().slice(-2000)}`);
    await sleep(100);
  }
}

const W = 64;
const H = 48;

interface CallMember {
  room: Room;
  /** Identities whose video track this member subscribed to, and those it received a frame from. */
  subscribed: Set<string>;
  framesFrom: Set<string>;
  leave(): Promise<void>;
}

/** A WebRTC participant in a breakout call with Rally's token, sending a synthetic camera (a flat colour, 15 fps). */
async function joinCall(t: BreakoutVideoToken, publish = true): Promise<CallMember> {
  const room = new Room();
  const subscribed = new Set<string>();
  const framesFrom = new Set<string>();
  room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant) => {
    if (track.kind !== TrackKind.KIND_VIDEO) return;
    subscribed.add(participant.identity);
    void (async () => {
      for await (const _frame of new VideoStream(track)) {
        framesFrom.add(participant.identity);
        break;
      }
    })();
  });
  await room.connect(t.url, t.token, { autoSubscribe: true, dynacast: false });
  let timer: NodeJS.Timeout | undefined;
  if (publish) {
    const source = new VideoSource(W, H);
    const track = LocalVideoTrack.createVideoTrack('camera', source);
    await room.localParticipant!.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA }));
    const pixels = new Uint8Array(W * H * 4).fill(200);
    timer = setInterval(() => source.captureFrame(new VideoFrame(pixels, W, H, VideoBufferType.RGBA)), 66);
  }
  const member: CallMember = {
    room,
    subscribed,
    framesFrom,
    async leave() {
      clearInterval(timer);
      await room.disconnect();
    },
  };
  open.push({ close: () => member.leave() });
  return member;
}

const inVideo = async (roomId: string) => (await rally.store.listInVideo(round.id)).get(roomId) ?? [];
const breakoutEntries = async (): Promise<EngagementEntry[]> => (await rally.store.readEngagement(eventId, null, 1000)).entries.filter((e) => e.kind.startsWith('breakout'));

describe('breakout video on a real LiveKit server', () => {
  it('[BRK42] opening a round\'s rooms creates their calls on LiveKit (again: kept as they are)', async () => {
    const refs = round.rooms.map((r) => ({ eventId, roundId: round.id, roomId: r.id }));
    await media.openRooms(refs);
    await media.openRooms(refs);
    expect((await rooms.listRooms(refs.map(roomName_))).map((r) => r.name).sort()).toEqual([roomName('north'), roomName('south')]);
  });

  it('[BRK40] [BRK41] LiveKit admits Rally\'s token to the participant\'s own breakout room only, as them, publishing; a moderator\'s to any room', async () => {
    const t = await videoToken('ada');
    expect(t.roomName).toBe(roomName('north'));
    const ada = await joinCall(t, false);
    const seen = await until('Ada in North', () => rooms.listParticipants(roomName('north')), (ps) => ps.some((p) => p.identity === id('ada')));
    const me = seen.find((p) => p.identity === id('ada'))!;
    expect(me.name).toBe('ADA');
    expect(me.permission).toMatchObject({ canPublish: true, canSubscribe: true, canPublishData: false, hidden: false, recorder: false });
    // Another room is refused by Rally before LiveKit is asked.
    const refused = await people.ada.send('breakout:videoToken', { roundId: round.id, roomId: 'south' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const mo = await joinCall(await videoToken('mo', 'south'), false);
    const south = await until('Mo in South', () => rooms.listParticipants(roomName('south')), (ps) => ps.some((p) => p.identity === id('mo')));
    expect(south.find((p) => p.identity === id('mo'))!.permission).toMatchObject({ canPublish: true, canSubscribe: true });
    await ada.leave();
    await mo.leave();
  });

  it('[BRK43] LiveKit\'s own signed webhooks reach Rally: joining and leaving a call move who is in it and record engagement', async () => {
    const before = (await breakoutEntries()).length;
    const bob = await joinCall(await videoToken('bob'), false);
    await until('Bob in North\'s call', () => inVideo('north'), (ids) => ids.includes(id('bob')));
    await bob.leave();
    await until('Bob out of North\'s call', () => inVideo('north'), (ids) => !ids.includes(id('bob')));
    const mine = await until('Bob\'s entries', async () => (await breakoutEntries()).slice(before).filter((e) => e.participantId === id('bob')), (es) => es.length >= 2);
    expect(mine.map((e) => [e.kind, e.ref, e.breakoutRoomId])).toEqual([
      ['breakoutJoined', round.id, 'north'],
      ['breakoutLeft', round.id, 'north'],
    ]);
  });

  it('[BRK42] removal through RoomServiceClient takes someone out of the call (and LiveKit tells Rally); removing again, or from a room never created, is fine', async () => {
    const cy = await joinCall(await videoToken('cy'), false);
    await until('Cy in South\'s call', () => inVideo('south'), (ids) => ids.includes(id('cy')));
    const disconnected = new Promise<void>((resolve) => cy.room.once(RoomEvent.Disconnected, () => resolve()));
    await media.removeParticipant(roomName('south'), id('cy'));
    await disconnected;
    expect((await rooms.listParticipants(roomName('south'))).map((p) => p.identity)).not.toContain(id('cy'));
    await until('Cy out of South\'s call', () => inVideo('south'), (ids) => !ids.includes(id('cy')));
    await expect(media.removeParticipant(roomName('south'), id('cy'))).resolves.toBeUndefined();
    await expect(media.removeParticipant(roomName('never-opened'), id('cy'))).resolves.toBeUndefined();
  });

  it('[BRK40] [BRK42] media: two people in one breakout each receive the other\'s video, someone in another room receives neither; closing the rooms ends the calls', async () => {
    const [ada, bob, cy] = await Promise.all([joinCall(await videoToken('ada')), joinCall(await videoToken('bob')), joinCall(await videoToken('cy'))]);
    await until('frames between Ada and Bob', async () => [[...ada.framesFrom], [...bob.framesFrom]], () => ada.framesFrom.has(id('bob')) && bob.framesFrom.has(id('ada')), 20_000);
    // Frames have flowed inside North for a while: nothing of North has reached South, nor Cy North.
    await sleep(500);
    expect([...cy.subscribed]).toEqual([]);
    expect([...cy.framesFrom]).toEqual([]);
    expect([...ada.subscribed]).toEqual([id('bob')]);
    expect([...bob.subscribed]).toEqual([id('ada')]);

    // [BRK42] Closing the round's rooms ends every call in them; closing again is fine.
    const ended = [ada, bob, cy].map((m) => new Promise<void>((resolve) => m.room.once(RoomEvent.Disconnected, () => resolve())));
    const refs = round.rooms.map((r) => ({ eventId, roundId: round.id, roomId: r.id }));
    await media.closeRooms(refs);
    await Promise.all(ended);
    expect(await rooms.listRooms(refs.map(roomName_))).toEqual([]);
    await expect(media.closeRooms(refs)).resolves.toBeUndefined();
  });
});
