import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import type { Poll, PollDraft } from '@rally/shared';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { LAPTOP_1366, liveNow, openYouMenu, PHONE_390 } from './helpers/attendee';
import { createEvent, keynoteSession, workshopSession } from './helpers/event';
import { attendeePoll } from './helpers/polls';
import { expectLive, joinAsAttendee, newScreen, stageScreen, type Joiner } from './helpers/screens';
import { drive, keyOf, type Driver } from './helpers/drive';
import { unique } from './helpers/unique';

/**
 * The attendee's phone ([UI30]–[UI41]): the live activity first, identity in the "You" menu,
 * "Live now" from the stage slot, statuses that follow the state, honest wording, and a help link
 * on every screen but the projector. The control desk is scripted over the protocol (helpers/drive.ts)
 * so these tests hold whatever shape the staff screens take.
 */

test.describe.configure({ timeout: 90_000 });

const SETTINGS = { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null } as const;

async function setUp(request: APIRequestContext, settings: Record<string, unknown> = {}) {
  const created = await createEvent(request, { name: 'E2E Phone', agenda: [keynoteSession(), workshopSession()], settings });
  const mod = await drive(request, created.code, { name: 'Mo Moderator', key: keyOf(created.links.moderator) });
  return { ...created, mod };
}

async function phone(browser: Browser, code: string, who: Partial<Joiner> = {}, device: { viewport: { width: number; height: number }; isMobile?: boolean; hasTouch?: boolean } = PHONE_390): Promise<Page> {
  const { page } = await newScreen(browser, device);
  await joinAsAttendee(page, code, { name: unique('Pia Phone'), team: 'EMEA', mode: 'room', ...who });
  return page;
}

async function launch(mod: Driver, draft: PollDraft, sessionId: string | null = null): Promise<Poll> {
  const poll = await mod.send('poll:create', { sessionId, draft });
  return mod.send('poll:launch', { pollId: poll.id });
}

const single = (question: string): PollDraft => ({ kind: 'single', question, options: ['Yes', 'No'], settings: SETTINGS });

test('[UI30] [UI31] at 390x844, with an announcement and the join notice showing, the live poll starts above the fold; identity is in the "You" menu', async ({ browser, request }) => {
  const { code, mod, links } = await setUp(request);
  const stage = await stageScreen(browser, links.stage);
  const current = (await stage.page.getByTestId('stage-room-code').textContent())!.trim();
  const forged = current === '3333' ? '4444' : '3333';
  const name = unique('Nia Notice');
  // A forged room code: joined as remote, with the notice that says why.
  const page = await phone(browser, code, { name, mode: 'room', roomCode: forged });
  await expect(page.getByTestId('join-notice')).toBeVisible();
  await mod.send('announcement:send', { text: 'Coffee is served in the foyer until 10:30, see you back at 10:45.', audience: 'all' });
  await expect(page.getByTestId('announcement')).toBeVisible();

  const question = unique('Which region closes first?');
  await launch(mod, single(question));
  const poll = attendeePoll(page, question);
  await expect(poll).toBeVisible();
  const box = (await poll.boundingBox())!;
  expect(box.y, 'the poll card starts within the first screen').toBeLessThan(844);
  // Its first answer is on the first screen too: one tap, no scrolling.
  const first = (await poll.getByRole('button', { name: 'Yes', exact: true }).boundingBox())!;
  expect(first.y + first.height).toBeLessThanOrEqual(844);
  await page.screenshot({ path: test.info().outputPath('attendee-390x844-live-poll.png') });

  // [UI31] The identity is one tap away, not on the page.
  await expect(page.getByTestId('my-participant-id')).toBeHidden();
  const menu = await openYouMenu(page);
  await expect(menu.getByTestId('my-name')).toHaveText(name);
  await expect(menu.getByTestId('my-team')).toHaveText('EMEA');
  await expect(menu.getByTestId('my-mode')).toHaveAttribute('data-mode', 'remote');
  await expect(menu.getByTestId('my-participant-id')).toBeVisible();
  await expect(menu.getByRole('button', { name: 'I’m in the room' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('attendee-390x844-you-menu.png') });
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(page.getByRole('button', { name: 'You', exact: true })).toBeFocused();
  mod.close();
  await stage.ctx.close();
});

test('[UI32] [UI33] "Live now" renders the stage slot: the poll on stage, its results once closed, a question with upvote, an honest empty state; live polls off stage stay reachable', async ({ browser, request }) => {
  const { code, mod } = await setUp(request, { verifyRoomMode: false, moderation: 'post' });
  const page = await phone(browser, code);
  const live = liveNow(page);

  // Idle: says what is true, promises nothing that does not exist.
  await expect(live.getByTestId('activity-empty')).toHaveText('Nothing on stage right now. Polls, quizzes and questions appear here when the presenter puts them on stage.');
  await expect(live).not.toContainText(/breakout/i);

  // A launch puts the poll on stage: its voting card is "Live now".
  const first = unique('First poll');
  const firstPoll = await launch(mod, single(first));
  await expect(live.getByTestId('on-stage').getByTestId('attendee-poll')).toHaveAttribute('data-poll-id', firstPoll.id);

  // A second launch takes the stage; the first is still open, listed under "Also open", and takes votes.
  const second = unique('Second poll');
  const secondPoll = await launch(mod, single(second));
  await expect(live.getByTestId('on-stage').getByTestId('attendee-poll')).toHaveAttribute('data-poll-id', secondPoll.id);
  const also = live.getByTestId('also-open');
  await expect(also.getByRole('heading', { name: 'Also open' })).toBeVisible();
  await also.getByTestId('attendee-poll').getByRole('button', { name: 'No', exact: true }).click();
  await expect(also.getByTestId('my-vote')).toHaveText('No');

  // Closed while on stage, with results the audience may see: the results stay.
  await live.getByTestId('on-stage').getByRole('button', { name: 'Yes', exact: true }).click();
  await mod.send('poll:close', { pollId: secondPoll.id });
  const closed = live.getByTestId('on-stage').getByTestId('attendee-poll');
  await expect(closed).toHaveAttribute('data-state', 'closed');
  await expect(closed.getByTestId('results-total')).toHaveText('1');

  // A question on stage: the question, with its upvote.
  const text = unique('Will the roadmap be shared after the keynote?');
  const asker = await phone(browser, code, { name: unique('Ash Asker') });
  await asker.getByTestId('ask-form').getByLabel('Your question').fill(text);
  await asker.getByRole('button', { name: 'Send question' }).click();
  await expect(asker.getByTestId('ask-status')).toContainText('visible to everyone');
  const q = page.getByTestId('question').filter({ hasText: text }).first();
  const questionId = (await q.getAttribute('data-question-id'))!;
  await mod.send('stage:show', { slot: { kind: 'question', questionId } });
  const onStageQ = live.getByTestId('on-stage').getByTestId('on-stage-question');
  await expect(onStageQ).toContainText(text);
  await onStageQ.getByTestId('upvote').click();
  await expect(onStageQ.getByTestId('upvote')).toHaveAttribute('aria-pressed', 'true');
  await expect(onStageQ.getByTestId('vote-count')).toHaveText('1');

  // Cleared: back to the empty state; the poll still open stays reachable.
  await mod.send('stage:clear', {});
  await expect(live.getByTestId('activity-empty')).toBeVisible();
  await expect(also.getByTestId('attendee-poll')).toHaveAttribute('data-poll-id', firstPoll.id);
  await page.screenshot({ path: test.info().outputPath('attendee-390x844-idle-also-open.png'), fullPage: true });
  mod.close();
  await page.context().close();
  await asker.context().close();
});

test('[UI34] a change of live session empties "Live now": an old closed poll is not shown as live', async ({ browser, request }) => {
  const { code, mod } = await setUp(request, { verifyRoomMode: false });
  await mod.send('session:setLive', { sessionId: 'keynote' });
  const page = await phone(browser, code);
  const question = unique('Keynote poll');
  const poll = await launch(mod, single(question), 'keynote');
  await mod.send('poll:close', { pollId: poll.id });
  await expect(liveNow(page).getByTestId('attendee-poll')).toHaveAttribute('data-state', 'closed');

  await mod.send('session:setLive', { sessionId: 'workshop' });
  await expect(liveNow(page).getByTestId('activity-empty')).toBeVisible();
  await expect(liveNow(page).getByTestId('attendee-poll')).toHaveCount(0);
  mod.close();
  await page.context().close();
});

test('[UI35] a question asked under pre-moderation: the status follows it from waiting to approved to answered, without a reload', async ({ browser, request }) => {
  const { code, mod } = await setUp(request, { verifyRoomMode: false, moderation: 'pre' });
  const page = await phone(browser, code);
  const text = unique('How do we price the new tier?');
  await page.getByTestId('ask-form').getByLabel('Your question').fill(text);
  await page.getByRole('button', { name: 'Send question' }).click();
  const status = page.getByTestId('ask-status');
  await expect(status).toContainText('waiting for approval');
  const mine = page.getByTestId('question').filter({ hasText: text }).first();
  const questionId = (await mine.getAttribute('data-question-id'))!;

  await mod.send('question:approve', { questionId });
  await expect(status).toContainText('approved');
  await expect(status).not.toContainText('waiting');
  await mod.send('question:markAnswered', { questionId });
  await expect(status).toContainText('answered');
  mod.close();
  await page.context().close();
});

test('[UI36] the survey’s "needs an answer" goes away as soon as that question is answered', async ({ browser, request }) => {
  const { code, mod } = await setUp(request, { verifyRoomMode: false });
  await mod.send('survey:define', {
    survey: {
      title: 'Day one',
      anonymous: true,
      questions: [
        { kind: 'rating', prompt: 'How would you rate today?', required: true },
        { kind: 'text', prompt: 'What should we change?', required: true },
      ],
    },
  });
  await mod.send('survey:open', {});
  const page = await phone(browser, code);
  const form = page.getByTestId('attendee-survey');
  await form.getByRole('button', { name: 'Send my answers' }).click();
  await expect(form.getByText('This question needs an answer.')).toHaveCount(2);
  await form.getByRole('group', { name: /rate today/ }).getByRole('radio', { name: '4' }).check();
  await expect(form.getByText('This question needs an answer.')).toHaveCount(1);
  await form.getByLabel(/should we change/).fill('More breaks');
  await expect(form.getByText('This question needs an answer.')).toHaveCount(0);
  await expect(form.getByRole('alert')).toHaveCount(0);
  await form.getByRole('button', { name: 'Send my answers' }).click();
  await expect(form.getByTestId('survey-receipt')).toContainText('Your answers are saved');
  mod.close();
  await page.context().close();
});

test('[UI37] each kind of poll confirms in its own words: an open-text answer is "Answer sent", never "Vote received"', async ({ browser, request }) => {
  const { code, mod } = await setUp(request, { verifyRoomMode: false });
  const page = await phone(browser, code);
  const kinds: { draft: PollDraft; act: (p: ReturnType<typeof attendeePoll>) => Promise<void>; says: string }[] = [
    { draft: single(unique('Single')), act: (p) => p.getByRole('button', { name: 'Yes', exact: true }).click(), says: 'Vote received' },
    {
      draft: { kind: 'multiple', question: unique('Multiple'), options: ['A', 'B', 'C'], maxPicks: 2, settings: SETTINGS },
      act: async (p) => {
        await p.getByLabel('A').check();
        await p.getByRole('button', { name: /^Submit/ }).click();
      },
      says: 'Vote received',
    },
    { draft: { kind: 'rating', question: unique('Rating'), scale: 5, settings: SETTINGS }, act: (p) => p.getByRole('button', { name: '4 out of 5' }).click(), says: 'Rating received' },
    { draft: { kind: 'nps', question: unique('NPS'), settings: SETTINGS }, act: (p) => p.getByRole('button', { name: '9 out of 10' }).click(), says: 'Score received' },
    {
      draft: { kind: 'wordcloud', question: unique('Word cloud'), settings: SETTINGS },
      act: async (p) => {
        await p.getByLabel('Your word or short phrase').fill('pipeline');
        await p.getByRole('button', { name: 'Send' }).click();
      },
      says: 'Word sent',
    },
    {
      draft: { kind: 'open', question: unique('Open text'), settings: SETTINGS },
      act: async (p) => {
        await p.getByLabel('Your answer').fill('More customer stories');
        await p.getByRole('button', { name: 'Send' }).click();
      },
      says: 'Answer sent',
    },
  ];
  for (const k of kinds) {
    await launch(mod, k.draft);
    const poll = attendeePoll(page, k.draft.question);
    await k.act(poll);
    await expect(poll.getByTestId('vote-receipt')).toContainText(k.says);
    if (k.says !== 'Vote received') await expect(poll.getByTestId('vote-receipt')).not.toContainText('Vote received');
  }
  mod.close();
  await page.context().close();
});

test('[UI38] [UI39] [UI40] a Help link on every screen but the projector leads to a short guide for that role; guides and the attendee page pass axe', async ({ browser, request }) => {
  const { code, links, mod } = await setUp(request, { verifyRoomMode: false });
  mod.close();
  const { page } = await newScreen(browser, PHONE_390);
  const help = () => page.getByRole('banner').getByRole('link', { name: 'Help' });

  // Before joining: the home page and the join form.
  await page.goto('/');
  await expect(help()).toHaveAttribute('href', /^\/help\/attendee/);
  await page.goto(`/j/${code}`);
  await expect(help()).toHaveAttribute('href', /^\/help\/attendee/);

  // The attendee page: the guide loads, and leads back to the event.
  await joinAsAttendee(page, code, { name: unique('Hal Help'), team: 'EMEA', mode: 'room' });
  await expectNoSeriousA11yViolations(page);
  await help().click();
  await expect(page).toHaveURL(/\/help\/attendee/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/attendee/i);
  // Breakout rooms exist: the guides of those who use them say how ([BRK71]–[BRK79]).
  await expect(page.locator('main')).toContainText(/breakout rooms/i);
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: test.info().outputPath('help-attendee-390x844.png'), fullPage: true });
  await page.getByRole('link', { name: 'Back to the event' }).click();
  await expect(page).toHaveURL(new RegExp(`/e/${code}$`));
  await expectLive(page);

  // Staff screens (the key join form, then the screens themselves) and the organiser page.
  const laptop = (await newScreen(browser, LAPTOP_1366)).page;
  for (const role of ['presenter', 'moderator'] as const) {
    await laptop.goto(links[role]);
    const link = laptop.getByRole('banner').getByRole('link', { name: 'Help' });
    await expect(link).toHaveAttribute('href', new RegExp(`^/help/${role}`));
    await laptop.getByLabel('Your name').fill(`Sam ${role}`);
    await laptop.getByRole('button', { name: `Join as ${role}` }).click();
    await expectLive(laptop);
    await expect(link).toHaveAttribute('href', new RegExp(`^/help/${role}`));
    await link.click();
    await expect(laptop.getByRole('heading', { level: 1 })).toHaveText(new RegExp(role, 'i'));
    if (role === 'moderator') await expect(laptop.locator('main')).toContainText(/breakout rooms/i);
    else await expect(laptop.locator('main')).not.toContainText(/breakout/i);
    await expectNoSeriousA11yViolations(laptop);
    await laptop.screenshot({ path: test.info().outputPath(`help-${role}-1366x768.png`), fullPage: true });
  }
  await laptop.goto('/organiser');
  await laptop.getByRole('banner').getByRole('link', { name: 'Help' }).click();
  await expect(laptop.getByRole('heading', { level: 1 })).toHaveText(/organiser/i);
  await expectNoSeriousA11yViolations(laptop);

  // The projector has no header and no help link.
  await laptop.goto(links.stage);
  await expectLive(laptop);
  await expect(laptop.getByRole('link', { name: 'Help' })).toHaveCount(0);
  await page.context().close();
  await laptop.context().close();
});

test('[UI41] on a laptop (1366x768) as on a phone, a remote attendee sees the live poll on the first screen', async ({ browser, request }) => {
  const { code, mod } = await setUp(request, { verifyRoomMode: false });
  await mod.send('session:setLive', { sessionId: 'keynote' });
  const question = unique('What will you try first this quarter?');
  await launch(mod, { kind: 'open', question, settings: SETTINGS }, 'keynote');
  for (const [device, label] of [
    [PHONE_390, '390x844'],
    [LAPTOP_1366, '1366x768'],
  ] as const) {
    const page = await phone(browser, code, { mode: 'remote' }, device);
    await expect(attendeePoll(page, question)).toBeVisible();
    expect((await attendeePoll(page, question).boundingBox())!.y).toBeLessThan(device.viewport.height);
    await page.screenshot({ path: test.info().outputPath(`attendee-${label}.png`) });
    await page.screenshot({ path: test.info().outputPath(`attendee-${label}-full.png`), fullPage: true });
    await page.context().close();
  }
  mod.close();
});
