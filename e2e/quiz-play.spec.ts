import { expect, test, type Page } from '@playwright/test';
import type { QuizRunPhase, StoredQuiz } from '@rally/shared';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { drive, keyOf, type Driver } from './helpers/drive';
import { createEvent, keynoteSession, workshopSession } from './helpers/event';
import { joinAsAttendee, joinAsStaff, newScreen, expectLive } from './helpers/screens';

/*
 * [UI51]–[UI69] A quiz played end to end over the real server: the presenter runs a three-question
 * quiz (choice, type answer, ordering) in room-vs-remote mode with two players in the room and two
 * remote (a phone and a laptop in browsers, one of each as scripted sockets). The phone reloads in
 * the middle and keeps its answer, score and streak; the stage screen ends on the podium with the
 * room against remote. axe on the phone's answer screen and on the stage's quiz; screenshots at
 * phone, laptop and projector sizes.
 */

test.describe.configure({ timeout: 180_000 });

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const PROJECTOR = { width: 1920, height: 1080 };

const ORDER = ['Discovery call', 'Demo', 'Proposal', 'Signature'];

const QUIZ = {
  title: 'Kickoff quiz',
  settings: { questionOnDevices: true, teamMode: 'room-vs-remote', teamTalkSec: 0 },
  questions: [
    { kind: 'choice', text: 'Which plan includes SSO?', options: ['Starter', 'Business', 'Enterprise'], correct: [2], timeLimitSec: 60, explanation: 'SSO ships with Enterprise only.' },
    { kind: 'type', text: 'What is the name of our event app?', accepted: ['Rally'], timeLimitSec: 60, points: 2 },
    { kind: 'ordering', text: 'Put the sales steps in order', items: ORDER, timeLimitSec: 60 },
  ],
};

/** Waits for the audience phase `phase` of the run (of question `index` when given). */
function phaseOf(d: Driver, phase: string, index?: number): Promise<QuizRunPhase> {
  return d.waitFor<QuizRunPhase>('quiz:phaseChanged', (p) => p.phase.phase === phase && (index === undefined || ('questionIndex' in p.phase && p.phase.questionIndex === index)), 30_000);
}

async function control(presenter: Page, action: 'start' | 'next' | 'lockNow') {
  await presenter.getByTestId(`quiz-control-${action}`).click();
}

/** Reorders the phone's ordering list into `target` with the up buttons, as a keyboard user would. */
async function orderOnPhone(page: Page, target: string[]) {
  const items = page.getByTestId('player-quiz-order-item');
  for (let i = 0; i < target.length; i++) {
    const labels = await items.locator('.quiz-order-label').allTextContents();
    let at = labels.indexOf(target[i]!);
    while (at > i) {
      const up = page.getByRole('button', { name: `Move “${target[i]}” up` });
      await up.focus();
      await page.keyboard.press('Enter');
      at--;
    }
  }
  await expect(items.locator('.quiz-order-label')).toHaveText(target);
}

test('[UI51] [UI53] [UI54] [UI55] [UI56] [UI58] [UI59] [UI61] [UI62] [UI64] [UI65] [UI66] [UI67] [UI68] [UI69] a presenter runs a three-question quiz for the room and remote; a phone reloads and keeps its score; the stage ends on the podium', async ({ browser, request }, info) => {
  const ev = await createEvent(request, { name: 'Quiz night', settings: { verifyRoomMode: false }, agenda: [keynoteSession(), workshopSession()] });
  const mod = await drive(request, ev.code, { name: 'Mo Moderator', key: keyOf(ev.links.moderator) });
  const quiz = await mod.send('quiz:create', { sessionId: 'keynote', draft: QUIZ });
  expect((quiz as StoredQuiz).questions).toHaveLength(3);

  const stage = await newScreen(browser, { viewport: PROJECTOR });
  await stage.page.goto(ev.links.stage);
  await expectLive(stage.page);
  const presenter = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(presenter.page, ev.links.presenter, 'presenter', 'Pat Presenter');
  const phone = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  await joinAsAttendee(phone.page, ev.code, { name: 'Ana Room', team: 'EMEA', mode: 'room' });
  const laptop = await newScreen(browser, { viewport: LAPTOP });
  await joinAsAttendee(laptop.page, ev.code, { name: 'Cleo Remote', team: 'APAC', mode: 'remote' });
  const ben = await drive(request, ev.code, { name: 'Ben Room', team: 'EMEA', mode: 'room' });
  const dev = await drive(request, ev.code, { name: 'Dev Remote', team: 'APAC', mode: 'remote' });

  // [UI64] The presenter runs the session's quiz; the stage shows the lobby beside the QR code.
  const p = presenter.page;
  const lobby = phaseOf(ben, 'lobby');
  await p.getByRole('button', { name: 'Run quiz “Kickoff quiz”' }).click();
  const { runId } = await lobby;
  await expect(p.getByTestId('staff-quiz')).toHaveAttribute('data-phase', 'lobby');
  await expect(p.getByTestId('quiz-keys')).toContainText('Page Down');
  const s = stage.page;
  await expect(s.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'lobby');
  await expect(s.getByTestId('stage-quiz-title')).toHaveText('Kickoff quiz');
  await expect(s.getByTestId('stage-quiz-joined')).toContainText('2 in the room');
  await expect(s.getByTestId('stage-quiz-joined')).toContainText('2 remote');
  await expect(s.getByTestId('stage-qr')).toBeVisible();
  await expect(phone.page.getByTestId('player-quiz')).toHaveAttribute('data-phase', 'lobby');
  await s.screenshot({ path: info.outputPath('projector-lobby.png') });

  // Question 1 (choice). [UI65] Started with the keyboard: the presenter's "→".
  const q1 = phaseOf(ben, 'answering', 0);
  await p.keyboard.press('ArrowRight');
  const open1 = await q1;
  const q1Id = 'question' in open1.phase ? open1.phase.question.id : '';
  await expect(s.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'answering');
  await expect(s.getByTestId('quiz-option')).toHaveCount(3);
  await expect(s.getByTestId('quiz-timer')).toBeVisible();
  // [UI58] Buttons carry a shape and the text; axe on the answer screen.
  const buttons = phone.page.getByTestId('player-quiz-option');
  await expect(buttons).toHaveCount(3);
  await expect(buttons.nth(2)).toHaveAccessibleName('Circle: Enterprise');
  await expectNoSeriousA11yViolations(phone.page);
  await phone.page.screenshot({ path: info.outputPath('phone-answering.png'), fullPage: true });
  await laptop.page.screenshot({ path: info.outputPath('laptop-attendee-answering.png') });
  await s.screenshot({ path: info.outputPath('projector-answering.png') });
  await expectNoSeriousA11yViolations(s, '[data-testid="stage-screen"]');
  // [UI66] The presenter sees the answer key while answers come in.
  await expect(p.getByTestId('staff-quiz-answer')).toContainText('Enterprise');
  await p.screenshot({ path: info.outputPath('laptop-presenter-answering.png'), fullPage: true });

  // Keyboard: focus the third button and press Enter.
  await buttons.nth(2).focus();
  await phone.page.keyboard.press('Enter');
  await expect(phone.page.getByTestId('player-quiz-locked-in')).toHaveText('Answer locked in — wait for the reveal');
  await laptop.page.getByTestId('player-quiz-option').filter({ hasText: 'Starter' }).click();
  await ben.send('quiz:answer', { runId, questionId: q1Id, answer: { kind: 'choice', picks: [2] }, displayedForMs: 1500 });
  const locked1 = phaseOf(ben, 'locked', 0);
  await dev.send('quiz:answer', { runId, questionId: q1Id, answer: { kind: 'choice', picks: [0] }, displayedForMs: 1500 });
  await locked1;
  await expect(s.getByTestId('quiz-phase-label')).toHaveText('Everyone has answered');

  // [UI54] The reveal: the correct answer marked, room and remote split, the explanation.
  await control(p, 'next');
  await expect(s.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'reveal');
  const correct = s.locator('[data-testid="quiz-option"][data-correct="true"]');
  await expect(correct).toHaveCount(1);
  await expect(correct).toContainText('Enterprise');
  await expect(correct.getByTestId('quiz-bar')).toHaveAttribute('aria-label', '2 in the room, 0 remote');
  await expect(s.getByTestId('quiz-cohort-correct')).toContainText('Remote: 0 of 2 right');
  await expect(s.getByTestId('quiz-explanation')).toHaveText('SSO ships with Enterprise only.');
  await s.screenshot({ path: info.outputPath('projector-reveal.png') });
  // [UI62] Each player's own result.
  const result1 = phone.page.getByTestId('player-quiz-result');
  await expect(result1).toHaveAttribute('data-correct', 'true');
  await expect(laptop.page.getByTestId('player-quiz-result')).toHaveAttribute('data-correct', 'false');
  await expectNoSeriousA11yViolations(phone.page);
  await phone.page.screenshot({ path: info.outputPath('phone-result.png'), fullPage: true });

  // [UI55] Standings between questions: the top players and room vs remote.
  await control(p, 'next');
  await expect(s.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'standings');
  await expect(s.getByTestId('quiz-standings')).toContainText('Ana Room');
  await expect(s.getByTestId('quiz-tug')).toBeVisible();
  await s.screenshot({ path: info.outputPath('projector-standings.png') });

  // Question 2 (type answer, double points): the phone types it, then reloads before the reveal.
  const q2 = phaseOf(ben, 'answering', 1);
  await control(p, 'next');
  await expect(s.getByTestId('quiz-double')).toBeVisible();
  const open2 = await q2;
  const q2Id = 'question' in open2.phase ? open2.phase.question.id : '';
  await phone.page.getByLabel('Your answer').fill(' rally ');
  await phone.page.getByLabel('Your answer').press('Enter');
  await expect(phone.page.getByTestId('player-quiz-locked-in')).toBeVisible();
  await phone.page.screenshot({ path: info.outputPath('phone-type-locked-in.png'), fullPage: true });
  // [UI68] A reload mid-question: the answer stays given, the question cannot be answered twice.
  await phone.page.reload();
  await expectLive(phone.page);
  await expect(phone.page.getByTestId('player-quiz-locked-in')).toBeVisible();
  await expect(phone.page.getByTestId('player-quiz-answer')).toHaveCount(0);
  await laptop.page.getByLabel('Your answer').fill('Rally');
  await laptop.page.getByRole('button', { name: 'Send my answer' }).click();
  await ben.send('quiz:answer', { runId, questionId: q2Id, answer: { kind: 'type', text: 'Slack' }, displayedForMs: 2000 });
  const locked2 = phaseOf(ben, 'locked', 1);
  await dev.send('quiz:answer', { runId, questionId: q2Id, answer: { kind: 'type', text: 'Teams' }, displayedForMs: 2000 });
  await locked2;
  await control(p, 'next');
  await expect(s.getByTestId('quiz-correct-text')).toHaveText('Rally');
  // Score and streak kept across the reload: two right in a row.
  await expect(phone.page.getByTestId('player-quiz-result')).toHaveAttribute('data-correct', 'true');
  await expect(phone.page.getByTestId('player-quiz-streak')).toHaveText('2 in a row');
  const totalAfter2 = Number(await phone.page.getByTestId('player-quiz-total').textContent());
  const pointsQ2 = Number((await phone.page.getByTestId('player-quiz-points').textContent())!.replace('+', ''));
  expect(totalAfter2).toBeGreaterThan(pointsQ2);
  await control(p, 'next');

  // Question 3 (ordering): the phone orders with the up buttons; the others as scripted.
  const opening3 = phaseOf(ben, 'answering', 2);
  await control(p, 'next');
  const q3 = (await opening3).phase;
  if (q3.phase !== 'answering' || q3.question.kind !== 'ordering') throw new Error('question 3 is not an open ordering question');
  const q3Id = q3.question.id;
  const items = q3.question.items;
  const ids = ORDER.map((l) => items.find((i) => i.label === l)!.id);
  await expect(phone.page.getByTestId('player-quiz-order-item')).toHaveCount(4);
  await orderOnPhone(phone.page, ORDER);
  await phone.page.screenshot({ path: info.outputPath('phone-ordering.png'), fullPage: true });
  await phone.page.getByRole('button', { name: 'Send my order' }).click();
  await expect(phone.page.getByTestId('player-quiz-locked-in')).toBeVisible();
  // Cleo puts them the wrong way round.
  await orderOnPhone(laptop.page, [...ORDER].reverse());
  await laptop.page.getByRole('button', { name: 'Send my order' }).click();
  await ben.send('quiz:answer', { runId, questionId: q3Id, answer: { kind: 'ordering', order: ids }, displayedForMs: 3000 });
  await dev.send('quiz:answer', { runId, questionId: q3Id, answer: { kind: 'ordering', order: ids }, displayedForMs: 3000 });
  await expect(s.getByTestId('quiz-phase-label')).toHaveText('Everyone has answered');
  await control(p, 'next');
  await expect(s.getByTestId('quiz-correct-text')).toHaveText(ORDER.join(' → '));
  await expect(phone.page.getByTestId('player-quiz-streak')).toHaveText('3 in a row');
  await control(p, 'next');
  await expect(s.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'standings');

  // [UI56] The podium: the top three by name, and room vs remote.
  await control(p, 'next');
  await expect(s.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'podium');
  await expect(s.getByTestId('quiz-podium-place')).toHaveCount(3);
  await expect(s.getByTestId('quiz-podium-place').first()).toContainText('Ana Room');
  await expect(s.getByTestId('quiz-tug')).toContainText('Room vs Remote');
  await expect(s.getByTestId('quiz-tug-leader')).toHaveText('The room leads');
  await expectNoSeriousA11yViolations(s, '[data-testid="stage-screen"]');
  await s.screenshot({ path: info.outputPath('projector-podium.png') });
  await s.setViewportSize(LAPTOP);
  await s.screenshot({ path: info.outputPath('laptop-stage-podium.png') });
  await expect(phone.page.getByTestId('player-quiz-my-total')).toContainText('1st place');
  await expectNoSeriousA11yViolations(phone.page);
  await phone.page.screenshot({ path: info.outputPath('phone-podium.png'), fullPage: true });
  await laptop.page.screenshot({ path: info.outputPath('laptop-attendee-podium.png'), fullPage: true });
  await p.screenshot({ path: info.outputPath('laptop-presenter-podium.png'), fullPage: true });

  // "Next" on the podium ends the quiz: the stage goes back to joining.
  await control(p, 'next');
  await expect(s.getByTestId('stage-screen')).toHaveAttribute('data-slot', 'idle');

  for (const d of [ben, dev, mod]) d.close();
  for (const x of [stage, presenter, phone, laptop]) await x.ctx.close();
});

test('[UI63] [UI64] [UI65] [UI69] the console runs a quiz from its Live section; shortcuts do nothing while typing; devices without the question say to look at the stage; ending asks first', async ({ browser, request }, info) => {
  const ev = await createEvent(request, { name: 'Quiz console', settings: { verifyRoomMode: false }, agenda: [keynoteSession(), workshopSession()] });
  const script = await drive(request, ev.code, { name: 'Sam Script', key: keyOf(ev.links.moderator) });
  await script.send('quiz:create', {
    sessionId: null,
    draft: {
      title: 'Eyes on the stage',
      settings: { questionOnDevices: false, teamMode: 'off', teamTalkSec: 0 },
      questions: [{ kind: 'truefalse', text: 'Our fiscal year starts in February.', correct: false, timeLimitSec: 60 }],
    },
  });
  const mod = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(mod.page, ev.links.moderator, 'moderator', 'Mo Moderator');
  const phone = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  await joinAsAttendee(phone.page, ev.code, { name: 'Ana Room', team: 'EMEA', mode: 'room' });
  const stage = await newScreen(browser, { viewport: PROJECTOR });
  await stage.page.goto(ev.links.stage);
  await expectLive(stage.page);

  // [UI64] The Live section: the quiz card, a link to the Quiz section, and "Run quiz".
  const card = mod.page.getByTestId('console-quiz');
  await expect(card.getByRole('link', { name: 'All quizzes' })).toBeVisible();
  await card.getByRole('button', { name: 'Run quiz “Eyes on the stage”' }).click();
  await expect(card.getByTestId('staff-quiz')).toHaveAttribute('data-phase', 'lobby');
  await expect(stage.page.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'lobby');

  // [UI65] A key typed into a field is text: the quiz does not start.
  const text = mod.page.locator('textarea').first();
  await text.click();
  await text.press('ArrowRight');
  await text.press('PageDown');
  await expect(card.getByTestId('staff-quiz')).toHaveAttribute('data-phase', 'lobby');
  // Outside fields, → starts it.
  await text.evaluate((el) => (el as HTMLElement).blur());
  await mod.page.keyboard.press('ArrowRight');
  await expect(card.getByTestId('staff-quiz')).toHaveAttribute('data-phase', /getReady|answering/);

  // [UI63] The phone: buttons alone, with their shapes and texts, and where to look.
  await expect(phone.page.getByTestId('player-quiz-look')).toHaveText('Look at the stage screen');
  await expect(phone.page.getByTestId('player-quiz-question')).toHaveCount(0);
  await expect(phone.page.getByTestId('player-quiz-option')).toHaveText([/True$/, /False$/]);
  // [QUIZ2] The stage screen is where the question is read.
  await expect(stage.page.getByTestId('stage-quiz-question')).toHaveText('Our fiscal year starts in February.');
  await phone.page.screenshot({ path: info.outputPath('phone-buttons-alone.png'), fullPage: true });
  await mod.page.screenshot({ path: info.outputPath('laptop-console-quiz.png'), fullPage: true });

  // Ending asks first: Shift+E opens the question, "Keep going" keeps the quiz.
  await mod.page.keyboard.press('Shift+E');
  await expect(card.getByTestId('quiz-confirm-end')).toBeVisible();
  await card.getByRole('button', { name: 'Keep going' }).click();
  await expect(card.getByTestId('quiz-confirm-end')).toHaveCount(0);
  await card.getByTestId('quiz-control-end').click();
  await card.getByTestId('quiz-confirm-end-yes').click();
  await expect(card.getByTestId('staff-quiz')).toHaveAttribute('data-phase', 'podium');
  await expect(stage.page.getByTestId('stage-quiz')).toHaveAttribute('data-phase', 'podium');
  // [UI69] Next on the podium ends the run: off the stage and out of "Live now".
  await card.getByTestId('quiz-control-next').click();
  await expect(stage.page.getByTestId('stage-screen')).toHaveAttribute('data-slot', 'idle');
  await expect(phone.page.getByTestId('player-quiz')).toHaveCount(0);
  await expect(card.getByTestId('staff-quiz-run')).toBeVisible();

  script.close();
  for (const x of [mod, phone, stage]) await x.ctx.close();
});
