import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from '@playwright/test';
import { RoomServiceClient, TrackType } from 'livekit-server-sdk';
import { livekitCredentials, startLivekitServer, type LivekitServerHandle } from '../helpers/livekit-server.js';
import { ok } from '../helpers/acks.js';
import { freePort } from '../helpers/redis-server.js';
import { connectClient, keyOf, startTestServer, type TestClient, type TestServer } from '../helpers/test-server.js';

// [BRK80]–[BRK84] Breakout video in real browsers: three attendees join an event through the attendee
// UI in Debian's Chromium (one context each, fake camera and microphone), a moderator opens a round of
// two rooms, and what each page plays is read from its <video> elements. The rtc-node suite
// (breakout-video.test.ts) proves LiveKit's routing; this one proves the product's own client path:
// the token fetched by the room view, livekit-client loaded lazily, the camera published, the others'
// cameras drawn in the grid.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SHOTS = join(root, 'test-results', 'livekit-browser');

// The flags of the e2e config (e2e/playwright.config.ts) plus fake devices, their permission prompt
// answered, and loopback candidates allowed: livekit-server listens on 127.0.0.1 only, and without the
// last flag Chromium gathers no loopback ICE candidate, so no media path exists.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };

let lk: LivekitServerHandle;
let rally: TestServer;
let browser: Browser;
let rooms: RoomServiceClient;
let mo: TestClient;
let code: string;
let eventId: string;
const pages: Record<'ada' | 'bob' | 'cy', Page> = {} as never;
const NAMES = { ada: 'Ada', bob: 'Bob', cy: 'Cy' } as const;

beforeAll(async () => {
  // The room view is the built client that Rally serves (as `npm start` and the e2e tier build it).
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-client-if-needed.mjs')], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the web client failed:\n${build.stdout}\n${build.stderr}`);

  // Rally's port is fixed first: the page's Origin must be its PUBLIC_URL. LiveKit's too, so Rally
  // knows where it is; LiveKit then gets Rally's webhook URL.
  const [port, lkPort] = [await freePort(), await freePort()];
  const creds = livekitCredentials();
  const publicUrl = `http://127.0.0.1:${port}`;
  rally = await startTestServer({
    port,
    env: { PUBLIC_URL: publicUrl, LIVEKIT_URL: `http://127.0.0.1:${lkPort}`, LIVEKIT_API_KEY: creds.apiKey, LIVEKIT_API_SECRET: creds.apiSecret },
  });
  const [lkStarted, browserStarted] = await Promise.all([
    startLivekitServer({ port: lkPort, ...creds, webhookUrls: [`${rally.url}/api/livekit/webhook`] }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  lk = lkStarted;
  browser = browserStarted;
  rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);

  const ev = await rally.createEvent();
  code = ev.code;
  eventId = ev.event.id;
  mo = await connectClient(rally.url, (await rally.join({ code, name: 'Mo Desk', key: keyOf(ev.links.moderator) })).token);
}, 120_000);

afterAll(async () => {
  mo?.close();
  await browser?.close();
  await rally?.close();
  await lk?.stop();
});

/** An attendee in their own browser context, joined through the join form as a remote attendee. */
async function attendee(name: string, viewport: { width: number; height: number }, phone = false): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: rally.url, viewport, ...(phone ? { isMobile: true, hasTouch: true } : {}), permissions: ['camera', 'microphone'] });
  const page = await ctx.newPage();
  await page.goto(`/j/${code}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Your team').selectOption('EMEA');
  await page.getByRole('radio', { name: /^Remote/ }).check();
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.getByTestId('connection-state').filter({ hasText: 'live' }).waitFor();
  return page;
}

/** What a page plays for someone's camera tile (null: no such tile), watched for 300 ms. */
interface Playing {
  width: number;
  live: boolean;
  /** The element's clock moved: frames keep arriving and are drawn. */
  advancing: boolean;
}
function camera(page: Page, name: string): Promise<Playing | null> {
  return page.evaluate(async (label) => {
    const v = document.querySelector<HTMLVideoElement>(`.brk-call-grid video[aria-label="${label}"]`);
    if (!v) return null;
    const t0 = v.currentTime;
    await new Promise((r) => setTimeout(r, 300));
    const track = v.srcObject instanceof MediaStream ? v.srcObject.getVideoTracks()[0] : undefined;
    return { width: v.videoWidth, live: track?.readyState === 'live', advancing: v.currentTime > t0 };
  }, `${name}’s camera`);
}
/** The names on the camera tiles of a page. */
const tiles = (page: Page) => page.locator('.brk-call-grid .brk-call-name').allTextContents();

const isPlaying = (p: Playing | null) => !!p && p.width > 0 && p.live && p.advancing;

async function untilPlaying(page: Page, name: string, ms = 20_000): Promise<Playing> {
  const deadline = Date.now() + ms;
  for (;;) {
    const p = await camera(page, name);
    if (isPlaying(p)) return p!;
    if (Date.now() > deadline) throw new Error(`${name}’s camera not playing after ${ms} ms: ${JSON.stringify(p)}; tiles ${JSON.stringify(await tiles(page))}\n${lk.output().slice(-2000)}`);
  }
}

describe('breakout video in real browsers on a real LiveKit server', () => {
  it('[BRK80] [BRK81] [BRK82] two attendees in one breakout each play the other\'s camera in their room view, an attendee of the other room plays neither and is seen by neither', async () => {
    // Ada on a phone, Bob and Cy on laptops; each in their own browser context.
    [pages.ada, pages.bob, pages.cy] = await Promise.all([attendee(NAMES.ada, PHONE, true), attendee(NAMES.bob, LAPTOP), attendee(NAMES.cy, LAPTOP)]);
    const people = await rally.store.listParticipants(eventId);
    const idOf = (name: string) => people.find((p) => p.name === name)!.id;

    // The moderator plans North (Ada, Bob) and South (Cy) by hand and opens the round.
    const round = await ok(
      mo.send('breakout:create', {
        sessionId: null,
        draft: {
          title: 'Deal clinic',
          durationSec: 600,
          audience: 'remote',
          strategy: { kind: 'manual' },
          format: { kind: 'open' },
          rooms: [
            { id: 'north', name: 'North', topic: '', capacity: 3, facilitatorId: null },
            { id: 'south', name: 'South', topic: '', capacity: 3, facilitatorId: null },
          ],
        },
      }),
    );
    for (const [who, roomId] of [['ada', 'north'], ['bob', 'north'], ['cy', 'south']] as const) {
      await ok(mo.send('breakout:move', { roundId: round.id, participantId: idOf(NAMES[who]), roomId }));
    }
    await ok(mo.send('breakout:open', { roundId: round.id }));

    // [BRK80] Each lands in their room and its call starts with their own camera.
    for (const [who, room] of [['ada', 'North'], ['bob', 'North'], ['cy', 'South']] as const) {
      await pages[who].getByTestId('brk-room-name').filter({ hasText: room }).waitFor();
    }
    await Promise.all((['ada', 'bob', 'cy'] as const).map((who) => untilPlaying(pages[who], NAMES[who])));

    // [BRK81] Ada plays Bob's camera and Bob plays Ada's: frames arrive over WebRTC from the other browser.
    const [bobAtAda, adaAtBob] = await Promise.all([untilPlaying(pages.ada, NAMES.bob), untilPlaying(pages.bob, NAMES.ada)]);
    expect(bobAtAda.width).toBeGreaterThan(0);
    expect(adaAtBob.width).toBeGreaterThan(0);

    // [BRK82] North's video has flowed for a while: Cy has no tile of Ada or Bob, and neither has one of Cy.
    expect((await tiles(pages.cy)).sort()).toEqual([NAMES.cy]);
    expect((await tiles(pages.ada)).sort()).toEqual([NAMES.ada, NAMES.bob]);
    expect((await tiles(pages.bob)).sort()).toEqual([NAMES.ada, NAMES.bob]);
    // LiveKit's own view agrees: North holds Ada and Bob, each publishing a camera; South holds Cy.
    const roomName = (roomId: string) => `rally.${eventId}.${round.id}.${roomId}`;
    const inRoom = async (roomId: string) =>
      (await rooms.listParticipants(roomName(roomId))).map((p) => ({ name: p.name, video: p.tracks.some((t) => t.type === TrackType.VIDEO) })).sort((a, b) => a.name.localeCompare(b.name));
    expect(await inRoom('north')).toEqual([
      { name: NAMES.ada, video: true },
      { name: NAMES.bob, video: true },
    ]);
    expect(await inRoom('south')).toEqual([{ name: NAMES.cy, video: true }]);

    // The room view with video playing, as its users see it.
    mkdirSync(SHOTS, { recursive: true });
    await pages.ada.screenshot({ path: join(SHOTS, 'room-video-phone.png'), fullPage: true });
    await pages.bob.screenshot({ path: join(SHOTS, 'room-video-laptop.png'), fullPage: true });
  }, 90_000);
});
