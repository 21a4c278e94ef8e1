import { expect, test, type Browser, type Page } from '@playwright/test';
import { PHONE } from './helpers/devices';
import { createEvent } from './helpers/event';
import { joinAsStaff, newScreen } from './helpers/screens';
import { ADMIN_TOKEN } from './env';

/**
 * What a person sees when a link or a code does not work: one plain sentence that says what is
 * wrong and what to do, never a schema's validation text, never the same sentence twice. People
 * open these links on their phones, from a chat message that may have cut the link short.
 */

// What a schema says when it refuses a value: never meant for people.
const VALIDATION_TEXT = /expected string|too small|too big|invalid_|[<>]=|\bkey:|\bcode:|\bname:/i;

/** The sentences of a text (and its lines without a full stop: titles, labels), for counting them. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[a-z]/i.test(s));
}

/** Exactly one message is shown: one sentence, in words a person uses, and nothing on the page says it twice. */
async function expectOnePlainMessage(page: Page, shot: string) {
  const alert = page.getByRole('alert');
  await expect(alert).toHaveCount(1);
  await expect(alert).toBeVisible();
  const message = (await alert.innerText()).trim();
  expect(message, message).not.toMatch(VALIDATION_TEXT);
  expect(sentences(message), message).toHaveLength(1);
  // A screen's title may also be its heading and its button; a sentence is said once.
  const lines = sentences(await page.locator('body').innerText())
    .filter((s) => /[.!?]$/.test(s))
    .map((s) => s.toLowerCase());
  const repeated = lines.filter((s, i) => lines.indexOf(s) !== i);
  expect(repeated, 'a sentence shown twice').toEqual([]);
  await page.screenshot({ path: `test-results/messages-${shot}.png`, fullPage: true });
  return message;
}

async function phone(browser: Browser) {
  return newScreen(browser, PHONE);
}

test('[UI1] [UI2] a moderator link cut short (#key=abc) says so at once, with what to do', async ({ browser, request }) => {
  const { code } = await createEvent(request, { name: 'Messages SKO' });
  const { ctx, page } = await phone(browser);

  await page.goto(`/e/${code}/moderator#key=abc`);
  const message = await expectOnePlainMessage(page, 'truncated-key');
  expect(message).toMatch(/moderator link/i);
  // Nobody is asked for their name on a link that cannot work.
  await expect(page.getByLabel('Your name')).toHaveCount(0);

  // A link whose key was mangled past any key's length says the same.
  await page.goto(`/e/${code}/moderator#key=${'x'.repeat(140)}`);
  await page.reload();
  expect(await expectOnePlainMessage(page, 'overlong-key')).toMatch(/moderator link/i);
  await ctx.close();
});

test('[UI1] [UI3] a moderator or stage link with a key the event does not know says it does not work and whom to ask', async ({ browser, request }) => {
  const { code } = await createEvent(request, { name: 'Messages SKO' });
  const { ctx, page } = await phone(browser);

  await page.goto(`/e/${code}/moderator#key=garbage-garbage-garbage`);
  await page.getByLabel('Your name').fill('Mo Moderator');
  await page.getByRole('button', { name: 'Join as moderator' }).click();
  const message = await expectOnePlainMessage(page, 'garbage-key');
  expect(message).toMatch(/moderator link/i);
  expect(message).toMatch(/organiser/i);
  // Another name cannot make a refused link work: the form gives way to the message.
  await expect(page.getByLabel('Your name')).toHaveCount(0);

  // The stage screen joins by itself: the same sentence, with a way to retry.
  await page.goto(`/e/${code}/stage#key=garbage-garbage-garbage`);
  await page.reload();
  expect(await expectOnePlainMessage(page, 'garbage-stage-key')).toMatch(/stage screen link/i);
  await ctx.close();
});

test('[UI1] [UI4] a wrong join code names the code and says where to find the right one', async ({ browser }) => {
  const { ctx, page } = await phone(browser);
  // Well-formed but unused (codes come from a 25^6 space).
  const unknown = 'QQQQQQ';

  await page.goto('/');
  await page.getByLabel('Event code').fill(unknown);
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await expectOnePlainMessage(page, 'home-unknown-code')).toContain(unknown);

  await page.getByLabel('Event code').fill('HELL00');
  await page.getByRole('button', { name: 'Continue' }).click();
  expect(await expectOnePlainMessage(page, 'home-malformed-code')).toMatch(/stage screen/i);

  await page.goto(`/j/${unknown}`);
  expect(await expectOnePlainMessage(page, 'join-unknown-code')).toContain(unknown);

  await page.goto('/j/AB');
  expect(await expectOnePlainMessage(page, 'join-short-code')).toMatch(/stage screen/i);

  // An organiser link for an event that does not exist.
  await page.goto(`/e/${unknown}/moderator#key=abcdefghijklmnopqrstuv`);
  await page.getByLabel('Your name').fill('Mo Moderator');
  await page.getByRole('button', { name: 'Join as moderator' }).click();
  expect(await expectOnePlainMessage(page, 'link-unknown-code')).toContain(unknown);
  await ctx.close();
});

test('[UI1] [UI5] a moderator whose link the organiser replaced is told once, in one sentence, how to get back in', async ({ browser, request }) => {
  const { code, event, links } = await createEvent(request, { name: 'Messages SKO' });
  const { ctx, page } = await phone(browser);
  await joinAsStaff(page, links.moderator, 'moderator', 'Mo Moderator');

  const res = await request.post(`/api/events/${event.id}/keys/rotate`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.ok()).toBe(true);
  const message = await expectOnePlainMessage(page, 'keys-rotated');
  expect(message).toMatch(/replaced this moderator link/i);
  expect(message).toMatch(/ask/i);
  expect(page.url()).toContain(`/e/${code}/moderator`);
  await ctx.close();
});
