import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { readDownload } from './helpers/csv';
import { createEvent as createEventWith, keynoteSession, KEYNOTE, workshopSession } from './helpers/event';
import { attendeeScreen, expectLive, stageScreen, staffScreen } from './helpers/screens';
import { missing, type Prepare } from './helpers/sockets';
import { openSection } from './helpers/console';
import { unique } from './helpers/unique';

/**
 * Moderated Q&A through the browser: asking on a laptop (remote) and a phone (in the room), the
 * moderator queue with several moderators, the presenter's list, the stage screen's highlighted
 * question, upvotes moving live on other screens, the ask limits, markup shown as text, and the
 * CSV export. Each test creates its own event. Every page fails the test if a dialog opens.
 */

// Each test drives five or six browser contexts; give them room on a busy CI machine.
test.describe.configure({ timeout: 120_000 });

/** Every dialog (alert, confirm, prompt) any page of the test opens; must stay empty. */
let dialogs: string[] = [];
const contexts: BrowserContext[] = [];

test.beforeEach(() => {
  dialogs = [];
  contexts.length = 0;
});

test.afterEach(async () => {
  expect(dialogs, 'no page may open a dialog').toEqual([]);
  for (const c of contexts) await c.close();
});

/** Puts a fresh page under watch (dialogs recorded, context closed after the test), then runs `setup`. */
function watched(setup?: Prepare): Prepare {
  return async (page) => {
    contexts.push(page.context());
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    if (setup) await setup(page);
  };
}

const createEvent = (request: APIRequestContext, settings: { allowAnonymousQuestions?: boolean; moderation?: 'pre' | 'post' } = {}) =>
  createEventWith(request, {
    name: 'E2E Q&A',
    agenda: [keynoteSession(), workshopSession()],
    // These tests are about Q&A, not venue verification (STAGE12): the mode is taken as chosen.
    // A server without that setting ignores it.
    settings: { verifyRoomMode: false, ...settings },
  });

// Every page here is watched; attendees' teams do not matter to Q&A, so all join EMEA.
const openStaff = async (browser: Browser, link: string, role: 'moderator' | 'presenter', name: string, setup?: Prepare) =>
  (await staffScreen(browser, link, role, name, { prepare: watched(setup) })).page;
const openStage = async (browser: Browser, link: string) => (await stageScreen(browser, link, { prepare: watched() })).page;
const joinAttendee = async (browser: Browser, code: string, who: { name: string; mode: 'room' | 'remote' }, setup?: Prepare) =>
  (await attendeeScreen(browser, code, { ...who, team: 'EMEA' }, { prepare: watched(setup) })).page;

async function ask(page: Page, text: string, opts: { anonymous?: boolean } = {}) {
  const form = page.getByTestId('ask-form');
  await form.getByLabel('Your question').fill(text);
  if (opts.anonymous) await form.getByLabel(/^Ask anonymously/).check();
  await form.getByRole('button', { name: 'Send question' }).click();
}

/** A question on an attendee screen, by its exact text. */
function attendeeQuestion(page: Page, text: string): Locator {
  return page.getByTestId('question').filter({ has: page.getByTestId('question-text').getByText(text, { exact: true }) });
}

function modQuestion(page: Page, text: string): Locator {
  return page.getByTestId('mod-question').filter({ has: page.getByTestId('question-text').getByText(text, { exact: true }) });
}

async function openTab(mod: Page, tab: 'Pending' | 'Approved' | 'Answered' | 'Dismissed') {
  await mod.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
  await expect(mod.getByRole('tab', { name: new RegExp(`^${tab}`) })).toHaveAttribute('aria-selected', 'true');
}

test('[QA1] [QA4] [QA5] [QA7] [QA8] [QA12] [QA14] [QA17] [QA18] an attendee asks; one moderator approves and highlights while another sees it live; the stage shows it; the presenter marks it answered', async ({
  browser,
  request,
}) => {
  const { code, links } = await createEvent(request);
  const question = unique('How will the new pricing affect multi-year renewals?');
  const asker = unique('Remy Remote');

  const mod = await openStaff(browser, links.moderator, 'moderator', 'Mo Moderator');
  await mod.getByRole('button', { name: `Set “${KEYNOTE}” live` }).click();
  await openSection(mod, 'qa');
  const mod2 = await openStaff(browser, links.moderator, 'moderator', 'Max Moderator');
  await openSection(mod2, 'qa');
  const stage = await openStage(browser, links.stage);
  const pres = await openStaff(browser, links.presenter, 'presenter', 'Pat Presenter');
  const remote = await joinAttendee(browser, code, { name: asker, mode: 'remote' });
  const room = await joinAttendee(browser, code, { name: unique('Rita Room'), mode: 'room' });

  // Asking: the counter counts as a person does; the form says which session it goes to.
  const form = remote.getByTestId('ask-form');
  await expect(form).toContainText(`Asking in ${KEYNOTE}`);
  await form.getByLabel('Your question').fill('Ça va? 👋');
  await expect(form.getByTestId('char-counter')).toHaveText('8 / 300');
  await ask(remote, question);
  await expect(remote.getByTestId('ask-status')).toHaveText('Thanks! Your question is waiting for approval by the moderators.');
  await expect(form.getByLabel('Your question')).toHaveValue('');

  // The author sees it waiting; nobody else in the audience does.
  const mine = attendeeQuestion(remote, question);
  await expect(mine.getByTestId('waiting-badge')).toHaveText('Waiting for approval');
  await expect(remote.getByTestId('my-waiting-questions')).toContainText(question);
  await expect(attendeeQuestion(room, question)).toHaveCount(0);
  await expect(pres.getByTestId('presenter-question')).toHaveCount(0);

  // Both moderators get it live, with its origin, and the live count is announced.
  for (const m of [mod, mod2]) {
    await expect(m.getByTestId('qa-new-count')).toHaveText('1 question waiting for approval.');
    await expect(m.getByTestId('qa-new-count')).toHaveAttribute('role', 'status');
    const row = modQuestion(m, question);
    await expect(row).toHaveAttribute('data-state', 'pending');
    await expect(row.getByTestId('origin-badge')).toHaveAttribute('data-origin', 'remote');
    await expect(row.getByTestId('question-author')).toHaveText(asker);
  }

  // One moderator approves: the other sees it move to Approved without a reload.
  await modQuestion(mod, question).getByRole('button', { name: /^Approve/ }).click();
  await expect(mod2.getByTestId('qa-new-count')).toHaveText('No questions waiting for approval.');
  await expect(modQuestion(mod2, question)).toHaveCount(0);
  await openTab(mod2, 'Approved');
  await expect(modQuestion(mod2, question)).toHaveAttribute('data-state', 'approved');

  // Approved: the whole audience and the presenter see it; the author's badge is gone.
  await expect(attendeeQuestion(room, question)).toBeVisible();
  await expect(attendeeQuestion(remote, question).getByTestId('waiting-badge')).toHaveCount(0);
  await expect(remote.getByTestId('my-waiting-questions')).toHaveCount(0);
  const presItem = pres.getByTestId('presenter-question').filter({ hasText: question });
  await expect(presItem).toBeVisible();

  // Highlight from the first moderator; the stage shows the question, its author and origin.
  await openTab(mod, 'Approved');
  await modQuestion(mod, question).getByRole('button', { name: /^Show .* on the stage$/ }).click();
  const region = stage.getByTestId('stage-question-region');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  const onStage = region.getByTestId('stage-question');
  await expect(onStage.getByTestId('stage-question-text')).toHaveText(question);
  await expect(onStage.getByTestId('stage-question-author')).toHaveText(asker);
  await expect(onStage.getByTestId('origin-badge')).toContainText('Remote');
  await expect(onStage.getByTestId('stage-question-votes')).toHaveText('0');
  await expect(stage.getByTestId('stage-join-code')).toHaveText(code);
  await expect(modQuestion(mod2, question)).toContainText('On stage');
  await expect(presItem).toContainText('On stage');
  await expectNoSeriousA11yViolations(stage, '[data-testid="stage-screen"]');

  // The presenter marks it answered with one tap: it leaves the stage and goes to the archive.
  await presItem.getByRole('button', { name: /^Mark .* answered$/ }).click();
  await expect(onStage).toHaveCount(0);
  await expect(stage.getByTestId('stage-idle')).toBeVisible();
  await expect(pres.getByTestId('presenter-qa-empty')).toBeVisible();
  await expect(room.getByTestId('qa-answered')).toContainText('Answered (1)');
  await openTab(mod2, 'Answered');
  await expect(modQuestion(mod2, question)).toHaveAttribute('data-state', 'answered');

  await expectNoSeriousA11yViolations(room, '[data-testid="attendee-qa"]');
  await expectNoSeriousA11yViolations(mod, '[data-testid="moderator-qa"]');
});

test('[QA2] [QA3] [QA16] markup in a question or a reply is shown as text on every screen and never runs', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const evil = '<img src=x onerror=alert(1)>';
  const script = `<script>alert("xss")</script> ${unique('and a real question?')}`;
  const reply = '<b onmouseover=alert(2)>Not bold</b>';

  const mod = await openStaff(browser, links.moderator, 'moderator', 'Mo Moderator');
  await mod.getByRole('button', { name: `Set “${KEYNOTE}” live` }).click();
  await openSection(mod, 'qa');
  const stage = await openStage(browser, links.stage);
  const asker = await joinAttendee(browser, code, { name: unique('Eve'), mode: 'room' });
  const other = await joinAttendee(browser, code, { name: unique('Olu'), mode: 'remote' });

  await ask(asker, evil, { anonymous: true });
  await expect(asker.getByTestId('ask-status')).toContainText('waiting for approval');
  await ask(asker, script);
  await expect(attendeeQuestion(asker, script)).toBeVisible();

  // The moderator sees the markup as typed, and the anonymous asker as Anonymous.
  const row = modQuestion(mod, evil);
  await expect(row.getByTestId('question-text')).toHaveText(evil);
  await expect(row.getByTestId('question-author')).toHaveText('Anonymous');
  await row.getByRole('button', { name: /^Approve/ }).click();
  await modQuestion(mod, script).getByRole('button', { name: /^Approve/ }).click();
  await openTab(mod, 'Approved');
  await modQuestion(mod, evil).getByRole('button', { name: /^Show .* on the stage$/ }).click();

  // A written reply with markup, shown under the question for everyone.
  await modQuestion(mod, evil).getByRole('button', { name: /^Answer in writing/ }).click();
  await mod.getByLabel('Written answer').fill(reply);
  await mod.getByRole('button', { name: 'Publish the answer' }).click();
  await expect(modQuestion(mod, evil).getByTestId('question-reply')).toContainText(reply);

  const onStage = stage.getByTestId('stage-question');
  await expect(onStage.getByTestId('stage-question-text')).toHaveText(evil);
  await expect(onStage.getByTestId('stage-question-author')).toHaveText('Anonymous');
  for (const page of [asker, other]) {
    const q = attendeeQuestion(page, evil);
    await expect(q.getByTestId('question-text')).toHaveText(evil);
    await expect(q.getByTestId('question-author')).toHaveText('Anonymous');
    await expect(q.getByTestId('question-reply')).toContainText(reply);
    await expect(attendeeQuestion(page, script).getByTestId('question-text')).toHaveText(script);
  }
  // Nothing was parsed into elements: no <img>, <script> or <b> inside any question.
  for (const page of [asker, other, mod, stage]) {
    await expect(page.getByText(evil, { exact: true }).first()).toBeVisible();
    await expect(page.locator('[data-testid="question-text"] *, [data-testid="stage-question-text"] *, [data-testid="question-reply"] p *')).toHaveCount(0);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  }
  // Hovering the "bold" reply does nothing either (a dialog would fail the test).
  await attendeeQuestion(other, evil).getByTestId('question-reply').hover();
});

test('[QA5] [QA9] [QA10] [QA11] upvotes toggle, one per attendee, and the count moves live on other screens; popular and recent sorting', async ({ browser, request }) => {
  const { code, links } = await createEvent(request, { moderation: 'post' });
  const first = unique('Will the partner programme change this year?');
  const second = unique('When do the new territories start?');

  const mod = await openStaff(browser, links.moderator, 'moderator', 'Mo Moderator');
  await mod.getByRole('button', { name: `Set “${KEYNOTE}” live` }).click();
  await openSection(mod, 'qa');
  const alice = await joinAttendee(browser, code, { name: unique('Alice'), mode: 'remote' });
  const bob = await joinAttendee(browser, code, { name: unique('Bob'), mode: 'room' });
  const stage = await openStage(browser, links.stage);

  // Post-moderation: public at once.
  await ask(alice, first);
  await expect(alice.getByTestId('ask-status')).toHaveText('Thanks! Your question is now visible to everyone.');
  await ask(alice, second);
  const bobFirst = attendeeQuestion(bob, first);
  const bobSecond = attendeeQuestion(bob, second);
  await expect(bobSecond).toBeVisible();

  // Newest first vs most votes first.
  const texts = (page: Page) => page.getByTestId('qa-list').getByTestId('question-text').allTextContents();
  await bob.getByLabel('Sort questions').selectOption('recent');
  await expect.poll(() => texts(bob)).toEqual([second, first]);

  const up = bobFirst.getByTestId('upvote');
  await expect(up).toHaveAttribute('aria-pressed', 'false');
  await up.tap();
  await expect(up).toHaveAttribute('aria-pressed', 'true');
  await expect(up.getByTestId('vote-count')).toHaveText('1');
  await expect(up).toHaveAccessibleName(/^Upvote “.*”, 1 vote$/);

  // Another attendee's screen and the moderator's follow without a reload.
  await expect(attendeeQuestion(alice, first).getByTestId('vote-count')).toHaveText('1');
  await openTab(mod, 'Approved');
  await expect(modQuestion(mod, first).getByTestId('vote-count')).toHaveText('1');

  await bob.getByLabel('Sort questions').selectOption('popular');
  await expect.poll(() => texts(bob)).toEqual([first, second]);

  // The author may upvote their own question too; counts add up exactly.
  await attendeeQuestion(alice, first).getByTestId('upvote').click();
  await expect(attendeeQuestion(alice, first).getByTestId('upvote')).toHaveAttribute('aria-pressed', 'true');
  await expect(bobFirst.getByTestId('vote-count')).toHaveText('2');

  // On stage the count is live too.
  await modQuestion(mod, first).getByRole('button', { name: /^Show .* on the stage$/ }).click();
  await expect(stage.getByTestId('stage-question-votes')).toHaveText('2');

  // Toggling off takes the vote back everywhere; a reload keeps my upvote state.
  await up.tap();
  await expect(up).toHaveAttribute('aria-pressed', 'false');
  await expect(attendeeQuestion(alice, first).getByTestId('vote-count')).toHaveText('1');
  await expect(stage.getByTestId('stage-question-votes')).toHaveText('1');
  await alice.reload();
  await expectLive(alice);
  await expect(attendeeQuestion(alice, first).getByTestId('upvote')).toHaveAttribute('aria-pressed', 'true');
  await expect(attendeeQuestion(alice, first).getByTestId('vote-count')).toHaveText('1');
  await expect(attendeeQuestion(alice, second).getByTestId('upvote')).toHaveAttribute('aria-pressed', 'false');

  // Keyboard: the upvote is a plain button.
  await attendeeQuestion(alice, second).getByTestId('upvote').focus();
  await alice.keyboard.press('Enter');
  await expect(attendeeQuestion(alice, second).getByTestId('upvote')).toHaveAttribute('aria-pressed', 'true');
  await expect(bobSecond.getByTestId('vote-count')).toHaveText('1');
});

test('[QA19] [QA20] [QA21] a duplicate, the ask budget and a ban from asking get clear messages in place', async ({ browser, request }) => {
  const { code, links } = await createEvent(request, { moderation: 'post', allowAnonymousQuestions: false });
  const mod = await openStaff(browser, links.moderator, 'moderator', 'Mo Moderator');
  await openSection(mod, 'qa');
  // This attendee's browser misses the ban notice, so it still offers the form the server refuses.
  const asker = await joinAttendee(browser, code, { name: unique('Dee'), mode: 'remote' }, missing(/"qa:banChanged"/));
  const form = asker.getByTestId('ask-form');

  // [QA3] No anonymous choice where the event does not allow it.
  await expect(form.getByLabel(/^Ask anonymously/)).toHaveCount(0);
  await expect(asker.getByTestId('ask-named-note')).toBeVisible();

  // Over-long text: the counter and the button say so before anything is sent.
  await form.getByLabel('Your question').fill('x'.repeat(301));
  await expect(form.getByTestId('char-counter')).toHaveText('301 / 300');
  await expect(form.getByRole('button', { name: 'Send question' })).toBeDisabled();

  const base = unique('Is the SPIFF paid monthly');
  await ask(asker, `${base}?`);
  await expect(attendeeQuestion(asker, `${base}?`)).toBeVisible();
  // The same question again (other case and spacing): CONFLICT, shown in place; the text stays.
  await ask(asker, `  ${base.toUpperCase()}  `);
  await expect(asker.getByTestId('ask-error')).toHaveText('You already asked this question. If it is a different question, change the wording.');
  await expect(form.getByLabel('Your question')).not.toHaveValue('');

  // Five a minute, the refused duplicate included: three more go through, the next is refused.
  for (let i = 1; i <= 3; i++) {
    await ask(asker, `${base} — part ${i}?`);
    await expect(attendeeQuestion(asker, `${base} — part ${i}?`)).toBeVisible();
  }
  await ask(asker, `${base} — one too many?`);
  await expect(asker.getByTestId('ask-error')).toHaveText(/^Slow down\. You can ask 5 questions a minute; try again in \d+ s\.$/);
  await expect(attendeeQuestion(asker, `${base} — one too many?`)).toHaveCount(0);

  // The moderator bans the asker from asking, named by one of their questions.
  await openTab(mod, 'Approved');
  const row = modQuestion(mod, `${base}?`);
  await row.getByRole('button', { name: /^Ban the asker/ }).click();
  await row.getByRole('button', { name: 'Confirm ban from asking' }).click();
  await expect(row.getByTestId('asker-banned-badge')).toBeVisible();
  await expect(modQuestion(mod, `${base} — part 1?`).getByTestId('asker-banned-badge')).toBeVisible();

  // The stale form is refused with BANNED, in place (the ban check comes before the budget).
  await ask(asker, unique('Can I still ask?'));
  await expect(asker.getByTestId('ask-error')).toHaveText('A moderator has stopped you from asking questions in this event. You can still read and upvote questions.');
  // After a reload the snapshot says so and the form is gone; upvoting still works.
  await asker.reload();
  await expectLive(asker);
  await expect(asker.getByTestId('ask-banned')).toContainText('You can no longer ask questions in this event');
  await expect(asker.getByTestId('ask-form')).toHaveCount(0);
  await attendeeQuestion(asker, `${base}?`).getByTestId('upvote').click();
  await expect(attendeeQuestion(asker, `${base}?`).getByTestId('vote-count')).toHaveText('1');

  // Lifting the ban reaches a connected attendee at once (qa:banChanged).
  const other = await joinAttendee(browser, code, { name: unique('Ola'), mode: 'room' });
  await ask(other, unique('Another one?'));
  await openTab(mod, 'Approved');
  await expect(mod.getByTestId('mod-question')).toHaveCount(5);
  const otherRow = mod.getByTestId('mod-question').filter({ hasText: 'Another one?' });
  await otherRow.getByRole('button', { name: /^Ban the asker/ }).click();
  await otherRow.getByRole('button', { name: 'Confirm ban from asking' }).click();
  await expect(other.getByTestId('ask-banned')).toBeVisible();
  await otherRow.getByRole('button', { name: /^Let the asker/ }).click();
  await expect(other.getByTestId('ask-form')).toBeVisible();
});

test('[QA4] [QA12] [QA13] [QA15] [QA16] [QA22] [QA24] moderation tools: origin filter, fairness shares, inline edit, reply, dismiss and restore, a stale moderator and a lost race get toasts, CSV export', async ({
  browser,
  request,
}) => {
  const { code, links } = await createEvent(request);
  const fromRemote = unique('Can remote sellers join the awards?');
  const fromRoom = unique('Where is the wrkshop room?');
  const fixed = fromRoom.replace('wrkshop', 'workshop');
  const conflict = 'someone else changed this question first (it is now answered); it was not dismissed';

  const mod = await openStaff(browser, links.moderator, 'moderator', 'Mo Moderator');
  await mod.getByRole('button', { name: `Set “${KEYNOTE}” live` }).click();
  await openSection(mod, 'qa');
  // A second moderator whose browser misses question changes (a stale view); its dismissals lose a
  // race the server decides (the CONFLICT ack is played back to it).
  const stale = await openStaff(
    browser,
    links.moderator,
    'moderator',
    'Sam Stale',
    missing(/"question:changed"/, (frame) => {
      const m = /^42(\d+)\["question:dismiss"/.exec(frame);
      return m ? `43${m[1]}[${JSON.stringify({ ok: false, error: { code: 'CONFLICT', message: conflict } })}]` : null;
    }),
  );
  await openSection(stale, 'qa');
  const remote = await joinAttendee(browser, code, { name: unique('Remy'), mode: 'remote' });
  const room = await joinAttendee(browser, code, { name: unique('Rita'), mode: 'room' });

  await ask(remote, fromRemote);
  await ask(room, fromRoom);
  await expect(mod.getByTestId('qa-new-count')).toHaveText('2 questions waiting for approval.');

  // [QA22] Filter by origin.
  await mod.getByLabel('Origin').selectOption('room');
  await expect(mod.getByTestId('mod-question')).toHaveCount(1);
  await expect(modQuestion(mod, fromRoom).getByTestId('origin-badge')).toHaveAttribute('data-origin', 'room');
  await mod.getByLabel('Origin').selectOption('all');
  await expect(mod.getByTestId('mod-question')).toHaveCount(2);

  // Tabs are keyboard operable.
  await mod.getByRole('tab', { name: /^Pending/ }).focus();
  await mod.keyboard.press('ArrowRight');
  await expect(mod.getByRole('tab', { name: /^Approved/ })).toHaveAttribute('aria-selected', 'true');
  await expect(mod.getByRole('tab', { name: /^Approved/ })).toBeFocused();
  await mod.keyboard.press('ArrowLeft');
  await expect(mod.getByRole('tab', { name: /^Pending/ })).toHaveAttribute('aria-selected', 'true');

  await modQuestion(mod, fromRemote).getByRole('button', { name: /^Approve/ }).click();
  await modQuestion(mod, fromRoom).getByRole('button', { name: /^Approve/ }).click();
  await expect(mod.getByTestId('fair-approved')).toContainText('50%');
  await expect(mod.getByTestId('fair-approved')).toContainText('(1 of 2)');
  await expect(mod.getByTestId('fair-answered')).toContainText('—');

  // [QA12] The stale moderator still sees it pending; their approval is refused with a toast
  // naming the state it is in now.
  await modQuestion(stale, fromRemote).getByRole('button', { name: /^Approve/ }).click();
  await expect(stale.getByTestId('toast-error')).toContainText('Only a pending question can be approved; this one is approved.');

  await openTab(mod, 'Approved');
  await modQuestion(mod, fromRemote).getByRole('button', { name: /^Mark .* answered$/ }).click();
  await expect(mod.getByTestId('fair-answered')).toContainText('100%');
  await expect(mod.getByTestId('fair-answered')).toContainText('(1 of 1)');
  await expect(mod.getByTestId('fair-approved')).toContainText('(1 of 2)');

  // [QA13] A lost race: the CONFLICT message is shown as a toast.
  await modQuestion(stale, fromRemote).getByRole('button', { name: /^Dismiss/ }).click();
  await expect(stale.getByTestId('toast-error').filter({ hasText: 'Someone else changed this question first' })).toContainText(
    'Someone else changed this question first (it is now answered); it was not dismissed.',
  );

  // [QA15] Inline edit: Escape cancels, Save publishes; the audience sees the fix, marked edited.
  const roomRow = modQuestion(mod, fromRoom);
  await roomRow.getByRole('button', { name: /^Edit/ }).click();
  await mod.getByLabel('Question text').press('Escape');
  await expect(mod.getByLabel('Question text')).toHaveCount(0);
  await expect(roomRow.getByRole('button', { name: /^Edit/ })).toBeFocused();
  await roomRow.getByRole('button', { name: /^Edit/ }).click();
  await mod.getByLabel('Question text').fill(fixed);
  await mod.getByRole('button', { name: 'Save the question' }).click();
  const fixedRow = modQuestion(mod, fixed);
  await expect(fixedRow).toContainText('Edited');
  await expect(attendeeQuestion(remote, fixed)).toContainText('Edited by a moderator');

  // [QA16] A written reply shows under the question for everyone, and can be removed.
  await fixedRow.getByRole('button', { name: /^Answer in writing/ }).click();
  await mod.getByLabel('Written answer').fill('Level 2, room B. Follow the yellow signs.');
  await mod.getByRole('button', { name: 'Publish the answer' }).click();
  await expect(attendeeQuestion(room, fixed).getByTestId('question-reply')).toContainText('Level 2, room B.');
  await expect(attendeeQuestion(remote, fixed).getByTestId('question-reply')).toContainText('Answer from the moderators');
  await fixedRow.getByRole('button', { name: /^Remove the answer/ }).click();
  await expect(attendeeQuestion(room, fixed).getByTestId('question-reply')).toHaveCount(0);

  // [QA14] Dismissed: gone for the audience, still the author's; restore puts it back in review.
  await fixedRow.getByRole('button', { name: /^Dismiss/ }).click();
  await expect(attendeeQuestion(remote, fixed)).toHaveCount(0);
  await expect(attendeeQuestion(room, fixed).getByTestId('dismissed-badge')).toBeVisible();
  await openTab(mod, 'Dismissed');
  await modQuestion(mod, fixed).getByRole('button', { name: /^Restore/ }).click();
  await openTab(mod, 'Pending');
  await expect(modQuestion(mod, fixed)).toHaveAttribute('data-state', 'pending');
  await expect(attendeeQuestion(room, fixed).getByTestId('waiting-badge')).toBeVisible();

  // [QA24] The CSV export, fetched with the moderator's token; the button waits while it runs.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await mod.route('**/questions.csv', async (route) => {
    await held;
    await route.continue();
  });
  const button = mod.getByTestId('download-questions-csv');
  await expect(button).toHaveText('Download questions CSV');
  const downloading = mod.waitForEvent('download');
  await button.click();
  await expect(button).toBeDisabled();
  await expect(button).toHaveText('Preparing…');
  release();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`rally-questions-${code}.csv`);
  await expect(mod.getByTestId('questions-csv-status')).toHaveText(`Downloaded rally-questions-${code}.csv.`);
  await expect(button).toBeEnabled();
  const csv = await readDownload(download);
  expect(csv.split(/\r?\n/)[0]).toContain('question_id');
  expect(csv).toContain(fromRemote);
  expect(csv).toContain(fixed);
  expect(csv).toContain('answered');
});
