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
import { CHROMIUM_ARGS as BROWSER_ARGS, CHROMIUM_PATH, WEBRTC_ARGS } from '../../../e2e/chromium.js';

// [BRK80]–[BRK84] Breakout video in real browsers: three attendees join an event through the attendee
// UI in Debian's Chromium (one context each, fake camera and microphone), a moderator opens a round of
// two rooms, and what each page plays is read from its <video> elements. The rtc-node suite
// (breakout-video.test.ts) proves LiveKit's routing; this one proves the product's own client path:
// the token fetched by the room view, livekit-client loaded lazily, the camera published, the others'
// cameras drawn in the grid.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SHOTS = join(root, 'test-results', 'livekit-browser');

// The browser tests' flags (e2e/chromium.ts) plus fake devices and loopback WebRTC. (Here, with one
// interface besides loopback, media also flowed without --allow-loopback-in-peer-connection when tried
// once: its host candidate reaches 127.0.0.1.)
const CHROMIUM_ARGS = [...BROWSER_ARGS, ...WEBRTC_ARGS];

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
// Bob's long name must stay on his tile on Ada's phone ([BRK83]).
const NAMES = { ada: 'Ada', bob: 'Bob Vandenberghe-Lefebvre', cy: 'Cy' } as const;

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
    chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
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
  /** Frames the element presented in those 300 ms: they keep arriving and are drawn. */
  frames: number;
}
function camera(page: Page, name: string): Promise<Playing | null> {
  return page.evaluate(async (label) => {
    const v = document.querySelector<HTMLVideoElement>(`.brk-call-grid video[aria-label="${label}"]`);
    if (!v) return null;
    const f0 = v.getVideoPlaybackQuality().totalVideoFrames;
    await new Promise((r) => setTimeout(r, 300));
    const track = v.srcObject instanceof MediaStream ? v.srcObject.getVideoTracks()[0] : undefined;
    return { width: v.videoWidth, live: track?.readyState === 'live', frames: v.getVideoPlaybackQuality().totalVideoFrames - f0 };
  }, `${name}’s camera`);
}
/** Whose cameras a page has a tile for, by the videos' accessible names. */
const tiles = (page: Page) => page.locator('.brk-call-grid video').evaluateAll((vs) => vs.map((v) => v.getAttribute('aria-label')!.replace(/’s camera$/, '')).sort());

/** [BRK83] How the call's grid lies on the page: overflow, the tiles' share of the row, names inside their tiles. */
function gridLayout(page: Page) {
  return page.evaluate(() => {
    const grid = document.querySelector('.brk-call-grid')!.getBoundingClientRect();
    const items = [...document.querySelectorAll('.brk-call-grid > li')].map((li) => {
      const box = li.getBoundingClientRect();
      const label = li.querySelector('.brk-call-name')!.getBoundingClientRect();
      return { top: box.top, width: box.width, label: { left: label.left - box.left, right: box.right - label.right } };
    });
    const firstRow = items.filter((i) => Math.abs(i.top - items[0]!.top) < 1);
    return {
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      gridWidth: grid.width,
      firstRowWidth: firstRow.reduce((n, i) => n + i.width, 0),
      gaps: (firstRow.length - 1) * parseFloat(getComputedStyle(document.querySelector('.brk-call-grid')!).columnGap),
      labelsInside: items.every((i) => i.label.left >= 0 && i.label.right >= 0),
    };
  });
}

const isPlaying = (p: Playing | null) => !!p && p.width > 0 && p.live && p.frames > 0;

async function untilPlaying(page: Page, name: string, ms = 20_000): Promise<Playing> {
  const deadline = Date.now() + ms;
  for (;;) {
    const p = await camera(page, name);
    if (isPlaying(p)) return p!;
    if (Date.now() > deadline) throw new Error(`${name}’s camera not playing after ${ms} ms: ${JSON.stringify(p)}; tiles ${JSON.stringify(await tiles(page))}\n${lk.output().slice(-2000)}`);
  }
}

describe('breakout video in real browsers on a real LiveKit server', () => {
  it('[BRK80] [BRK81] [BRK82] [BRK83] [BRK84] two attendees in one breakout each play the other\'s camera in their room view, an attendee of the other room plays neither and is seen by neither; moved, she joins their call', async () => {
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
    expect(await tiles(pages.cy)).toEqual([NAMES.cy]);
    expect(await tiles(pages.ada)).toEqual([NAMES.ada, NAMES.bob].sort());
    expect(await tiles(pages.bob)).toEqual([NAMES.ada, NAMES.bob].sort());
    // Nor any sound: Cy's page plays no remote microphone, while Ada's plays Bob's (RoomAudioRenderer).
    await expect.poll(() => pages.ada.locator('audio').count(), { timeout: 10_000 }).toBe(1);
    expect(await pages.cy.locator('audio').count()).toBe(0);
    // [BRK80] One's own tile is marked.
    await pages.ada.locator('.brk-call-grid li.is-self .brk-call-name').filter({ hasText: `${NAMES.ada} (you)` }).waitFor();
    // LiveKit's own view agrees: North holds Ada and Bob, each publishing a camera; South holds Cy.
    const roomName = (roomId: string) => `rally.${eventId}.${round.id}.${roomId}`;
    const inRoom = async (roomId: string) =>
      (await rooms.listParticipants(roomName(roomId))).map((p) => ({ name: p.name, video: p.tracks.some((t) => t.type === TrackType.VIDEO) })).sort((a, b) => a.name.localeCompare(b.name));
    expect(await inRoom('north')).toEqual([
      { name: NAMES.ada, video: true },
      { name: NAMES.bob, video: true },
    ]);
    expect(await inRoom('south')).toEqual([{ name: NAMES.cy, video: true }]);

    // [BRK83] The room view with video playing, as its users see it: at a phone and a laptop the page does
    // not scroll sideways, two tiles share the row, and names stay inside their tiles.
    mkdirSync(SHOTS, { recursive: true });
    await pages.ada.screenshot({ path: join(SHOTS, 'room-video-phone.png'), fullPage: true });
    await pages.bob.screenshot({ path: join(SHOTS, 'room-video-laptop.png'), fullPage: true });
    for (const who of ['ada', 'bob'] as const) {
      const layout = await gridLayout(pages[who]);
      expect(layout.pageOverflow, who).toBeLessThanOrEqual(0);
      expect(layout.labelsInside, who).toBe(true);
      expect(layout.firstRowWidth + layout.gaps, who).toBeCloseTo(layout.gridWidth, 0);
    }

    // [BRK84] A moderator moves Cy into North: her room view leaves South's call for North's, without a
    // reload; Ada and Bob then play her camera, she plays theirs, and South's call is empty.
    await ok(mo.send('breakout:move', { roundId: round.id, participantId: idOf(NAMES.cy), roomId: 'north' }));
    await pages.cy.getByTestId('brk-room-name').filter({ hasText: 'North' }).waitFor();
    await Promise.all([untilPlaying(pages.ada, NAMES.cy), untilPlaying(pages.bob, NAMES.cy), untilPlaying(pages.cy, NAMES.ada), untilPlaying(pages.cy, NAMES.bob)]);
    expect(await tiles(pages.cy)).toEqual([NAMES.ada, NAMES.bob, NAMES.cy].sort());
    expect((await inRoom('north')).map((p) => p.name)).toEqual([NAMES.ada, NAMES.bob, NAMES.cy].sort((a, b) => a.localeCompare(b)));
    expect(await inRoom('south')).toEqual([]);
    await pages.cy.screenshot({ path: join(SHOTS, 'room-video-laptop-three.png'), fullPage: true });
    await pages.ada.screenshot({ path: join(SHOTS, 'room-video-phone-three.png'), fullPage: true });
    for (const who of ['ada', 'cy'] as const) {
      const layout = await gridLayout(pages[who]);
      expect(layout.pageOverflow, who).toBeLessThanOrEqual(0);
      expect(layout.labelsInside, who).toBe(true);
    }
  }, 90_000);
});
