import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { parseCsv, readDownload } from './helpers/csv';
import { createEvent, keynoteSession, KEYNOTE, workshopSession } from './helpers/event';
import { newScreen, joinAsStaff } from './helpers/screens';
import { ADMIN_TOKEN } from './env';

/*
 * [QUIZ18] Quiz authoring in the moderator console: a quiz with three kinds written in the editor,
 * a question moved up, the quiz exported as CSV and the file imported back; a bad file's errors
 * listed by line; axe on the section; screenshots at phone and laptop sizes.
 */

test.describe.configure({ timeout: 120_000 });

const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const keynote = (page: Page) => page.locator('[data-testid="quiz-session"][data-session-id="keynote"]');

async function fillQuestion(q: Locator, kind: string, text: string) {
  await q.getByTestId('quiz-q-kind').selectOption(kind);
  await q.getByTestId('quiz-q-text').fill(text);
}

test('[QUIZ18] [QUIZ14] [QUIZ15] a moderator writes a quiz with three kinds, reorders it, exports CSV and imports it back; a bad file lists its lines; axe clean', async ({ browser, request }, info) => {
  const ev = await createEvent(request, { name: 'Quiz SKO', agenda: [keynoteSession(), workshopSession()] });
  const mod = await newScreen(browser, { viewport: LAPTOP, acceptDownloads: true });
  const page = mod.page;
  await joinAsStaff(page, ev.links.moderator, 'moderator', 'Mo Moderator');
  await page.getByTestId('console-nav-quiz').click();
  await expect(page.getByTestId('console-section-quiz')).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // A new quiz in the keynote: three questions of three kinds.
  const section = keynote(page);
  await section.getByRole('button', { name: `New quiz in “${KEYNOTE}”` }).click();
  const editor = section.getByTestId('quiz-editor');
  await editor.getByLabel('Quiz title').fill('Kickoff warm-up');
  await editor.getByTestId('quiz-team-mode').selectOption('teams');

  // Saving an empty question is refused in place, with the schema's reason.
  await editor.getByTestId('quiz-add-question').click();
  await editor.getByTestId('quiz-save').click();
  await expect(editor.getByTestId('quiz-form-errors')).toBeVisible();
  await expect(editor.getByTestId('quiz-question').first().locator('.field-error').first()).toContainText('required');

  const questions = editor.getByTestId('quiz-question');
  await fillQuestion(questions.nth(0), 'choice', 'Which plans include SSO?');
  const labels0 = questions.nth(0).getByTestId('quiz-q-label');
  await labels0.nth(0).fill('Starter');
  await labels0.nth(1).fill('Business');
  await questions.nth(0).getByTestId('quiz-q-add-label').click();
  await labels0.nth(2).fill('Enterprise');
  await questions.nth(0).getByTestId('quiz-q-correct').nth(1).check();
  await questions.nth(0).getByTestId('quiz-q-correct').nth(2).check();

  await editor.getByTestId('quiz-add-kind').selectOption('truefalse');
  await editor.getByTestId('quiz-add-question').click();
  await questions.nth(1).getByTestId('quiz-q-text').fill('Our fiscal year starts in February.');
  await questions.nth(1).getByTestId('quiz-q-truth-false').check();
  await questions.nth(1).getByTestId('quiz-q-points').selectOption('0');

  await editor.getByTestId('quiz-add-kind').selectOption('number');
  await editor.getByTestId('quiz-add-question').click();
  await questions.nth(2).getByTestId('quiz-q-text').fill('How many customers do we have, in thousands?');
  await questions.nth(2).getByTestId('quiz-q-correct').fill('42');
  await questions.nth(2).getByTestId('quiz-q-tolerance').fill('5');
  await questions.nth(2).getByTestId('quiz-q-time').fill('30');

  // Reorder: the number question goes up one; duplicate and delete a copy.
  await questions.nth(2).getByTestId('quiz-q-up').click();
  await expect(questions.nth(1)).toHaveAttribute('data-kind', 'number');
  await questions.nth(0).getByTestId('quiz-q-duplicate').click();
  await expect(questions).toHaveCount(4);
  await questions.nth(1).getByTestId('quiz-q-delete').click();
  await expect(questions).toHaveCount(3);
  await expect(questions.nth(0)).toHaveAttribute('data-kind', 'choice');
  await page.screenshot({ path: info.outputPath('laptop-quiz-editor.png'), fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await editor.getByTestId('quiz-save').click();

  const row = section.getByTestId('quiz-row').filter({ hasText: 'Kickoff warm-up' });
  await expect(row.getByTestId('quiz-row-summary')).toHaveText('3 questions · Multiple choice, Guess the number, True or false');

  // Export as CSV: one row per question, in the order written.
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('quiz-export-csv').click()]);
  const csv = await readDownload(download);
  const rows = parseCsv(csv);
  expect(rows.slice(1).map((r) => r[0])).toEqual(['choice', 'number', 'truefalse']);
  const file = info.outputPath('kickoff.csv');
  await download.saveAs(file);

  // Import it back into the workshop: the same questions.
  const importer = page.getByTestId('quiz-import');
  await importer.getByLabel('CSV or JSON file').setInputFiles(file);
  await importer.getByTestId('quiz-import-session').selectOption('workshop');
  await importer.getByTestId('quiz-import-title').fill('Warm-up again');
  await importer.getByTestId('quiz-import-submit').click();
  await expect(importer.getByTestId('quiz-import-status')).toHaveText('Imported “Warm-up again”.');
  const workshop = page.locator('[data-testid="quiz-session"][data-session-id="workshop"]');
  await expect(workshop.getByTestId('quiz-row').filter({ hasText: 'Warm-up again' }).getByTestId('quiz-row-summary')).toHaveText('3 questions · Multiple choice, Guess the number, True or false');

  // A bad file: every error with its line, nothing imported.
  const bad = ['kind,text,option1,option2,correct,time_limit_sec', 'choice,Fine?,A,B,1,20', 'truefalse,Right?,,,maybe,20', 'choice,Too slow?,A,B,1,300'].join('\n');
  await importer.getByLabel('CSV or JSON file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await importer.getByTestId('quiz-import-submit').click();
  const errors = importer.getByTestId('quiz-import-error');
  await expect(errors).toHaveText(['Line 3: Correct must be true or false, not "maybe".', 'Line 4: A time limit is at most 240 s.']);
  await expect(page.getByTestId('quiz-row')).toHaveCount(2);
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: info.outputPath('laptop-quiz-section.png'), fullPage: true });

  // Phone: nothing wider than the screen, the editor open.
  await page.setViewportSize(PHONE);
  await row.getByTestId('quiz-edit').click();
  await expect(row.getByTestId('quiz-editor')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: info.outputPath('phone-quiz-section.png'), fullPage: true });
  await row.getByTestId('quiz-question').first().getByTestId('quiz-q-label').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath('phone-quiz-editor.png') });
  await expectNoSeriousA11yViolations(page);
  await mod.ctx.close();
});

test('[QUIZ11] [QUIZ18] an edit made meanwhile by someone else is not overwritten: the editor says so and loads their version', async ({ browser, request }) => {
  const ev = await createEvent(request, { name: 'Quiz conflict', agenda: [keynoteSession()] });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const question = { kind: 'truefalse', text: 'The keynote starts at nine.', timeLimitSec: 10, correct: true };
  const created = await request.post(`/api/events/${ev.event.id}/quizzes`, { headers: auth, data: { sessionId: 'keynote', draft: { title: 'Shared quiz', questions: [question] } } });
  expect(created.status()).toBe(201);
  const quiz = (await created.json()) as { id: string };

  const mod = await newScreen(browser, { viewport: LAPTOP });
  const page = mod.page;
  await joinAsStaff(page, ev.links.moderator, 'moderator', 'Mo Moderator');
  await page.getByTestId('console-nav-quiz').click();
  // The row by the quiz's id: its title changes under us.
  const row = page.locator(`[data-testid="quiz-row"][data-quiz-id="${quiz.id}"]`);
  await expect(row.getByTestId('quiz-row-title')).toHaveText('Shared quiz');
  await row.getByTestId('quiz-edit').click();
  const editor = row.getByTestId('quiz-editor');
  await editor.getByLabel('Quiz title').fill('My title');

  // The organiser's script edits the same version first.
  const theirs = await request.put(`/api/events/${ev.event.id}/quizzes/${quiz.id}`, { headers: auth, data: { version: 1, draft: { title: 'Their title', questions: [question, { ...question, text: 'Lunch is at noon.' }] } } });
  expect(theirs.status()).toBe(200);
  await expect(row.getByTestId('quiz-row-title')).toHaveText('Their title');
  // What the moderator typed is still there: a fact does not reset an open editor.
  await expect(editor.getByLabel('Quiz title')).toHaveValue('My title');

  await editor.getByTestId('quiz-save').click();
  await expect(editor.getByTestId('quiz-server-error')).toContainText('Someone else changed this quiz');
  await editor.getByTestId('quiz-load-latest').click();
  await expect(editor.getByLabel('Quiz title')).toHaveValue('Their title');
  await expect(editor.getByTestId('quiz-question')).toHaveCount(2);
  await editor.getByLabel('Quiz title').fill('Agreed title');
  await editor.getByTestId('quiz-save').click();
  await expect(page.getByTestId('quiz-row-title')).toHaveText(['Agreed title']);
  await mod.ctx.close();
});

test('[UI72] [QUIZ17] the organiser writes a quiz for a session on the organiser page with the admin token; the moderator console shows it and the organiser\'s edits; copy, export, import, reopen; axe clean at phone and laptop sizes', async ({ browser, request }, info) => {
  const ev = await createEvent(request, { name: 'Organiser quiz', agenda: [keynoteSession(), workshopSession()] });
  const org = await newScreen(browser, { viewport: LAPTOP, acceptDownloads: true });
  const page = org.page;
  await page.goto('/organiser');
  await page.getByTestId('admin-token').fill(ADMIN_TOKEN);
  await page.getByTestId('admin-token-save').click();
  const card = page.locator(`[data-testid="event-card"][data-event-id="${ev.event.id}"]`).last();
  await card.locator('summary').click();
  await card.getByTestId('organiser-quizzes-toggle').click();
  const authoring = card.getByTestId('organiser-quiz');
  await expect(authoring).toBeVisible();
  await expect(authoring.getByTestId('quiz-session')).toHaveCount(2);

  // A new quiz in the keynote, with one question: the console's editor.
  const keynoteQuizzes = authoring.locator('[data-testid="quiz-session"][data-session-id="keynote"]');
  await keynoteQuizzes.getByRole('button', { name: `New quiz in “${KEYNOTE}”` }).click();
  const editor = keynoteQuizzes.getByTestId('quiz-editor');
  await editor.getByLabel('Quiz title').fill('Pricing check');
  await editor.getByTestId('quiz-add-kind').selectOption('truefalse');
  await editor.getByTestId('quiz-add-question').click();
  await editor.getByTestId('quiz-question').first().getByTestId('quiz-q-text').fill('Annual plans get two months free.');
  await editor.getByTestId('quiz-question').first().getByTestId('quiz-q-truth-true').check();
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: info.outputPath('organiser-laptop-editor.png'), fullPage: true });
  await editor.getByTestId('quiz-save').click();
  await expect(keynoteQuizzes.getByTestId('quiz-row').filter({ hasText: 'Pricing check' }).getByTestId('quiz-row-summary')).toHaveText('1 question · True or false');
  // From here by its id: a copy shares its title.
  const quizId = await keynoteQuizzes.getByTestId('quiz-row').first().getAttribute('data-quiz-id');
  const row = keynoteQuizzes.locator(`[data-testid="quiz-row"][data-quiz-id="${quizId}"]`);

  // The server holds it in that session, and the moderator console shows it.
  const stored = await request.get(`/api/events/${ev.event.id}/quizzes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(((await stored.json()) as { quizzes: { title: string; sessionId: string }[] }).quizzes).toEqual([expect.objectContaining({ title: 'Pricing check', sessionId: 'keynote' })]);
  const mod = await newScreen(browser, { viewport: LAPTOP });
  await joinAsStaff(mod.page, ev.links.moderator, 'moderator', 'Mo Moderator');
  await mod.page.getByTestId('console-nav-quiz').click();
  const modRow = keynote(mod.page).locator(`[data-testid="quiz-row"][data-quiz-id="${quizId}"]`);
  await expect(modRow.getByTestId('quiz-row-summary')).toHaveText('1 question · True or false');

  // An edit on the organiser page (a second question) reaches the open console with quiz:updated.
  await row.getByTestId('quiz-edit').click();
  const edit = row.getByTestId('quiz-editor');
  await edit.getByTestId('quiz-add-kind').selectOption('choice');
  await edit.getByTestId('quiz-add-question').click();
  const q2 = edit.getByTestId('quiz-question').nth(1);
  await q2.getByTestId('quiz-q-text').fill('Which plan has SSO?');
  await q2.getByTestId('quiz-q-label').nth(0).fill('Starter');
  await q2.getByTestId('quiz-q-label').nth(1).fill('Business');
  await q2.getByTestId('quiz-q-correct').nth(1).check();
  await edit.getByTestId('quiz-save').click();
  await expect(row.getByTestId('quiz-row-summary')).toHaveText('2 questions · True or false, Multiple choice');
  await expect(modRow.getByTestId('quiz-row-summary')).toHaveText('2 questions · True or false, Multiple choice');

  // Duplicate and export with the admin token; the copy shows up in the console too.
  await row.getByTestId('quiz-duplicate').click();
  await expect(keynoteQuizzes.getByTestId('quiz-row').filter({ hasText: 'Pricing check (copy)' })).toHaveCount(1);
  await expect(keynote(mod.page).getByTestId('quiz-row').filter({ hasText: 'Pricing check (copy)' })).toHaveCount(1);
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('quiz-export-json').click()]);
  const file = info.outputPath('pricing.json');
  await download.saveAs(file);

  // Import it back into the workshop: the same questions.
  const importer = authoring.getByTestId('quiz-import');
  await importer.getByLabel('CSV or JSON file').setInputFiles(file);
  await importer.getByTestId('quiz-import-session').selectOption('workshop');
  await importer.getByTestId('quiz-import-submit').click();
  await expect(importer.getByTestId('quiz-import-status')).toHaveText('Imported “Pricing check”.');
  const workshopQuizzes = authoring.locator('[data-testid="quiz-session"][data-session-id="workshop"]');
  await expect(workshopQuizzes.getByTestId('quiz-row-summary')).toHaveText('2 questions · True or false, Multiple choice');

  // [QUIZ40] The organiser reopens it as self-paced from here too (REST), and asks what stuck.
  await row.getByTestId('quiz-reopen').click();
  await expect(row.getByTestId('quiz-reopen-status')).toContainText('Open to attendees until');
  await expect(row.getByTestId('quiz-reopen')).toHaveText('Move the date');
  await row.getByTestId('quiz-what-stuck').click();
  await expect(row.getByTestId('what-stuck-table')).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: info.outputPath('organiser-laptop-page.png'), fullPage: true });
  await authoring.screenshot({ path: info.outputPath('organiser-laptop-quizzes.png') });

  // Phone: nothing wider than the screen, the editor open.
  await page.setViewportSize(PHONE);
  await row.getByTestId('quiz-edit').click();
  await expect(row.getByTestId('quiz-editor')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await expectNoSeriousA11yViolations(page);
  await page.screenshot({ path: info.outputPath('organiser-phone-quizzes.png'), fullPage: true });
  await row.getByTestId('quiz-editor').scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath('organiser-phone-editor.png') });
  await mod.ctx.close();
  await org.ctx.close();
});
