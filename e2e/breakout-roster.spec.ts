import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { createEvent, keynoteSession } from './helpers/event';
import { expectLive, joinAsAttendee, joinAsStaff, newScreen } from './helpers/screens';

/*
 * [BRK87] [BRK88] The attendee list through the web client, over the real server: a moderator
 * imports a CSV in the console's Breakouts section (a bad line is named and nothing is stored; a
 * good file is counted); an attendee joins through the form with an email on the list, and a
 * roster round puts her in the room the list names (without the email she could not get there).
 * axe on the import screen and the join form; screenshots at phone and laptop sizes.
 */

test.describe.configure({ timeout: 150_000 });

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };

async function shot(page: Page, name: string, info: { outputPath: (n: string) => string }) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

const csv = (...lines: string[]) => ({ name: 'attendees.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
const HEADER = 'name,email,team,title,tenure,region,facilitator,room';
const ANA_LINE = 'Ana Lopez,ana.lopez@example.com,Americas,Account Executive,1-3,AMER,no,Room 3';

test('[BRK87] [BRK88] [BRK35] [BRK34] a moderator imports the attendee list (a bad line is named, a good file counted); an attendee who joins with her email lands in the room the list names', async ({ browser, request }, info) => {
  const created = await createEvent(request, { name: 'Roster SKO', agenda: [keynoteSession()] });
  const code = created.event.code;

  const mod = await newScreen(browser, { viewport: LAPTOP });
  const m = mod.page;
  await joinAsStaff(m, created.links.moderator.replace('/moderator#', '/moderator/breakouts#'), 'moderator', 'Mo Moderator');
  const roster = m.getByTestId('brk-roster');
  await expect(roster.getByTestId('brk-roster-size')).toHaveText('No list yet');

  // [BRK36] The template is linked and downloads as CSV.
  const href = await roster.getByTestId('brk-roster-template').getAttribute('href');
  expect(href).toMatch(/\/roster\/template\.csv$/);
  const template = await request.get(href!);
  expect(template.status()).toBe(200);
  expect(template.headers()['content-type']).toContain('text/csv');

  // [BRK37] A file with a bad line (line 3: the header is line 1): that line is named, nothing is stored.
  await roster.getByLabel('CSV file').setInputFiles(csv(HEADER, ANA_LINE, 'Bo Bad,not-an-email,EMEA,,,,no,'));
  await roster.getByTestId('brk-roster-submit').click();
  await expect(roster.getByTestId('brk-roster-error')).toHaveText(['Line 3: Email must be an email address']);
  await expect(roster.getByTestId('brk-roster-errors')).toContainText('Nothing was imported');
  await expect(roster.getByTestId('brk-roster-size')).toHaveText('No list yet');
  await shot(m, 'import-errors-laptop', info);

  // [BRK36] The fixed file: progress while it is sent and checked, then what it did and the new size.
  await m.route('**/roster', async (route) => {
    // Slow the answer a little so the progress is seen, as on a venue's network.
    if (route.request().method() === 'PUT') await new Promise((r) => setTimeout(r, 700));
    await route.continue();
  });
  await roster.getByLabel('CSV file').setInputFiles(csv(HEADER, ANA_LINE, 'Bo Lee,bo.lee@example.com,EMEA,Sales Engineer,5+,EMEA,yes,'));
  await roster.getByTestId('brk-roster-submit').click();
  await expect(roster.getByTestId('brk-roster-progress')).toBeVisible();
  await expect(roster.getByTestId('brk-roster-submit')).toBeDisabled();
  await expect(roster.getByTestId('brk-roster-status')).toHaveText('Imported: 2 people on the list. 2 added, 0 updated.');
  await expect(roster.getByTestId('brk-roster-progress')).toHaveCount(0);
  await expect(roster.getByTestId('brk-roster-errors')).toHaveCount(0);
  await expect(roster.getByTestId('brk-roster-size')).toHaveText('2 people');
  await m.unroute('**/roster');
  await shot(m, 'import-done-laptop', info);

  // The size is read from the server, not remembered by this page.
  await m.reload();
  await expectLive(m);
  await expect(m.getByTestId('brk-roster-size')).toHaveText('2 people');
  await expectNoSeriousA11yViolations(m, '[data-testid="brk-roster"]');
  await m.getByTestId('brk-roster').scrollIntoViewIfNeeded();
  await shot(m, 'import-laptop', info);
  await m.setViewportSize(PHONE);
  expect(await m.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width + 1);
  await shot(m, 'import-phone', info);
  await m.setViewportSize(LAPTOP);

  // [BRK87] Ana joins on her phone with the email on the list (as typed on a phone: a capital, a space).
  const ana = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  const a = ana.page;
  await a.goto(`/j/${code}`);
  const email = a.getByLabel(/Work email/);
  await expect(email).toHaveAttribute('type', 'email');
  await expect(email).toHaveAttribute('autocomplete', 'email');
  await expect(email).toHaveAccessibleDescription(/team and breakout room.*Only the organisers see it/);
  await a.getByLabel('Your name').fill('Ana Lopez');
  await a.getByLabel('Your team').selectOption('EMEA');
  await a.getByRole('radio', { name: /^Remote/ }).check();
  await email.fill('ana.lopez@example.com');
  await shot(a, 'join-form-phone', info);
  await a.setViewportSize(LAPTOP);
  await shot(a, 'join-form-laptop', info);
  await a.setViewportSize(PHONE);
  // A typo is caught on the form, focused, and nothing is sent.
  await email.fill('ana.lopez@');
  await a.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(a.getByText('This email does not look right: check it, or leave the field empty')).toBeVisible();
  await expect(email).toBeFocused();
  await expect(a).toHaveURL(new RegExp(`/j/${code}$`));
  await email.fill(' Ana.Lopez@Example.com ');
  await expectNoSeriousA11yViolations(a, '[data-testid="join-form"]');
  await shot(a, 'join-form-error-phone', info);
  await a.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(a).toHaveURL(new RegExp(`/e/${code}$`));
  await expectLive(a);

  // Cy joins without an email: the form still works as before, and never shows him Ana's email.
  const cy = await newScreen(browser, { viewport: LAPTOP });
  await joinAsAttendee(cy.page, code, { name: 'Cy Nolist', team: 'EMEA', mode: 'remote' });

  // [BRK34] A roster round: Ana goes to Room 3, as her list line says; Cy, not on the list, to the
  // smallest room first in order (Room 1). Without her email both would fill Rooms 1 and 2.
  await m.getByTestId('brk-new').click();
  await m.getByTestId('brk-title').fill('Pre-assigned rooms');
  await m.getByTestId('brk-strategy').selectOption('roster');
  await m.getByTestId('brk-room-count').fill('3');
  await m.getByTestId('brk-capacity').fill('4');
  await m.getByTestId('brk-save').click();
  await expect(m.getByTestId('brk-round-status')).toHaveText('Draft');
  await m.getByTestId('brk-assign').click();
  await expect(m.getByTestId('brk-assign-summary')).toContainText('2 placed');
  const room = (n: number) => m.getByTestId('brk-room-card').filter({ has: m.getByRole('heading', { name: new RegExp(`^Room ${n}\\b`) }) });
  await expect(room(3).getByTestId('brk-person')).toHaveText([/Ana Lopez/]);
  await expect(room(1).getByTestId('brk-person')).toHaveText([/Cy Nolist/]);
  await m.getByTestId('brk-open').click();
  await expect(m.getByTestId('brk-round-status')).toHaveText('Open');
  // Ana's own view: her room, the one the list named.
  await expect(a.getByTestId('brk-room-name')).toHaveText('Room 3');
  await expect(cy.page.getByTestId('brk-room-name')).toHaveText('Room 1');

  // [BRK35] Privacy: another attendee's screen never carries her email.
  expect((await cy.page.content()).toLowerCase()).not.toContain('ana.lopez@example.com');

  for (const s of [mod, ana, cy]) await s.ctx.close();
});
