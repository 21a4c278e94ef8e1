import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEFAULT_POLL_SETTINGS, type CreateEventResponse } from '@rally/shared';
import { createEvent as createEventWith, keynoteSession, workshopSession } from './helpers/event';
import { joinAsStaff, newScreen } from './helpers/screens';
import { socketPerson, type SocketPerson } from './helpers/sockets';
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

interface Busy {
  event: CreateEventResponse;
  desk: SocketPerson;
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
  const desk = await socketPerson(request, { code: event.code, name: 'Desk Script', link: event.links.moderator });
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
    const asker = await socketPerson(request, { code: event.code, name: unique(`Asker ${i}`), team: 'EMEA' });
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

test('[UI14] at laptop and tablet sizes the moderator console opens on what is live: at most 3 screens tall, the live poll within the first', async ({ browser, request }) => {
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
  busy.desk.close();
  await mod.ctx.close();
});

test('[UI20] [UI21] the presenter view starts with what is live, then the prepared polls as Next; eight closed polls wait folded below', async ({ browser, request }) => {
  const busy = await busyEvent(request, { questions: 0 });
  const pres = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(pres.page, busy.event.links.presenter, 'presenter', 'Pat Presenter');
  for (const size of [LAPTOP, TABLET_PORTRAIT, PHONE]) {
    await pres.page.setViewportSize(size);
    const live = pres.page.getByTestId('presenter-poll').filter({ hasText: busy.live });
    await expect(live).toHaveAttribute('data-state', 'live');
    const box = (await live.boundingBox())!;
    expect(box.y, `live poll top at ${size.width}x${size.height}`).toBeLessThan(size.height);
  }
  busy.desk.close();
  await pres.ctx.close();
});
