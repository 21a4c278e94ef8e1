import { expect, test, type Page } from '@playwright/test';
import type { MyBreakout } from '@rally/shared';
import { drive, keyOf, type Driver } from './helpers/drive';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { createEvent, keynoteSession, WORKSHOP, workshopSession } from './helpers/event';
import { joinAsStaff, newScreen } from './helpers/screens';

/*
 * [BRK91] [BRK92] The console's round editor and who-is-where: a round planned for a later agenda
 * session (not the live one), its rooms named, with topics, capacities and a facilitator, a
 * teach-back's concepts; then two people swapped, in the draft and again while the round is open.
 * The editor is driven at phone width; axe on it; screenshots at phone and laptop sizes.
 */

test.describe.configure({ timeout: 180_000 });

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const CONCEPTS = ['Multi-threading the account', 'The mutual action plan'];

async function shot(page: Page, name: string, info: { outputPath: (n: string) => string }) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** The page does not scroll sideways. */
async function fitsWidth(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
}

test('[BRK91] [BRK92] [BRK76] [BRK15] the editor plans a round for a later session with named rooms, topics, capacities and a facilitator; people are swapped in the draft and while it is open', async ({ browser, request }, info) => {
  const created = await createEvent(request, { name: 'Breakout editor', agenda: [keynoteSession(), workshopSession()] });
  const code = created.event.code;
  // The keynote is live: the editor starts there, and the moderator picks the workshop after it.
  const desk = await drive(request, code, { name: 'Desk', key: keyOf(created.links.moderator) });
  await desk.send('session:setLive', { sessionId: 'keynote' });
  const people: Record<string, Driver> = {};
  for (const name of ['Ana', 'Ben', 'Cy', 'Dee']) people[name] = await drive(request, code, { name, team: 'EMEA', mode: 'remote' });

  const mod = await newScreen(browser, { viewport: PHONE, hasTouch: true });
  const m = mod.page;
  await joinAsStaff(m, created.links.moderator.replace('/moderator#', '/moderator/breakouts#'), 'moderator', 'Mo Moderator');
  await m.getByTestId('brk-new').click();

  // [BRK91] The session: the live one to start, a later one chosen.
  await expect(m.getByTestId('brk-session')).toHaveValue('keynote');
  await m.getByTestId('brk-session').selectOption('workshop');
  await m.getByTestId('brk-title').fill('Teach-back clinic');
  // The format first: a structured format sets every room's capacity to its number of roles.
  await m.getByTestId('brk-format').selectOption('teachBack');
  await m.getByTestId('brk-concepts').fill(CONCEPTS.join('\n'));
  // "N rooms of C" as the starting point, then each room edited.
  await m.getByTestId('brk-room-count').fill('2');
  await m.getByTestId('brk-capacity').fill('3');
  const rooms = m.getByTestId('brk-room-edit');
  await expect(rooms).toHaveCount(2);
  await rooms.nth(0).getByTestId('brk-edit-room-name').fill('Enterprise');
  await rooms.nth(0).getByTestId('brk-edit-room-topic').fill('Large accounts, many stakeholders');
  await rooms.nth(1).getByTestId('brk-edit-room-name').fill('Mid-market');
  await rooms.nth(1).getByTestId('brk-edit-room-topic').fill('Pricing conversations');
  await rooms.nth(1).getByTestId('brk-edit-room-capacity').fill('4');
  // The facilitator is one of the attendees online.
  await m.getByRole('button', { name: 'Choose the facilitator of Enterprise' }).click();
  await m.getByTestId('brk-edit-room-facilitator').selectOption({ label: 'Ana (EMEA)' });
  await expect(rooms.nth(0).getByTestId('brk-edit-room-facilitator-name')).toHaveText('Ana');

  await fitsWidth(m);
  await expectNoSeriousA11yViolations(m, '[data-testid="brk-editor"]');
  await shot(m, 'editor-phone', info);
  await m.setViewportSize(LAPTOP);
  await fitsWidth(m);
  await shot(m, 'editor-laptop', info);
  await m.setViewportSize(PHONE);

  await m.getByTestId('brk-save').click();
  await expect(m.getByTestId('brk-round-status')).toHaveText('Draft');
  await expect(m.getByTestId('brk-round-session')).toHaveText(`for ${WORKSHOP}`);
  const card = (room: string) => m.getByTestId('brk-room-card').filter({ has: m.getByRole('heading', { name: room }) });
  await expect(card('Enterprise')).toContainText('Large accounts, many stakeholders');
  await expect(card('Enterprise')).toContainText('0 / 3');
  await expect(card('Mid-market')).toContainText('Pricing conversations');
  await expect(card('Mid-market')).toContainText('0 / 4');

  // Editing the plan shows the session it is for.
  await m.getByTestId('brk-edit').click();
  await expect(m.getByTestId('brk-session')).toHaveValue('workshop');
  await expect(m.getByTestId('brk-edit-room-name').first()).toHaveValue('Enterprise');
  await m.getByTestId('brk-edit').click();

  // [BRK31] Assigned: the facilitator is placed in her room first; sizes balanced 2 and 2.
  await m.getByTestId('brk-assign').click();
  await expect(m.getByTestId('brk-assign-summary')).toContainText('4 placed');
  await expect(card('Enterprise').getByTestId('brk-person')).toHaveCount(2);
  await expect(card('Enterprise')).toContainText('Ana');
  const [partner] = await card('Mid-market').getByTestId('brk-person-name').allTextContents();
  expect(partner).toBeTruthy();

  // [BRK92] Swap in the draft: Ana and someone of Mid-market change rooms.
  await m.getByRole('button', { name: 'Swap Ana with someone' }).click();
  await expect(m.getByTestId('brk-swap')).toBeVisible();
  await shot(m, 'swap-phone', info);
  await expectNoSeriousA11yViolations(m, '[data-testid="brk-round"]');
  await m.getByTestId('brk-swap').selectOption({ label: partner! });
  await expect(card('Mid-market')).toContainText('Ana');
  await expect(card('Enterprise')).toContainText(partner!);
  await expect(card('Enterprise').getByTestId('brk-person')).toHaveCount(2);

  // Open: each attendee is in their room; each room's first teacher has the first concept.
  const places = Object.fromEntries(Object.entries(people).map(([n, d]) => [n, d.waitFor<MyBreakout>('breakout:assigned', (p) => p.roomId !== null && p.round?.status === 'open', 20_000)]));
  await m.getByTestId('brk-open').click();
  await expect(m.getByTestId('brk-round-status')).toHaveText('Open');
  const opened = Object.fromEntries(await Promise.all(Object.entries(places).map(async ([n, p]) => [n, await p] as const)));
  expect(opened['Ana']!.room?.name).toBe('Mid-market');
  const teachers = Object.values(opened).filter((p) => p.role?.name === 'Teacher');
  expect(teachers).toHaveLength(2);
  for (const t of teachers) expect(t.role!.brief).toContain(`Your concept: ${CONCEPTS[0]}`);
  for (const p of Object.values(opened).filter((x) => x.role?.name !== 'Teacher')) for (const c of CONCEPTS) expect(p.role!.brief).not.toContain(c);

  // [BRK92] [BRK15] Swap while open: Ana goes back to Enterprise and is told at once.
  const [back] = await card('Enterprise').getByTestId('brk-person-name').allTextContents();
  const anaMoved = people['Ana']!.waitFor<MyBreakout>('breakout:assigned', (p) => p.room?.name === 'Enterprise', 10_000);
  await m.getByRole('button', { name: 'Swap Ana with someone' }).click();
  await m.getByTestId('brk-swap').selectOption({ label: back! });
  expect((await anaMoved).room?.name).toBe('Enterprise');
  await expect(card('Enterprise')).toContainText('Ana');
  await expect(card('Mid-market')).toContainText(back!);
  await m.setViewportSize(LAPTOP);
  await shot(m, 'rooms-open-laptop', info);

  for (const d of [desk, ...Object.values(people)]) d.close();
  await mod.ctx.close();
});
