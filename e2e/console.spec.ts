import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEFAULT_POLL_SETTINGS, type CreateEventResponse } from '@rally/shared';
import { createEvent as createEventWith, keynoteSession, workshopSession } from './helpers/event';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { joinAsAttendee, joinAsStaff, newScreen } from './helpers/screens';
import { drive, keyOf, type Driver } from './helpers/drive';
import { openSection } from './helpers/console';
import { unique } from './helpers/unique';

/**
 * The control room: the moderator console (sections, shortcuts, attention badges, the Live
 * section) and the presenter view, at the sizes staff use them: laptops, tablets both ways, and a
 * phone in a pinch. Each test makes its own busy event over real sockets.
 */

test.describe.configure({ timeout: 120_000 });

const LAPTOP = { width: 1366, height: 768 };
const TABLET_LANDSCAPE = { width: 1024, height: 768 };
const TABLET_PORTRAIT = { width: 768, height: 1024 };
const PHONE = { width: 390, height: 844 };

/** The console's sections as a moderator finds them: nav label and address. */
const SECTIONS = [
  { id: 'live', label: 'Live', path: '' },
  { id: 'polls', label: 'Polls', path: '/polls' },
  { id: 'qa', label: 'Q&A', path: '/qa' },
  { id: 'people', label: 'People', path: '/people' },
  { id: 'engagement', label: 'Engagement', path: '/engagement' },
  { id: 'quiz', label: 'Quiz', path: '/quiz' },
  { id: 'breakouts', label: 'Breakouts', path: '/breakouts' },
  { id: 'settings', label: 'Event settings', path: '/settings' },
] as const;

interface Busy {
  event: CreateEventResponse;
  desk: Driver;
  live: string;
  closed: string[];
  drafts: string[];
  questions: string[];
}

/**
 * An event an hour into its keynote: eight polls run and closed, one live, two prepared for later,
 * and attendees' questions waiting for approval. Made by a moderator over a socket, as the desk
 * would have done by hand.
 */
async function busyEvent(request: APIRequestContext, opts: { questions?: number } = {}): Promise<Busy> {
  const event = await createEventWith(request, {
    name: 'E2E Control room',
    agenda: [keynoteSession(), workshopSession()],
    settings: { verifyRoomMode: false },
  });
  const desk = await drive(request, event.code, { name: 'Desk Script', key: keyOf(event.links.moderator) });
  await desk.send('session:setLive', { sessionId: 'keynote' });
  const poll = (question: string) => ({ kind: 'single' as const, question, options: ['Yes', 'No'], settings: DEFAULT_POLL_SETTINGS });
  const closed: string[] = [];
  for (let i = 1; i <= 8; i++) {
    const question = unique(`Closed poll ${i}?`);
    const p = await desk.send('poll:create', { sessionId: 'keynote', draft: poll(question) });
    await desk.send('poll:launch', { pollId: p.id });
    await desk.send('poll:close', { pollId: p.id });
    closed.push(question);
  }
  const live = unique('The poll running now?');
  const lp = await desk.send('poll:create', { sessionId: 'keynote', draft: poll(live) });
  const drafts = [unique('Prepared poll A?'), unique('Prepared poll B?')];
  for (const q of drafts) await desk.send('poll:create', { sessionId: 'keynote', draft: poll(q) });
  await desk.send('poll:launch', { pollId: lp.id });

  const questions: string[] = [];
  for (let i = 1; i <= (opts.questions ?? 3); i++) {
    const asker = await drive(request, event.code, { name: unique(`Asker ${i}`), team: 'EMEA', mode: 'remote' });
    const text = unique(`What about question ${i}?`);
    await asker.send('question:submit', { text, anonymous: false });
    questions.push(text);
    asker.close();
  }
  return { event, desk, live, closed, drafts, questions };
}

async function pageHeight(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollHeight);
}

test('[UI14] [UI22] at laptop, tablet and phone sizes the moderator console opens on what is live: at most 3 screens tall, the live poll within the first', async ({ browser, request }) => {
  const busy = await busyEvent(request);
  const mod = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(mod.page, busy.event.links.moderator, 'moderator', 'Mo Moderator');
  for (const size of [LAPTOP, TABLET_LANDSCAPE, TABLET_PORTRAIT]) {
    await mod.page.setViewportSize(size);
    await mod.page.goto(`/e/${busy.event.code}/moderator`);
    await expect(mod.page.getByText(busy.live).first()).toBeVisible();
    expect(await pageHeight(mod.page), `page height at ${size.width}x${size.height}`).toBeLessThanOrEqual(3 * size.height);
    const live = mod.page.getByTestId('console-live-poll');
    await expect(live).toContainText(busy.live);
    const box = (await live.boundingBox())!;
    expect(box.y, `live poll top at ${size.width}x${size.height}`).toBeLessThan(size.height);
  }
  // A phone, in a pinch (issue 14 measured 18,000 px there): a real phone context (touch, mobile
  // viewport), held to the same three screens, the live poll within the first.
  const phone = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  await joinAsStaff(phone.page, busy.event.links.moderator, 'moderator', 'Mo on a phone');
  const onPhone = phone.page.getByTestId('console-live-poll');
  await expect(onPhone).toContainText(busy.live);
  expect(await pageHeight(phone.page), `page height at ${PHONE.width}x${PHONE.height}`).toBeLessThanOrEqual(3 * PHONE.height);
  expect((await onPhone.boundingBox())!.y, `live poll top at ${PHONE.width}x${PHONE.height}`).toBeLessThan(PHONE.height);
  await phone.page.screenshot({ path: test.info().outputPath('console-live-390x844.png'), fullPage: true });
  await phone.ctx.close();
  // [UI22] In the Polls section the eight closed polls' results are folded, the live one's open.
  await openSection(mod.page, 'polls');
  const folded = mod.page.getByTestId('closed-results');
  await expect(folded).toHaveCount(8);
  await expect(folded.first().locator(':scope > summary')).toHaveText('Results: 0 votes');
  await expect(folded.first().getByTestId('poll-results')).toBeHidden();
  await expect(mod.page.getByTestId('poll-row').filter({ hasText: busy.live }).getByTestId('poll-results')).toBeVisible();
  busy.desk.close();
  await mod.ctx.close();
});

test('[UI20] [UI21] the presenter view starts with what is live, then the prepared polls as Next; eight closed polls wait folded below', async ({ browser, request }) => {
  const busy = await busyEvent(request, { questions: 0 });
  const pres = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(pres.page, busy.event.links.presenter, 'presenter', 'Pat Presenter');
  const polls = pres.page.getByTestId('presenter-poll');
  for (const size of [LAPTOP, TABLET_PORTRAIT, PHONE]) {
    await pres.page.setViewportSize(size);
    const live = polls.filter({ hasText: busy.live });
    await expect(live).toHaveAttribute('data-state', 'live');
    const box = (await live.boundingBox())!;
    expect(box.y, `live poll top at ${size.width}x${size.height}`).toBeLessThan(size.height);
    await pres.page.screenshot({ path: test.info().outputPath(`presenter-${size.width}x${size.height}.png`), fullPage: true });
  }
  // Next: the prepared polls, in their order, the first one on N.
  const next = pres.page.getByTestId('presenter-polls').getByTestId('presenter-poll');
  await expect(next).toHaveCount(2);
  await expect(next.nth(0)).toContainText(busy.drafts[0]!);
  await expect(next.nth(1)).toContainText(busy.drafts[1]!);
  await expect(next.nth(0).getByRole('button', { name: `Launch “${busy.drafts[0]}”` })).toHaveAttribute('aria-keyshortcuts', 'N');
  // Earlier: folded, with its count; opening it shows the eight.
  const earlier = pres.page.getByTestId('presenter-earlier');
  const summary = earlier.locator(':scope > summary');
  await expect(summary).toHaveText('Earlier polls (8)');
  await expect(earlier.getByTestId('presenter-poll').first()).toBeHidden();
  await summary.click();
  await expect(earlier.getByTestId('presenter-poll')).toHaveCount(8);
  await expect(earlier.getByTestId('presenter-poll').first()).toBeVisible();
  await expectNoSeriousA11yViolations(pres.page);
  busy.desk.close();
  await pres.ctx.close();
});

test('[UI10] [UI11] every console section is reached by a click, by "g" and its letter, and by Alt and its number; each has its own address; "?" lists the keys; keys typed into a field are text', async ({ browser, request }) => {
  const busy = await busyEvent(request, { questions: 1 });
  const mod = await newScreen(browser, { viewport: LAPTOP });
  // The organiser's link (key in the fragment) opens a section's own address too.
  await joinAsStaff(mod.page, busy.event.links.moderator.replace('/moderator#', '/moderator/qa#'), 'moderator', 'Mo Moderator');
  const page = mod.page;
  await expect(page).toHaveURL(new RegExp(`/e/${busy.event.code}/moderator/qa$`));
  await expect(page.getByTestId('console-section-qa')).toBeVisible();
  await expect(page.getByTestId('console-nav-qa')).toHaveAttribute('aria-current', 'page');

  const keys: Record<string, string> = { live: 'l', polls: 'p', qa: 'q', people: 'o', engagement: 'e', quiz: 'z', breakouts: 'b', settings: 's' };
  for (const [i, s] of SECTIONS.entries()) {
    const url = new RegExp(`/e/${busy.event.code}/moderator${s.path}$`);
    await page.getByTestId('console-nav-live').click();
    await page.getByTestId(`console-nav-${s.id}`).click();
    await expect(page).toHaveURL(url);
    await expect(page.getByTestId(`console-section-${s.id}`)).toBeVisible();

    await page.getByTestId('console-nav-live').click();
    await page.keyboard.press('g');
    await page.keyboard.press(keys[s.id]!);
    await expect(page).toHaveURL(url);
    // Focus moves into the new section, so the next Tab starts there.
    if (s.id !== 'live') await expect(page.getByRole('heading', { level: 1, name: `Moderator console: ${s.label}` })).toBeFocused();

    await page.getByTestId('console-nav-live').click();
    await page.keyboard.press(`Alt+Digit${i + 1}`);
    await expect(page).toHaveURL(url);
  }
  // A reload stays in the section.
  await page.reload();
  await expect(page.getByTestId('console-section-settings')).toBeVisible();

  // "?" opens the list, Escape closes it.
  await page.keyboard.press('?');
  const help = page.getByTestId('shortcut-help');
  await expect(help).toBeVisible();
  await expect(help.getByRole('row', { name: /^Q&A/ })).toContainText('g then q, or Alt+3');
  await expectNoSeriousA11yViolations(page, '[data-testid="shortcut-help"]');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // Typing "g" and "q" into the announcement goes nowhere.
  await page.getByTestId('console-nav-live').click();
  const text = page.getByTestId('announcement-input');
  await text.pressSequentially('gq? go');
  await expect(text).toHaveValue('gq? go');
  await expect(page).toHaveURL(new RegExp(`/e/${busy.event.code}/moderator$`));
  await expect(help).toBeHidden();
  busy.desk.close();
  await mod.ctx.close();
});

test('[UI12] the Q&A badge counts the questions waiting for approval from every section, and follows a new one at once', async ({ browser, request }) => {
  const busy = await busyEvent(request, { questions: 2 });
  const mod = await newScreen(browser, { viewport: TABLET_LANDSCAPE });
  await joinAsStaff(mod.page, busy.event.links.moderator, 'moderator', 'Mo Moderator');
  const badge = mod.page.getByTestId('console-attention-qa');
  await expect(badge).toHaveText('2');
  await expect(mod.page.getByTestId('console-nav-qa')).toHaveAccessibleName('Q&A, 2 questions waiting for approval');

  // An attendee in their own browser asks while the moderator is in another section.
  await mod.page.getByTestId('console-nav-people').click();
  const asker = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  await joinAsAttendee(asker.page, busy.event.code, { name: unique('Ava Asker'), team: 'EMEA', mode: 'remote' });
  const form = asker.page.getByTestId('ask-form');
  await form.getByLabel('Your question').fill(unique('Will the slides be shared?'));
  await form.getByRole('button', { name: 'Send question' }).click();
  await expect(badge).toHaveText('3');

  // Approving one in the queue lowers it; with none left the badge goes away.
  await mod.page.getByTestId('console-nav-qa').click();
  for (const left of ['2', '1']) {
    await mod.page.getByTestId('mod-question').first().getByRole('button', { name: /^Approve/ }).click();
    await expect(badge).toHaveText(left);
  }
  await mod.page.getByTestId('mod-question').first().getByRole('button', { name: /^Approve/ }).click();
  await expect(badge).toHaveCount(0);
  await expect(mod.page.getByTestId('console-nav-qa')).toHaveAccessibleName('Q&A');
  busy.desk.close();
  await asker.ctx.close();
  await mod.ctx.close();
});

test('[UI13] the Live section shows the stage slot with Clear stage, the live poll, and the announcement with its lifetime and Clear announcement', async ({ browser, request }) => {
  const busy = await busyEvent(request, { questions: 0 });
  const mod = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(mod.page, busy.event.links.moderator, 'moderator', 'Mo Moderator');
  const attendee = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  await joinAsAttendee(attendee.page, busy.event.code, { name: unique('Ada Audience'), team: 'EMEA', mode: 'remote' });
  const page = mod.page;

  // Launching put the live poll on the stage.
  const slot = page.getByTestId('console-stage-slot');
  await expect(slot).toHaveAttribute('data-kind', 'poll');
  await expect(page.getByTestId('console-stage')).toContainText(busy.live);
  await expect(page.getByTestId('console-live-poll-question')).toHaveText(busy.live);
  await expect(page.getByTestId('presence-remote-count')).toHaveText('1');
  await page.getByTestId('console-clear-stage').click();
  await expect(slot).toHaveAttribute('data-kind', 'idle');
  await expect(page.getByTestId('console-clear-stage')).toBeDisabled();
  // The poll is still live, and can go back on the stage from here.
  await page.getByRole('button', { name: `Show “${busy.live}” on the stage` }).click();
  await expect(slot).toHaveAttribute('data-kind', 'poll');

  // An announcement for 30 seconds: on the attendee's screen, counted down here, cleared by hand.
  const card = page.getByTestId('announcement-form-card');
  await card.getByLabel('Text').fill('Coffee is served in the foyer');
  await card.getByLabel('Stays on screens').selectOption({ label: '30 seconds' });
  await card.getByRole('button', { name: 'Send announcement' }).click();
  await expect(attendee.page.getByTestId('announcement-text')).toHaveText('Coffee is served in the foyer');
  await expect(card.getByTestId('announcement-current')).toContainText('Coffee is served in the foyer');
  await expect(card.getByTestId('announcement-lifetime-left')).toHaveText(/^leaves screens in 0:[0-3]\d$/);
  await card.getByRole('button', { name: 'Clear announcement' }).click();
  await expect(card.getByTestId('announcement-none')).toBeVisible();
  await expect(attendee.page.getByTestId('announcement')).toHaveCount(0);
  busy.desk.close();
  await attendee.ctx.close();
  await mod.ctx.close();
});

test('[UI16] no serious accessibility violations in any console section', async ({ browser, request }) => {
  const busy = await busyEvent(request, { questions: 1 });
  const mod = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(mod.page, busy.event.links.moderator, 'moderator', 'Mo Moderator');
  for (const s of SECTIONS) {
    await mod.page.getByTestId(`console-nav-${s.id}`).click();
    await expect(mod.page.getByTestId(`console-section-${s.id}`)).toBeVisible();
    await expectNoSeriousA11yViolations(mod.page);
  }
  busy.desk.close();
  await mod.ctx.close();
});


test('[UI15] on a phone, a tablet and a laptop no console section is wider than the screen; on the phone the nav is one strip that scrolls sideways', async ({ browser, request }, info) => {
  const busy = await busyEvent(request);
  const mod = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  await joinAsStaff(mod.page, busy.event.links.moderator, 'moderator', 'Mo Moderator');
  const nav = mod.page.getByTestId('console-nav');
  for (const [name, size] of [['phone', PHONE], ['tablet-portrait', TABLET_PORTRAIT], ['tablet-landscape', TABLET_LANDSCAPE], ['laptop', LAPTOP]] as const) {
    await mod.page.setViewportSize(size);
    for (const s of SECTIONS) {
      await mod.page.goto(`/e/${busy.event.code}/moderator${s.path}`);
      await expect(mod.page.getByTestId(`console-section-${s.id}`)).toBeVisible();
      // Let late-arriving figures (engagement) lay out before measuring.
      await mod.page.waitForTimeout(300);
      const width = await mod.page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${s.label} at ${size.width}px`).toBeLessThanOrEqual(size.width);
      await mod.page.screenshot({ path: info.outputPath(`${name}-${s.id}.png`), fullPage: true });
    }
    if (size === PHONE) {
      // One row of links: the nav is no taller than one link and its border.
      const navBox = (await nav.boundingBox())!;
      const linkBox = (await mod.page.getByTestId('console-nav-live').boundingBox())!;
      expect(navBox.height).toBeLessThan(linkBox.height * 2);
    }
  }
  busy.desk.close();
  await mod.ctx.close();
});
