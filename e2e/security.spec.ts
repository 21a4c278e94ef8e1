import { expect, test, type Browser, type BrowserContextOptions } from '@playwright/test';
import { DEFAULT_POLL_SETTINGS } from '@rally/shared';
import { createEvent, keynoteSession, workshopSession } from './helpers/event';
import { drive, keyOf, type Driver } from './helpers/drive';
import { LAPTOP, PHONE, PROJECTOR } from './helpers/devices';
import { expectLive, joinAsAttendee, joinAsStaff } from './helpers/screens';
import { expectNothingRan, hostile, watch, type Watched } from './helpers/hostile';
import type { Page, BrowserContext } from '@playwright/test';
import { ADMIN_TOKEN } from './env';

/**
 * [SEC40] [SEC41] [SEC42] Script-bearing text typed into every field people fill in (names, questions,
 * chat, polls, announcements, quizzes, breakout rooms, their chat and takeaways) is shown as text on
 * the attendee, moderator, presenter and stage pages: nothing runs, and helmet's Content Security
 * Policy is never violated on any page.
 */

test.describe.configure({ timeout: 150_000 });

interface Watching {
  ctx: BrowserContext;
  page: Page;
  w: Watched;
}
const opened: Watching[] = [];
const drivers: Driver[] = [];
test.afterEach(async () => {
  for (const d of drivers.splice(0)) d.close();
  for (const o of opened.splice(0)) await o.ctx.close();
});

async function watched(browser: Browser, device: BrowserContextOptions): Promise<Watching> {
  const ctx = await browser.newContext(device);
  const page = await ctx.newPage();
  const w = await watch(page);
  const o = { ctx, page, w };
  opened.push(o);
  return o;
}

const SETTINGS = { ...DEFAULT_POLL_SETTINGS, anonymous: false };

test('[SEC40] [SEC41] script-bearing names, questions, chat, polls, announcements and quizzes render as text on every page; nothing runs, no CSP violation', async ({ browser, request }) => {
  const ev = await createEvent(request, { name: 'Hostile SKO', agenda: [keynoteSession(), workshopSession()], settings: { verifyRoomMode: false, moderation: 'post' } });
  const desk = await drive(request, ev.code, { name: hostile('Desk', 'img'), key: keyOf(ev.links.moderator) });
  const asker = await drive(request, ev.code, { name: hostile('Asker', 'svg'), mode: 'remote', team: 'EMEA' });
  drivers.push(desk, asker);
  await desk.send('session:setLive', { sessionId: 'keynote' });

  const question = hostile('Question', 'script');
  const chat = hostile('Chat', 'style');
  const pollQ = hostile('Poll', 'img');
  const option = hostile('Opt', 'svg');
  const announcement = hostile('Notice', 'link');
  const q = await asker.send('question:submit', { text: question, anonymous: false });
  await asker.send('chat:send', { text: chat });
  const poll = await desk.send('poll:create', { sessionId: 'keynote', draft: { kind: 'single', question: pollQ, options: [option, 'Plain'], settings: SETTINGS } });
  await desk.send('poll:launch', { pollId: poll.id });
  await desk.send('announcement:send', { text: announcement, audience: 'all' });
  const quizTitle = hostile('Quiz', 'img');
  const quizQ = hostile('QuizQ', 'svg');
  const quiz = await desk.send('quiz:create', { sessionId: 'keynote', draft: { title: quizTitle, questions: [{ kind: 'choice', text: quizQ, timeLimitSec: 20, options: [hostile('A', 'img'), 'B'], correct: [0] }] } });

  // The attendee, on a phone, joining under a hostile name.
  const att = await watched(browser, PHONE);
  await joinAsAttendee(att.page, ev.code, { name: hostile('Me', 'img'), team: 'EMEA', mode: 'remote' });
  await expect(att.page.getByText(pollQ).first()).toBeVisible();
  await expect(att.page.getByText(option).first()).toBeVisible();
  await expect(att.page.getByText(announcement).first()).toBeVisible();
  await expect(att.page.getByTestId('chat-list').getByText(chat)).toBeVisible();
  await expectNothingRan(att.page, att.w, 'attendee');

  // The stage screen: the question, then the poll.
  const stage = await watched(browser, PROJECTOR);
  await stage.page.goto(ev.links.stage);
  await expectLive(stage.page);
  await desk.send('stage:show', { slot: { kind: 'question', questionId: q.id } });
  await expect(stage.page.getByTestId('stage-question-text')).toHaveText(question);
  await desk.send('stage:show', { slot: { kind: 'poll', pollId: poll.id } });
  await expect(stage.page.getByText(pollQ).first()).toBeVisible();
  await expectNothingRan(stage.page, stage.w, 'stage');

  // The presenter view.
  const pres = await watched(browser, LAPTOP);
  await joinAsStaff(pres.page, ev.links.presenter, 'presenter', hostile('Pres', 'svg'));
  await expect(pres.page.getByText(question).first()).toBeVisible();
  await expect(pres.page.getByTestId('chat-list').getByText(chat)).toBeVisible();
  await expectNothingRan(pres.page, pres.w, 'presenter');

  // The moderator console, every section.
  const mod = await watched(browser, LAPTOP);
  await joinAsStaff(mod.page, ev.links.moderator, 'moderator', hostile('Mod', 'script'));
  const expectations: Record<string, string[]> = {
    '': [pollQ],
    '/polls': [pollQ],
    '/qa': [question],
    '/people': [hostile('Asker', 'svg'), chat],
    '/engagement': [],
    '/quiz': [quizTitle],
    '/settings': [],
  };
  const base = mod.page.url().replace(/\/moderator.*$/, '/moderator');
  for (const [path, texts] of Object.entries(expectations)) {
    await mod.page.goto(base + path);
    await expectLive(mod.page);
    if (path === '/qa') await mod.page.getByRole('tab', { name: /^Approved/ }).click();
    for (const t of texts) await expect(mod.page.getByText(t).first(), `moderator ${path || '/'}`).toBeVisible();
    await expectNothingRan(mod.page, mod.w, `moderator ${path || '/'}`);
  }
  // A quiz run with a hostile question, on the attendee's phone and the projector.
  const { runId } = await desk.send('quiz:open', { quizId: quiz.id });
  await desk.send('quiz:control', { runId, action: 'start' });
  for (const o of [att, stage]) await expect(o.page.getByText(quizQ).first()).toBeVisible({ timeout: 15_000 });

  // The earlier pages stayed open while everything arrived: still nothing ran there.
  for (const o of [att, stage, pres]) await expectNothingRan(o.page, o.w, 'at the end');
});

test('[SEC40] [SEC41] a round with script-bearing room names, room chat and takeaways runs nothing on the attendee, desk and stage pages', async ({ browser, request }) => {
  const ev = await createEvent(request, { name: 'Hostile rooms', agenda: [keynoteSession(), workshopSession()], settings: { verifyRoomMode: false } });
  const desk = await drive(request, ev.code, { name: 'Desk', key: keyOf(ev.links.moderator) });
  const mate = await drive(request, ev.code, { name: hostile('Mate', 'img'), mode: 'remote', team: 'EMEA' });
  drivers.push(desk, mate);

  const att = await watched(browser, LAPTOP);
  await joinAsAttendee(att.page, ev.code, { name: hostile('Me', 'svg'), team: 'EMEA', mode: 'remote' });

  const roomName = hostile('Room', 'img');
  const round = await desk.send('breakout:create', {
    sessionId: null,
    draft: {
      title: hostile('Round', 'svg'),
      durationSec: 900,
      audience: 'remote',
      strategy: { kind: 'random' },
      format: { kind: 'open' },
      rooms: [{ id: 'room_a', name: roomName, topic: hostile('Topic', 'script'), capacity: 10, facilitatorId: null }],
    },
  });
  const placed = mate.waitFor('breakout:assigned');
  await desk.send('breakout:open', { roundId: round.id });
  await placed;
  const chat = hostile('RoomChat', 'style');
  const takeaway = hostile('Takeaway', 'img');
  await mate.send('breakout:chat', { roundId: round.id, text: chat });
  await mate.send('breakout:takeaway', { roundId: round.id, text: takeaway });

  // The room view, the console's Breakouts section and the stage show the hostile texts as text.
  await att.page.reload();
  await expectLive(att.page);
  for (const t of [roomName, chat, takeaway]) await expect(att.page.getByText(t).first(), 'attendee room view').toBeVisible();
  await expectNothingRan(att.page, att.w, 'attendee in a breakout room');

  const mod = await watched(browser, LAPTOP);
  await joinAsStaff(mod.page, ev.links.moderator, 'moderator', 'Mo');
  await mod.page.goto(mod.page.url().replace(/\/moderator.*$/, '/moderator/breakouts'));
  await expectLive(mod.page);
  for (const t of [roomName, takeaway]) await expect(mod.page.getByText(t).first(), 'moderator breakouts').toBeVisible();
  await expectNothingRan(mod.page, mod.w, 'moderator during the round');

  const stage = await watched(browser, PROJECTOR);
  await stage.page.goto(ev.links.stage);
  await expectLive(stage.page);
  await desk.send('stage:show', { slot: { kind: 'takeaway', roundId: round.id, roomId: 'room_a' } });
  await expect(stage.page.getByText(takeaway).first(), 'stage takeaway').toBeVisible();
  await expectNothingRan(stage.page, stage.w, 'stage showing a takeaway');
});

test('[SEC40] [SEC41] script-bearing open-text and word-cloud answers, survey texts, event and session titles and team names render as text on the attendee, moderator, presenter, stage and organiser pages', async ({ browser, request }) => {
  const eventName = hostile('Kickoff', 'script');
  const team = hostile('T', 'svg');
  const keynoteTitle = hostile('Keynote', 'img');
  const workshopTitle = hostile('Workshop', 'style');
  const ev = await createEvent(request, {
    name: eventName,
    teams: ['EMEA', team],
    agenda: [{ ...keynoteSession(), title: keynoteTitle }, { ...workshopSession(), title: workshopTitle }],
    settings: { verifyRoomMode: false, moderation: 'post' },
  });
  // The unique suffix createEvent adds goes after the payload.
  const name = ev.event.name;
  const desk = await drive(request, ev.code, { name: 'Desk', key: keyOf(ev.links.moderator) });
  const asker = await drive(request, ev.code, { name: 'Asker', mode: 'remote', team });
  drivers.push(desk, asker);
  await desk.send('session:setLive', { sessionId: 'keynote' });

  // A word cloud and an open-text poll, answered with payloads (the cloud lower-cases its words).
  const word = hostile('W', 'dialog').toLowerCase();
  const openAnswer = hostile('Answer', 'img');
  const cloud = await desk.send('poll:create', { sessionId: 'keynote', draft: { kind: 'wordcloud', question: 'One word for the year?', settings: SETTINGS } });
  await desk.send('poll:launch', { pollId: cloud.id });
  await asker.send('poll:vote', { pollId: cloud.id, vote: { kind: 'wordcloud', text: word } });
  const open = await desk.send('poll:create', { sessionId: 'keynote', draft: { kind: 'open', question: 'What should we change?', settings: SETTINGS } });
  const submitted = desk.waitFor<{ id: string }>('poll:answerSubmitted');
  await desk.send('poll:launch', { pollId: open.id });
  await asker.send('poll:vote', { pollId: open.id, vote: { kind: 'open', text: openAnswer } });
  await desk.send('poll:moderateAnswer', { pollId: open.id, answerId: (await submitted).id, approved: true });

  // The end-of-day survey: a hostile title, prompt and answer.
  const surveyTitle = hostile('Survey', 'svg');
  const prompt = hostile('Prompt', 'img');
  const said = hostile('Said', 'script');
  await desk.send('survey:define', { survey: { title: surveyTitle, anonymous: false, questions: [{ kind: 'text', prompt, required: true }] } });
  await desk.send('survey:open', {});
  await asker.send('survey:submit', { answers: [{ questionId: 's1', value: said }] });

  // The attendee, on a phone, in the hostile team: the event name, the open poll, the survey.
  const att = await watched(browser, PHONE);
  await joinAsAttendee(att.page, ev.code, { name: 'Me', team, mode: 'remote' });
  for (const t of [name, surveyTitle, prompt, openAnswer]) await expect(att.page.getByText(t).first(), `attendee: ${t}`).toBeVisible();
  await expectNothingRan(att.page, att.w, 'attendee');

  // The stage screen: idle with the agenda's now and next, then the cloud, then the wall.
  const stage = await watched(browser, PROJECTOR);
  await stage.page.goto(ev.links.stage);
  await expectLive(stage.page);
  await desk.send('stage:clear', {});
  for (const t of [name, keynoteTitle, workshopTitle]) await expect(stage.page.getByText(t).first(), `stage idle: ${t}`).toBeVisible();
  await desk.send('stage:show', { slot: { kind: 'poll', pollId: cloud.id } });
  await expect(stage.page.getByText(word).first(), 'stage word cloud').toBeVisible();
  await desk.send('stage:show', { slot: { kind: 'poll', pollId: open.id } });
  await expect(stage.page.getByText(openAnswer).first(), 'stage wall').toBeVisible();
  await expectNothingRan(stage.page, stage.w, 'stage');

  // The presenter view: the session title and the answers.
  const pres = await watched(browser, LAPTOP);
  await joinAsStaff(pres.page, ev.links.presenter, 'presenter', 'Pat');
  for (const t of [keynoteTitle, openAnswer]) await expect(pres.page.getByText(t).first(), `presenter: ${t}`).toBeVisible();
  await expectNothingRan(pres.page, pres.w, 'presenter');

  // The moderator console: agenda titles, the cloud and the answers, the team, the survey's texts.
  const mod = await watched(browser, LAPTOP);
  await joinAsStaff(mod.page, ev.links.moderator, 'moderator', 'Mo');
  const expectations: Record<string, string[]> = {
    '': [name, keynoteTitle, workshopTitle],
    '/polls': [word, openAnswer],
    '/people': [team],
    '/engagement': [surveyTitle, prompt, said],
    '/settings': [name],
  };
  const base = mod.page.url().replace(/\/moderator.*$/, '/moderator');
  for (const [path, texts] of Object.entries(expectations)) {
    await mod.page.goto(base + path);
    await expectLive(mod.page);
    for (const t of texts) await expect(mod.page.getByText(t).first(), `moderator ${path || '/'}: ${t}`).toBeVisible();
    await expectNothingRan(mod.page, mod.w, `moderator ${path || '/'}`);
  }

  // The organiser page: the event's card, opened, with its name and teams.
  const org = await watched(browser, LAPTOP);
  await org.page.goto('/organiser');
  await org.page.getByTestId('admin-token').fill(ADMIN_TOKEN);
  await org.page.getByTestId('admin-token-save').click();
  const card = org.page.locator(`[data-testid="event-card"][data-event-id="${ev.event.id}"]`);
  await expect(card.locator('summary')).toContainText(name);
  await card.locator('summary').click();
  await expect(card.getByText(`Teams: EMEA, ${team}`)).toBeVisible();
  await expectNothingRan(org.page, org.w, 'organiser');

  for (const o of [att, stage, pres]) await expectNothingRan(o.page, o.w, 'at the end');
});

test('[SEC42] every page loads without a Content Security Policy violation', async ({ browser, request }) => {
  const ev = await createEvent(request, { name: 'CSP SKO', agenda: [keynoteSession(), workshopSession()], settings: { verifyRoomMode: false } });
  const o = await watched(browser, LAPTOP);
  for (const path of ['/', `/j/${ev.code}`, '/organiser', '/help/attendee', '/help/moderator', '/nowhere']) {
    await o.page.goto(path);
    await o.page.waitForLoadState('networkidle');
    await expectNothingRan(o.page, o.w, path);
  }
});
