import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { PHONE } from './helpers/devices';
import { createEvent as createEventWith, keynoteSession, workshopSession } from './helpers/event';
import { expectLive, joinAsAttendee, joinAsStaff, newScreen, stageScreen, type Screen } from './helpers/screens';
import { openSection } from './helpers/console';
import { unique } from './helpers/unique';

/**
 * Foundation: join, identity across reloads, live presence for moderators, clear errors for bad codes.
 * Each test creates its own event through the REST API, as an organiser's script would.
 */

// These specs are about identity and presence, not venue verification: attendees say where they
// are (the room-code flow has its own spec once the join form asks for the code).
const createEvent = (request: APIRequestContext, extra: { agenda?: unknown[] } = {}) =>
  createEventWith(request, { name: 'E2E Kickoff', settings: { verifyRoomMode: false }, ...extra });

async function openModerator(browser: Browser, link: string): Promise<Screen> {
  const mod = await newScreen(browser, {});
  await joinAsStaff(mod.page, link, 'moderator', 'Mo Moderator');
  await openSection(mod.page, 'people');
  await expect(mod.page.getByRole('heading', { name: 'Online now' })).toBeVisible();
  // The key is exchanged for a token and removed from the address bar.
  expect(new URL(mod.page.url()).hash).toBe('');
  return mod;
}

async function counts(moderator: Page): Promise<{ room: number; remote: number }> {
  return {
    room: Number(await moderator.getByTestId('presence-room-count').textContent()),
    remote: Number(await moderator.getByTestId('presence-remote-count').textContent()),
  };
}

function presenceItems(moderator: Page, name: string) {
  return moderator.getByTestId('presence-list').getByTestId('presence-item').filter({ hasText: name });
}

test('[ID1] joining with the code and a name gives a participant with that name, team and mode', async ({ browser, request }) => {
  const { event, code } = await createEvent(request);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const name = unique('Ada');

  await page.goto(`/j/${code}`);
  await expect(page.getByTestId('event-name')).toHaveText(event.name);
  await joinAsAttendee(page, code, { name, team: 'EMEA', mode: 'remote' });

  await expect(page.getByTestId('me-summary')).toContainText(`You are ${name}`);
  await expect(page.getByTestId('my-team')).toHaveText('EMEA');
  await expect(page.getByTestId('my-mode')).toHaveText('Remote');
  await expect(page.getByTestId('my-participant-id')).toHaveText(/^[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('activity-area')).toContainText('Nothing on stage right now');
  await ctx.close();
});

test('[PRES1] moderators see who is online, live, split room / remote', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const mod = await openModerator(browser, links.moderator);
  const before = await counts(mod.page);

  // A remote attendee on a laptop.
  const remoteCtx = await browser.newContext();
  const remote = await remoteCtx.newPage();
  const remoteName = unique('Remy Remote');
  await joinAsAttendee(remote, code, { name: remoteName, team: 'Americas', mode: 'remote' });

  await expect(mod.page.getByTestId('presence-remote-count')).toHaveText(String(before.remote + 1));
  await expect(mod.page.getByTestId('presence-room-count')).toHaveText(String(before.room));
  const remoteItem = presenceItems(mod.page, remoteName);
  await expect(remoteItem).toHaveCount(1);
  await expect(remoteItem).toContainText('Americas');
  await expect(remoteItem.getByTestId('mode-badge')).toHaveText('Remote');

  // An in-room attendee on a phone.
  const roomCtx = await browser.newContext(PHONE);
  const room = await roomCtx.newPage();
  const roomName = unique('Rita Room');
  await joinAsAttendee(room, code, { name: roomName, team: 'APAC', mode: 'room' });

  await expect(mod.page.getByTestId('presence-room-count')).toHaveText(String(before.room + 1));
  await expect(mod.page.getByTestId('presence-remote-count')).toHaveText(String(before.remote + 1));
  const roomItem = presenceItems(mod.page, roomName);
  await expect(roomItem).toHaveCount(1);
  await expect(roomItem).toContainText('APAC');
  await expect(roomItem.getByTestId('mode-badge')).toHaveText('Room');

  // Leaving is live too.
  await remoteCtx.close();
  await expect(presenceItems(mod.page, remoteName)).toHaveCount(0);
  await expect(mod.page.getByTestId('presence-remote-count')).toHaveText(String(before.remote));
  await expect(mod.page.getByTestId('presence-room-count')).toHaveText(String(before.room + 1));

  await roomCtx.close();
  await mod.ctx.close();
});

test('[ID3] reload keeps the same participant', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const mod = await openModerator(browser, links.moderator);
  const before = await counts(mod.page);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const name = unique('Reload Rae');
  await joinAsAttendee(page, code, { name, team: 'EMEA', mode: 'remote' });
  const id = await page.getByTestId('my-participant-id').textContent();
  expect(id).toBeTruthy();
  await expect(presenceItems(mod.page, name)).toHaveCount(1);

  await page.reload();
  await expectLive(page);
  await expect(page.getByTestId('my-participant-id')).toHaveText(id!);
  await expect(page.getByTestId('my-name')).toHaveText(name);

  // The old connection going away must not hide the new one, nor leave a second entry behind.
  await expect(presenceItems(mod.page, name)).toHaveCount(1);
  await page.waitForTimeout(1000);
  await expect(presenceItems(mod.page, name)).toHaveCount(1);
  await expect(presenceItems(mod.page, name)).toHaveAttribute('data-participant-id', id!);
  await expect(mod.page.getByTestId('presence-remote-count')).toHaveText(String(before.remote + 1));

  // A second tab, and opening the attendee link again, are still the same participant.
  const tab = await ctx.newPage();
  await tab.goto(`/j/${code}`);
  await expect(tab).toHaveURL(new RegExp(`/e/${code}$`));
  await expectLive(tab);
  await expect(tab.getByTestId('my-participant-id')).toHaveText(id!);
  await page.waitForTimeout(500);
  await expect(presenceItems(mod.page, name)).toHaveCount(1);
  await expect(mod.page.getByTestId('presence-remote-count')).toHaveText(String(before.remote + 1));

  await ctx.close();
  await mod.ctx.close();
});

test('[ID5] an unknown join code is a clear error', async ({ page }) => {
  // Well-formed but unused (codes come from a 25^6 space).
  const unknown = 'QQQQQQ';

  await page.goto('/');
  await page.getByLabel('Event code').fill(unknown.toLowerCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('join-error')).toContainText(`No event uses the code “${unknown}”`);
  await expect(page).toHaveURL(/\/$/);

  // Characters no join code contains are named, before any request.
  await page.getByLabel('Event code').fill('HELL00');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('join-error')).toContainText('not a Rally join code');

  // The attendee link of an unknown code says the same, with a way out.
  await page.goto(`/j/${unknown}`);
  await expect(page.getByTestId('join-error')).toContainText(`No event uses the code “${unknown}”`);
  await expect(page.getByRole('link', { name: 'Enter another code' })).toBeVisible();
  await expect(page.getByTestId('join-form')).toHaveCount(0);
});

test('[ID6] an attendee changes their own team and mode; the moderator list and counts follow', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const mod = await openModerator(browser, links.moderator);
  const before = await counts(mod.page);
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  const name = unique('Tess Switch');
  await joinAsAttendee(page, code, { name, team: 'EMEA', mode: 'remote' });
  await expect(mod.page.getByTestId('presence-remote-count')).toHaveText(String(before.remote + 1));

  // Team and mode are in the "You" menu of the header ([UI31]).
  await page.getByRole('button', { name: 'You', exact: true }).click();
  await page.getByRole('button', { name: 'Change team or mode' }).click();
  await page.getByLabel('Team').selectOption('APAC');
  await page.getByRole('radio', { name: /^In the room/ }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('my-team')).toHaveText('APAC');
  await expect(page.getByTestId('my-mode')).toHaveText('In the room');

  const item = presenceItems(mod.page, name);
  await expect(item).toContainText('APAC');
  await expect(item.getByTestId('mode-badge')).toHaveText('Room');
  await expect(mod.page.getByTestId('presence-room-count')).toHaveText(String(before.room + 1));
  await expect(mod.page.getByTestId('presence-remote-count')).toHaveText(String(before.remote));
  await ctx.close();
  await mod.ctx.close();
});

test('[ID7] a moderator corrects an attendee’s mode; the attendee is told', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const mod = await openModerator(browser, links.moderator);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const name = unique('Cory Correct');
  await joinAsAttendee(page, code, { name, team: 'EMEA', mode: 'remote' });

  await mod.page.getByRole('button', { name: `Mark ${name} as room` }).click();
  await expect(presenceItems(mod.page, name).getByTestId('mode-badge')).toHaveText('Room');
  await expect(page.getByTestId('my-mode')).toHaveText('In the room');
  await ctx.close();
  await mod.ctx.close();
});

test('[ID8] a banned attendee is told, leaves the moderator list, and is not let back in by a reload', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const mod = await openModerator(browser, links.moderator);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const name = unique('Bart Banned');
  await joinAsAttendee(page, code, { name, team: 'EMEA', mode: 'remote' });
  await expect(presenceItems(mod.page, name)).toHaveCount(1);

  // Staff cannot be banned, so they get no ban button.
  await expect(mod.page.getByRole('button', { name: 'Ban Mo Moderator' })).toHaveCount(0);
  await mod.page.getByRole('button', { name: `Ban ${name}` }).click();
  await mod.page.getByRole('button', { name: `Confirm ban of ${name}` }).click();

  await expect(page.getByTestId('session-ended')).toContainText('removed');
  await expect(presenceItems(mod.page, name)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('my-participant-id')).toHaveCount(0);
  await ctx.close();
  await mod.ctx.close();
});

test('[AG1] the moderator sets the live session and attendees see it as now', async ({ browser, request }) => {
  const { code, links } = await createEvent(request, { agenda: [keynoteSession('open'), workshopSession('disc')] });
  const mod = await openModerator(browser, links.moderator);
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await joinAsAttendee(page, code, { name: unique('Ann Agenda'), team: 'APAC', mode: 'room' });
  await expect(page.getByTestId('agenda-now')).toContainText('Between sessions');

  await openSection(mod.page, 'live');
  await mod.page.getByRole('button', { name: 'Set “Opening keynote” live' }).click();
  await expect(page.getByTestId('agenda-now')).toContainText('Opening keynote');
  await expect(page.getByTestId('agenda-next')).toContainText('Discovery workshop');

  await mod.page.getByRole('button', { name: 'End the live session' }).click();
  await expect(page.getByTestId('agenda-now')).toContainText('Between sessions');
  await ctx.close();
  await mod.ctx.close();
});

test('[ID2] [PRES3] the stage link joins as the stage screen, shows the code and QR, and is never listed or counted', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const mod = await openModerator(browser, links.moderator);
  const before = await counts(mod.page);

  const { ctx: stageCtx, page: stage } = await stageScreen(browser, links.stage);
  await expect(stage.getByTestId('stage-join-code')).toHaveText(code);
  await expect(stage.getByTestId('stage-qr')).toHaveAttribute('alt', new RegExp(`/j/${code}`));
  expect(new URL(stage.url()).hash).toBe('');

  // Staff are listed but not counted; the projector is neither.
  await expect(mod.page.getByTestId('presence-list')).toContainText('Mo Moderator');
  await stage.waitForTimeout(500);
  await expect(mod.page.getByTestId('presence-list')).not.toContainText('Stage screen');
  expect(await counts(mod.page)).toEqual(before);
  expect(before).toEqual({ room: 0, remote: 0 });
  await stageCtx.close();
  await mod.ctx.close();
});

test('[PROTO1] a client built for another protocol version is told to reload', async ({ page, request }) => {
  const { code } = await createEvent(request);
  await joinAsAttendee(page, code, { name: unique('Old Tab'), team: 'EMEA', mode: 'remote' });

  // Pretend this tab was built against another protocol: rewrite the version in the CONNECT packet.
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((msg) => server.send(typeof msg === 'string' ? msg.replace(/"protocolVersion":\d+/, '"protocolVersion":999') : msg));
  });
  await page.reload();
  await expect(page.getByTestId('connection-state')).toHaveText(/reload-required/);
  await expect(page.getByTestId('reload-banner')).toContainText('Rally was updated');
  await expect(page.getByTestId('reload-banner').getByRole('button', { name: 'Reload' })).toBeVisible();
});

test('[AUTH1] a forged token is dropped and the browser is asked to join again', async ({ page, request }) => {
  const { code } = await createEvent(request);
  await joinAsAttendee(page, code, { name: unique('Fay Forged'), team: 'EMEA', mode: 'remote' });
  const key = `rally:token:${code}:attendee`;
  await page.evaluate((k) => localStorage.setItem(k, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged'), key);
  await page.reload();
  await expect(page.getByTestId('join-form')).toBeVisible();
  await expect(page.getByText('Your session for this event has expired')).toBeVisible();
  expect(await page.evaluate((k) => localStorage.getItem(k), key)).toBeNull();
});

test('[ID3] a dropped connection comes back as the same participant', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const mod = await openModerator(browser, links.moderator);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const sockets: { close: () => Promise<void> }[] = [];
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });
  const name = unique('Dee Dropped');
  await joinAsAttendee(page, code, { name, team: 'EMEA', mode: 'remote' });
  const id = await page.getByTestId('my-participant-id').textContent();

  // The network goes away and the open connection dies with it.
  await ctx.setOffline(true);
  await expect(page.getByTestId('connection-state')).toHaveText(/offline/);
  await Promise.all(sockets.map((s) => s.close()));
  await ctx.setOffline(false);
  await expectLive(page);
  expect(sockets.length).toBeGreaterThan(1);
  await expect(page.getByTestId('my-participant-id')).toHaveText(id!);
  await expect(presenceItems(mod.page, name)).toHaveCount(1);
  await ctx.close();
  await mod.ctx.close();
});
