import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { createEvent as createEventWith, keynoteSession, KEYNOTE, workshopSession } from './helpers/event';
import { launchQuickPoll } from './helpers/polls';
import { attendeeScreen, expectLive, stageScreen, staffScreen } from './helpers/screens';
import { openSection } from './helpers/console';
import { unique } from './helpers/unique';

/**
 * The stage through the browser: a real HLS stream played by a remote attendee, reactions and a
 * live poll on the projector, venue-verified joins with the rotating room code, and accessibility
 * of the attendee, presenter, moderator and stage screens. Each test creates its own event.
 */

test.describe.configure({ timeout: 120_000 });

// A short HLS stream made with ffmpeg, served with CORS from another port (as a CDN would).
let hlsDir = '';
let hlsServer: Server | null = null;
let hlsUrl = '';
/** While true the "CDN" answers 503, as an encoder that has not started yet. */
let hlsDown = false;

test.beforeAll(() => {
  hlsDir = mkdtempSync(join(tmpdir(), 'rally-hls-'));
  execFileSync(
    '/usr/bin/ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '25', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', 'out.m3u8'],
    { cwd: hlsDir, stdio: 'pipe', timeout: 60_000 },
  );
  const types: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t', '.mp4': 'video/mp4', '.m4s': 'video/iso.segment' };
  hlsServer = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    if (hlsDown) {
      res.writeHead(503).end();
      return;
    }
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(hlsDir, path);
    if (!file.startsWith(hlsDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise<void>((resolve) => {
    hlsServer!.listen(0, '127.0.0.1', () => {
      hlsUrl = `http://127.0.0.1:${(hlsServer!.address() as AddressInfo).port}/out.m3u8`;
      resolve();
    });
  });
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => (hlsServer ? hlsServer.close(() => resolve()) : resolve()));
  if (hlsDir) rmSync(hlsDir, { recursive: true, force: true });
});

const createEvent = (request: APIRequestContext, settings: Record<string, unknown> = {}) =>
  createEventWith(request, { name: 'E2E Stage', settings, agenda: [keynoteSession(), workshopSession()] });

test('[STAGE2] a moderator sets an HLS stream; a remote attendee’s player says it is unavailable, recovers on its own when the stream comes up, and really plays it; an in-room attendee gets no player', async ({ browser, request }) => {
  const { code, links } = await createEvent(request, { verifyRoomMode: false });
  const mod = await staffScreen(browser, links.moderator, 'moderator', 'Mo Moderator');
  const remote = await attendeeScreen(browser, code, { name: unique('Remy Remote'), team: 'EMEA', mode: 'remote' });
  const room = await attendeeScreen(browser, code, { name: unique('Rita Room'), team: 'APAC', mode: 'room' });
  await expect(remote.page.getByTestId('stream')).toHaveCount(0);

  hlsDown = true;
  await openSection(mod.page, 'settings');
  const settings = mod.page.getByTestId('stream-settings');
  await settings.getByRole('radio', { name: 'HLS URL' }).check();
  await settings.getByLabel('Playlist URL').fill(hlsUrl);
  await settings.getByRole('button', { name: 'Save stream' }).click();
  await expect(settings.getByTestId('stream-current')).toContainText(hlsUrl);

  // The encoder is not up yet: a clear state, then recovery without a reload.
  await expect(remote.page.getByTestId('stream-status')).toContainText('unavailable', { timeout: 20_000 });
  hlsDown = false;

  // Beside the activity on a laptop, and playing for real: the video's clock moves.
  await expect(remote.page.getByTestId('stream')).toBeVisible();
  await expect(remote.page.getByTestId('activity-area')).toBeVisible();
  const video = remote.page.getByTestId('stream-video');
  await remote.page.waitForFunction(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="stream-video"]');
    return !!v && v.currentTime > 1.5;
  }, null, { timeout: 30_000 });
  const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await remote.page.waitForTimeout(1000);
  const t2 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  expect(t2).toBeGreaterThan(t1);

  // In the room: the activity without the stream.
  await expect(room.page.getByTestId('activity-area')).toBeVisible();
  await expect(room.page.getByTestId('stream')).toHaveCount(0);

  // Back to none: the player goes.
  await settings.getByRole('radio', { name: /No stream/ }).check();
  await settings.getByRole('button', { name: 'Save stream' }).click();
  await expect(remote.page.getByTestId('stream')).toHaveCount(0);
  for (const c of [remote.ctx, room.ctx, mod.ctx]) await c.close();
});

test('[STAGE9] [STAGE14] [STAGE15] the stage screen shows the live poll, a reaction burst from a remote attendee, and how many watch remotely', async ({ browser, request }) => {
  const { code, links } = await createEvent(request, { verifyRoomMode: false });
  const pres = await staffScreen(browser, links.presenter, 'presenter', 'Pat Presenter');
  const stage = await stageScreen(browser, links.stage);
  const remote = await attendeeScreen(browser, code, { name: unique('Remy Remote'), team: 'EMEA', mode: 'remote' });
  await expect(stage.page.getByTestId('stage-remote-watching')).toContainText('1 watching remotely');

  const question = unique('How likely are you to recommend this kickoff?');
  await launchQuickPoll(pres.page, 'nps', question);
  await expect(stage.page.locator('.stage-activity')).toContainText(question);

  const bar = remote.page.getByTestId('reactions-bar');
  await bar.getByRole('button', { name: 'Applause' }).click();
  await bar.getByRole('button', { name: 'Applause' }).click();
  await bar.getByRole('button', { name: 'Fire' }).click();
  await expect(stage.page.locator('[data-testid="reaction-float"][data-emoji="👏"]').first()).toBeAttached();
  await expect(stage.page.getByTestId('stage-reaction-totals')).toContainText('👏 2');
  await expect(stage.page.getByTestId('stage-reaction-totals')).toContainText('🔥 1');

  // [STAGE14] Over 10 in 10 s: the server's RATE_LIMITED message is toasted.
  for (let i = 0; i < 9; i++) await bar.getByRole('button', { name: 'Love' }).click();
  await expect(remote.page.getByTestId('toast-error').first()).toBeVisible();
  for (const c of [remote.ctx, stage.ctx, pres.ctx]) await c.close();
});

test('[STAGE10] [STAGE11] [STAGE12] [STAGE13] a join with the stage screen’s room code is in the room; a forged one joins remote with a notice, then switches with the real code', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const stage = await stageScreen(browser, links.stage);
  const roomCodeEl = stage.page.getByTestId('stage-room-code');
  await expect(roomCodeEl).toHaveText(/^[34679ACDEFGHJKMNPQRTUVWXY]{4}$/);
  const current = (await roomCodeEl.textContent())!.trim();
  // The QR carries the room code.
  await expect(stage.page.getByTestId('stage-qr')).toHaveAttribute('alt', new RegExp(`/j/${code}\\?room=`));

  // Scanning the QR: the code comes with the link, the mode is preselected.
  const scanned = await attendeeScreen(browser, code, { name: unique('Quinn QR'), team: 'EMEA', mode: 'room', roomCode: current, viaQr: true });
  await expect(scanned.page.getByTestId('my-mode')).toHaveAttribute('data-mode', 'room');
  await expect(scanned.page.getByTestId('join-notice')).toHaveCount(0);

  // Typing a forged code (another code of the alphabet): joined as remote, told why.
  const forged = current === '3333' ? '4444' : '3333';
  const typed = await attendeeScreen(browser, code, { name: unique('Faye Forged'), team: 'APAC', mode: 'room', roomCode: forged });
  await expect(typed.page.getByTestId('my-mode')).toHaveAttribute('data-mode', 'remote');
  await expect(typed.page.getByTestId('join-notice')).toHaveAttribute('data-reason', 'room-code-invalid');

  // [STAGE13] "I'm in the room" with the code on the screen now.
  const latest = (await roomCodeEl.textContent())!.trim();
  await typed.page.getByRole('button', { name: 'I’m in the room' }).click();
  await typed.page.getByLabel('Room code (shown on the stage screen)').fill(latest);
  await typed.page.getByRole('button', { name: 'Switch to in the room' }).click();
  await expect(typed.page.getByTestId('my-mode')).toHaveAttribute('data-mode', 'room');
  for (const c of [scanned.ctx, typed.ctx, stage.ctx]) await c.close();
});

test('[STAGE16] [STAGE17] [STAGE18] [STAGE19] [STAGE20] [STAGE21] [STAGE24] announcements, presenter notes with read receipts and the chat with its moderation, and no serious accessibility violations on the attendee, presenter, moderator and stage screens', async ({
  browser,
  request,
}) => {
  const { code, links } = await createEvent(request, { verifyRoomMode: false });
  const mod = await staffScreen(browser, links.moderator, 'moderator', 'Mo Moderator');
  const pres = await staffScreen(browser, links.presenter, 'presenter', 'Pat Presenter');
  const stage = await stageScreen(browser, links.stage, { context: { reducedMotion: 'reduce' } });
  const remote = await attendeeScreen(browser, code, { name: unique('Remy Remote'), team: 'EMEA', mode: 'remote' });
  const room = await attendeeScreen(browser, code, { name: unique('Rita Room'), team: 'APAC', mode: 'room' });
  await mod.page.getByRole('button', { name: `Set “${KEYNOTE}” live` }).click();
  await expect(pres.page.getByTestId('session-timer')).toBeVisible();

  // [STAGE16] An announcement for remote attendees only.
  const card = mod.page.getByTestId('announcement-form-card');
  await card.getByLabel('Text').fill('Remote folks: the stream restarts in 2 minutes');
  await card.getByLabel('Audience').selectOption('remote');
  await card.getByRole('button', { name: 'Send announcement' }).click();
  await expect(remote.page.getByTestId('announcement-text')).toHaveText('Remote folks: the stream restarts in 2 minutes');
  await remote.page.waitForTimeout(300);
  await expect(room.page.getByTestId('announcement')).toHaveCount(0);

  // [STAGE18] [STAGE19] A note, read by the presenter; the moderator sees the receipt.
  const notes = mod.page.getByTestId('notes-panel');
  await notes.getByLabel('Private note').fill('Five minutes left, please take questions');
  await notes.getByRole('button', { name: 'Send note' }).click();
  await expect(notes.getByTestId('note-receipt').first()).toContainText('Not read yet');
  const presNote = pres.page.getByTestId('presenter-note').filter({ hasText: 'Five minutes left' });
  await expect(presNote).toBeVisible();
  await expect(remote.page.getByText('Five minutes left')).toHaveCount(0);

  // [STAGE20] Chat.
  await remote.page.getByTestId('chat').getByLabel('Message', { exact: true }).fill('Hello from home');
  await remote.page.getByTestId('chat').getByRole('button', { name: 'Send' }).click();
  await openSection(mod.page, 'people');
  await expect(mod.page.getByTestId('chat-message').filter({ hasText: 'Hello from home' })).toBeVisible();
  await expect(room.page.getByTestId('chat-message').filter({ hasText: 'Hello from home' })).toBeVisible();

  await expectNoSeriousA11yViolations(remote.page);
  await expectNoSeriousA11yViolations(room.page);
  await expectNoSeriousA11yViolations(pres.page);
  await expectNoSeriousA11yViolations(mod.page);
  await expectNoSeriousA11yViolations(stage.page);

  await presNote.getByRole('button', { name: 'Mark read' }).click();
  await openSection(mod.page, 'live');
  await expect(notes.getByTestId('note-receipt').first()).toContainText('Read by Pat Presenter');
  await openSection(mod.page, 'people');

  // [STAGE21] Slow mode: the attendee who just wrote sees the countdown.
  await mod.page.getByTestId('chat').getByLabel('Slow mode').selectOption('30');
  await expect(remote.page.getByTestId('chat-slow-mode')).toContainText('one message every 30 s');
  await expect(remote.page.getByTestId('chat-status')).toContainText('You can send again in');
  await expect(remote.page.getByTestId('chat-send')).toBeDisabled();

  // [STAGE24] The moderator deletes the message for everyone and stops its author chatting.
  const modMsg = mod.page.getByTestId('chat-message').filter({ hasText: 'Hello from home' });
  await modMsg.getByRole('button', { name: /^Stop .* chatting$/ }).click();
  await expect(remote.page.getByTestId('chat-banned')).toBeVisible();
  await expect(modMsg.getByRole('button', { name: /^Let .* chat again$/ })).toBeVisible();
  await modMsg.getByRole('button', { name: /^Delete message from/ }).click();
  await expect(room.page.getByTestId('chat-message').filter({ hasText: 'Hello from home' })).toHaveCount(0);

  // The banner can be dismissed and stays dismissed after a reload.
  await remote.page.getByRole('button', { name: 'Dismiss announcement' }).click();
  await expect(remote.page.getByTestId('announcement')).toHaveCount(0);
  await remote.page.reload();
  await expectLive(remote.page);
  await expect(remote.page.getByTestId('announcement')).toHaveCount(0);
  for (const c of [remote.ctx, room.ctx, stage.ctx, pres.ctx, mod.ctx]) await c.close();
});
