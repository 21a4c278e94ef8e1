import { expect, test } from '@playwright/test';
import type { QuizRunPhase, StoredQuiz } from '@rally/shared';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { drive, keyOf, type Driver } from './helpers/drive';
import { createEvent, keynoteSession } from './helpers/event';
import { joinAsAttendee, joinAsStaff, newScreen } from './helpers/screens';

/*
 * [QUIZ40]–[QUIZ47] The reinforcement quiz in browsers: a quiz played live (one scripted player),
 * reopened as self-paced; an attendee plays it on a phone from "Quizzes to revisit"; the moderator
 * sees the what-stuck table in the console's Quiz section.
 */

test.describe.configure({ timeout: 120_000 });

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };

const QUIZ = {
  title: 'Pricing refresher',
  questions: [
    { kind: 'truefalse', text: 'Discounts stack.', correct: false, timeLimitSec: 60, topic: 'pricing', explanation: 'One discount per deal.' },
    { kind: 'choice', text: 'Which plan includes SSO?', options: ['Starter', 'Business', 'Enterprise'], correct: [2], timeLimitSec: 60, topic: 'security' },
  ],
};

const phaseOf = (d: Driver, phase: string, index: number) =>
  d.waitFor<QuizRunPhase>('quiz:phaseChanged', (p) => p.phase.phase === phase && 'questionIndex' in p.phase && p.phase.questionIndex === index, 30_000);

test('[QUIZ40] [QUIZ41] [QUIZ42] [QUIZ44] [QUIZ46] an attendee plays a reopened quiz on a phone; the moderator sees what stuck', async ({ browser, request }, info) => {
  const ev = await createEvent(request, { name: 'Reinforcement SKO', settings: { verifyRoomMode: false }, agenda: [keynoteSession()] });
  const mod = await drive(request, ev.code, { name: 'Mo Moderator', key: keyOf(ev.links.moderator) });
  const quiz = (await mod.send('quiz:create', { sessionId: 'keynote', draft: QUIZ })) as StoredQuiz;

  // Live: Ben gets both wrong.
  const ben = await drive(request, ev.code, { name: 'Ben Room', team: 'EMEA', mode: 'room' });
  const { runId } = await mod.send('quiz:open', { quizId: quiz.id });
  const wrong = [{ kind: 'truefalse', value: true }, { kind: 'choice', picks: [0] }];
  for (let i = 0; i < 2; i++) {
    const open = phaseOf(ben, 'answering', i);
    await mod.send('quiz:control', { runId, action: i === 0 ? 'start' : 'next' });
    const p = await open;
    const qid = 'question' in p.phase ? p.phase.question.id : '';
    const locked = phaseOf(ben, 'locked', i);
    await ben.send('quiz:answer', { runId, questionId: qid, answer: wrong[i], displayedForMs: 1000 });
    await locked;
    await mod.send('quiz:control', { runId, action: 'next' }); // reveal
    await mod.send('quiz:control', { runId, action: 'next' }); // standings
  }
  await mod.send('quiz:control', { runId, action: 'next' }); // podium

  // The phone joins, then the quiz is reopened: the card appears live.
  const phone = await newScreen(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  const pp = phone.page;
  await joinAsAttendee(pp, ev.code, { name: 'Ana Phone', team: 'EMEA', mode: 'room' });
  await mod.send('quiz:reopen', { quizId: quiz.id, closesAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
  const card = pp.getByTestId('quiz-revisit');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('quiz-revisit-item')).toContainText('Pricing refresher');
  await expect(card.getByTestId('quiz-revisit-item')).toContainText('open until');
  await card.scrollIntoViewIfNeeded();
  await pp.screenshot({ path: info.outputPath('phone-revisit-card.png'), fullPage: true });

  // Playing alone: question 1, its result at once, then question 2, then done.
  await card.getByTestId('quiz-revisit-play').click();
  await expect(card.getByTestId('player-quiz-question')).toHaveText('Discounts stack.');
  await expect(card.getByTestId('player-quiz-timer')).toBeVisible();
  await expectNoSeriousA11yViolations(pp);
  await pp.screenshot({ path: info.outputPath('phone-self-question.png'), fullPage: true });
  await card.getByTestId('player-quiz-option').filter({ hasText: 'False' }).click();
  await expect(card.getByTestId('self-quiz-result')).toHaveAttribute('data-correct', 'true');
  await expect(card.getByTestId('self-quiz-result')).toContainText('One discount per deal.');
  await pp.screenshot({ path: info.outputPath('phone-self-result.png'), fullPage: true });
  await card.getByTestId('self-quiz-next').click();
  await expect(card.getByTestId('player-quiz-question')).toHaveText('Which plan includes SSO?');
  await card.getByTestId('player-quiz-option').filter({ hasText: 'Enterprise' }).click();
  await expect(card.getByTestId('self-quiz-result')).toHaveAttribute('data-correct', 'true');
  await card.getByTestId('self-quiz-next').click();
  await expect(card.getByTestId('self-quiz-done')).toBeVisible();

  // The moderator: what stuck, per topic: 0 % live, 100 % later.
  const console_ = await newScreen(browser, { viewport: LAPTOP });
  const cp = console_.page;
  await joinAsStaff(cp, ev.links.moderator, 'moderator', 'Mo Console');
  await cp.getByTestId('console-nav-quiz').click();
  const row = cp.locator(`[data-testid="quiz-row"][data-quiz-id="${quiz.id}"]`);
  await row.getByTestId('quiz-what-stuck').click();
  const table = row.getByTestId('what-stuck-table');
  await expect(table.getByTestId('what-stuck-row')).toHaveCount(2);
  for (const topic of ['pricing', 'security']) {
    const r = table.locator(`[data-testid="what-stuck-row"][data-topic="${topic}"]`);
    await expect(r.locator('td').nth(0)).toContainText('0 %');
    await expect(r.locator('td').nth(1)).toContainText('100 %');
    await expect(r.locator('td').nth(2)).toHaveText('+100 pts');
  }
  await expectNoSeriousA11yViolations(cp);
  await row.scrollIntoViewIfNeeded();
  await cp.screenshot({ path: info.outputPath('laptop-what-stuck.png') });
  await pp.setViewportSize(PHONE);
  ben.close();
  mod.close();
});
