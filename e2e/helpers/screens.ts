import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { deviceFor, LAPTOP, PROJECTOR } from './devices';
import type { Prepare } from './sockets';

/** One person's browser: its own context, so cookies, tokens and sockets are theirs alone. */
export interface Screen {
  ctx: BrowserContext;
  page: Page;
}

export interface Joiner {
  name: string;
  team: string;
  mode: 'room' | 'remote';
  /** The stage screen's room code, typed into the form or (viaQr) carried by the QR link. */
  roomCode?: string;
  viaQr?: boolean;
}

export interface ScreenOptions {
  /** Context options over the device's (reduced motion, …). */
  context?: BrowserContextOptions;
  prepare?: Prepare;
}

export async function expectLive(page: Page) {
  await expect(page.getByTestId('connection-state')).toHaveText(/live/);
}

export async function newScreen(browser: Browser, device: BrowserContextOptions, options: ScreenOptions = {}): Promise<Screen> {
  const ctx = await browser.newContext({ ...device, ...options.context });
  const page = await ctx.newPage();
  if (options.prepare) await options.prepare(page);
  return { ctx, page };
}

/** Fills the join form at /j/CODE and waits until the event page is live. */
export async function joinAsAttendee(page: Page, code: string, who: Joiner) {
  await page.goto(who.viaQr && who.roomCode ? `/j/${code}?room=${who.roomCode}` : `/j/${code}`);
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Your team').selectOption(who.team);
  const radio = page.getByRole('radio', { name: who.mode === 'remote' ? /^Remote/ : /^In the room/ });
  // The QR link preselects the room; the form must show that rather than be told.
  if (who.viaQr) await expect(radio).toBeChecked();
  else await radio.check();
  if (who.mode === 'room' && who.roomCode && !who.viaQr) await page.getByLabel('Room code (shown on the stage screen)').fill(who.roomCode);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  // Room-code joins only check the path, as the stage spec always has; plain joins pin the whole URL.
  await expect(page).toHaveURL(new RegExp(who.roomCode === undefined ? `/e/${code}$` : `/e/${code}`));
  await expectLive(page);
}

/** Opens a moderator or presenter key link and joins under `name`; the key becomes a token. */
export async function joinAsStaff(page: Page, link: string, role: 'moderator' | 'presenter', name: string) {
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: `Join as ${role}` }).click();
  await expectLive(page);
}

/** An attendee in their own browser: a phone in the room, a laptop at home. */
export async function attendeeScreen(browser: Browser, code: string, who: Joiner, options: ScreenOptions = {}): Promise<Screen> {
  const screen = await newScreen(browser, deviceFor(who.mode), options);
  await joinAsAttendee(screen.page, code, who);
  return screen;
}

/** Staff work from laptops. */
export async function staffScreen(browser: Browser, link: string, role: 'moderator' | 'presenter', name: string, options: ScreenOptions = {}): Promise<Screen> {
  const screen = await newScreen(browser, LAPTOP, options);
  await joinAsStaff(screen.page, link, role, name);
  return screen;
}

/** The projector: the stage link needs no name, it is live as soon as it loads. */
export async function stageScreen(browser: Browser, link: string, options: ScreenOptions = {}): Promise<Screen> {
  const screen = await newScreen(browser, PROJECTOR, options);
  await screen.page.goto(link);
  await expectLive(screen.page);
  return screen;
}
