import { expect, test, type APIRequestContext, type Locator } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './helpers/a11y';
import { parseCsv, readDownload } from './helpers/csv';
import { createEvent as createEventWith, keynoteSession, KEYNOTE, workshopSession } from './helpers/event';
import { attendeePoll, createPollInPanel, launchQuickPoll, sessionPolls } from './helpers/polls';
import { attendeeScreen, expectLive, stageScreen, staffScreen } from './helpers/screens';
import { missing } from './helpers/sockets';
import { unique } from './helpers/unique';

/**
 * Live polls through the browser: authoring in the moderator panel, launching from the presenter
 * view, voting on a laptop (remote) and a phone (in the room), the stage screen's live results
 * split by cohort, resuming after a reload, and the CSV export. Each test creates its own event.
 */

const createEvent = (request: APIRequestContext) =>
  createEventWith(request, {
    name: 'E2E Polls',
    // The cohort split is what these tests check, so the room / remote mode chosen at join is
    // taken as is (no stage room-code verification: that has its own tests).
    settings: { verifyRoomMode: false },
    agenda: [keynoteSession(), workshopSession()],
  });

function optionRow(scope: Locator, label: string): Locator {
  return scope.locator(`[data-testid="result-option"][data-option-label="${label}"]`);
}

test('[POLL6] [POLL11] [POLL15] [POLL18] [POLL24] a presenter launches a poll; a remote and an in-room attendee vote; the stage shows both votes split room / remote; a reload keeps the vote', async ({
  browser,
  request,
}) => {
  const { code, links } = await createEvent(request);
  const question = unique('Which region closes the most this quarter?');

  // The control desk sets the session live and prepares the poll.
  const mod = await staffScreen(browser, links.moderator, 'moderator', 'Mo Moderator');
  await mod.page.getByRole('button', { name: `Set “${KEYNOTE}” live` }).click();
  await createPollInPanel(mod.page, KEYNOTE, { kind: 'single', question, options: ['EMEA', 'Americas', 'APAC'] });

  const pres = await staffScreen(browser, links.presenter, 'presenter', 'Pat Presenter');
  const item = pres.page.getByTestId('presenter-poll').filter({ hasText: question });
  await expect(item).toHaveAttribute('data-state', 'draft');
  const stage = await stageScreen(browser, links.stage);
  await expect(stage.page.getByTestId('stage-poll')).toHaveCount(0);

  const remote = await attendeeScreen(browser, code, { name: unique('Remy Remote'), team: 'Americas', mode: 'remote' });
  const room = await attendeeScreen(browser, code, { name: unique('Rita Room'), team: 'APAC', mode: 'room' });
  await expect(room.page.getByTestId('activity-empty')).toBeVisible();

  // One tap on the presenter view; the attendees see the poll at once, without a reload.
  await item.getByRole('button', { name: `Launch “${question}”` }).click();
  await expect(item).toHaveAttribute('data-state', 'live');
  const remotePoll = attendeePoll(remote.page, question);
  const roomPoll = attendeePoll(room.page, question);
  await expect(remotePoll).toBeVisible();
  await expect(roomPoll).toBeVisible();

  await remotePoll.getByRole('button', { name: 'Americas', exact: true }).click();
  await expect(remotePoll.getByTestId('vote-receipt')).toContainText('Vote received ✓');
  await expect(remotePoll.getByTestId('my-vote')).toHaveText('Americas');

  await roomPoll.getByRole('button', { name: 'EMEA', exact: true }).tap();
  await expect(roomPoll.getByTestId('vote-receipt')).toContainText('Vote received ✓');
  await expect(roomPoll.getByTestId('my-vote')).toHaveText('EMEA');

  // The stage screen: both votes, each in its cohort, with the join code still there.
  const onStage = stage.page.getByTestId('stage-poll');
  await expect(onStage.getByTestId('stage-poll-question')).toHaveText(question);
  const results = stage.page.getByTestId('stage-results');
  await expect(results).toHaveAttribute('aria-live', 'polite');
  await expect(results.getByTestId('results-total')).toHaveText('2');
  await expect(results.getByTestId('cohort-room-voters')).toHaveText('1');
  await expect(results.getByTestId('cohort-remote-voters')).toHaveText('1');
  await expect(results.getByTestId('cohort-room-rate')).toHaveText('100%');
  await expect(results.getByTestId('cohort-remote-rate')).toHaveText('100%');
  await expect(optionRow(results, 'EMEA').getByTestId('result-option-room')).toHaveText('1');
  await expect(optionRow(results, 'EMEA').getByTestId('result-option-remote')).toHaveText('0');
  await expect(optionRow(results, 'Americas').getByTestId('result-option-room')).toHaveText('0');
  await expect(optionRow(results, 'Americas').getByTestId('result-option-remote')).toHaveText('1');
  await expect(optionRow(results, 'APAC').getByTestId('result-option-count')).toHaveText('0');
  await expect(stage.page.getByTestId('stage-join-code')).toHaveText(code);
  await expect(stage.page.getByTestId('stage-qr')).toBeVisible();

  // The presenter sees the live count against the audience present.
  await expect(item.getByTestId('presenter-vote-count')).toContainText('2 votes');
  await expect(item.getByTestId('presenter-present')).toHaveText('2');

  // Attendees see the live results (this poll shows them live).
  await expect(roomPoll.getByTestId('results-total')).toHaveText('2');

  // A reload resumes the participant with the running poll and their own vote.
  await room.page.reload();
  await expectLive(room.page);
  const reloaded = attendeePoll(room.page, question);
  await expect(reloaded.getByTestId('my-vote')).toHaveText('EMEA');
  await expect(reloaded.getByRole('button', { name: 'EMEA', exact: true })).toHaveAttribute('aria-pressed', 'true');

  await expectNoSeriousA11yViolations(room.page, '[data-testid="activity-area"]');
  await expectNoSeriousA11yViolations(stage.page, '[data-testid="stage-screen"]');

  // C closes the live poll from the keyboard; everyone sees it closed.
  await pres.page.getByRole('heading', { name: 'Live now' }).click();
  await pres.page.keyboard.press('c');
  await expect(item).toHaveAttribute('data-state', 'closed');
  await expect(reloaded).toHaveAttribute('data-state', 'closed');
  await expect(reloaded).toContainText('Voting is closed');
  await expect(attendeePoll(remote.page, question).getByTestId('my-vote')).toHaveText('Americas');
  await expect(onStage).toHaveAttribute('data-state', 'closed');
  await expect(results.getByTestId('results-total')).toHaveText('2');

  for (const c of [remote.ctx, room.ctx, stage.ctx, pres.ctx, mod.ctx]) await c.close();
});

test('[POLL11] [POLL12] [POLL24] a late joiner sees the running poll; too many picks and a vote on a closed poll get clear errors', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const question = unique('Which features will you lead with?');
  const mod = await staffScreen(browser, links.moderator, 'moderator', 'Mo Moderator');
  const row = await createPollInPanel(mod.page, 'Discovery workshop', { kind: 'multiple', question, options: ['Forecasting', 'Pricing', 'Residency'], maxPicks: 2 });
  await row.getByRole('button', { name: `Launch “${question}”` }).click();
  await expect(row).toHaveAttribute('data-state', 'live');

  // Joined after the launch: the snapshot carries the running poll. This browser will miss the
  // close announcement, so it still offers a vote the server must refuse.
  const late = await attendeeScreen(browser, code, { name: unique('Lee Late'), team: 'EMEA', mode: 'room' }, { prepare: missing(/"poll:closed"/) });
  const poll = attendeePoll(late.page, question);
  await expect(poll).toBeVisible();
  await expect(poll).toContainText('Pick up to 2');
  await poll.getByLabel('Forecasting').check();
  await poll.getByLabel('Pricing').check();
  await poll.getByLabel('Residency').click();
  await expect(late.page.getByTestId('toast-error').filter({ hasText: 'You can pick up to 2 options' })).toBeVisible();
  await expect(poll.getByLabel('Residency')).not.toBeChecked();
  await poll.getByRole('button', { name: 'Submit 2 picks' }).click();
  await expect(poll.getByTestId('vote-receipt')).toContainText('Vote received ✓');
  await expect(poll.getByTestId('my-vote')).toHaveText('Forecasting, Pricing');
  await expect(row.getByTestId('results-total')).toHaveText('1');

  await row.getByRole('button', { name: `Close “${question}”` }).click();
  await expect(row).toHaveAttribute('data-state', 'closed');
  await expect(poll).toHaveAttribute('data-state', 'live');
  await poll.getByRole('button', { name: 'Change my vote' }).click();
  await poll.getByLabel('Pricing').uncheck();
  await poll.getByRole('button', { name: 'Submit 1 pick' }).click();
  await expect(late.page.getByTestId('toast-error').filter({ hasText: 'This poll is closed.' })).toBeVisible();
  // Nothing changed: the reloaded page shows the poll closed with the vote as counted.
  await late.page.reload();
  await expectLive(late.page);
  await expect(poll).toHaveAttribute('data-state', 'closed');
  await expect(poll.getByTestId('my-vote')).toHaveText('Forecasting, Pricing');
  await expect(row.getByTestId('results-total')).toHaveText('1');
  await late.ctx.close();
  await mod.ctx.close();
});

test('[POLL1] [POLL7] [POLL25] a moderator creates a poll in the panel, runs it, and downloads the CSV with the counts', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const question = unique('Which plays will you run first?');
  const mod = await staffScreen(browser, links.moderator, 'moderator', 'Mo Moderator');
  const row = await createPollInPanel(mod.page, KEYNOTE, {
    kind: 'multiple',
    question,
    options: ['Land', 'Expand', 'Renew'],
    maxPicks: 2,
    anonymous: false,
  });

  const roomName = unique('Rita Room');
  const remoteName = unique('Remy Remote');
  const room = await attendeeScreen(browser, code, { name: roomName, team: 'APAC', mode: 'room' });
  const remote = await attendeeScreen(browser, code, { name: remoteName, team: 'EMEA', mode: 'remote' });

  await row.getByRole('button', { name: `Launch “${question}”` }).click();
  await expect(row).toHaveAttribute('data-state', 'live');

  const roomPoll = attendeePoll(room.page, question);
  await roomPoll.getByLabel('Land').check();
  await roomPoll.getByLabel('Expand').check();
  await roomPoll.getByRole('button', { name: 'Submit 2 picks' }).click();
  await expect(roomPoll.getByTestId('my-vote')).toHaveText('Land, Expand');
  const remotePoll = attendeePoll(remote.page, question);
  await remotePoll.getByLabel('Expand').check();
  await remotePoll.getByRole('button', { name: 'Submit 1 pick' }).click();
  await expect(remotePoll.getByTestId('my-vote')).toHaveText('Expand');

  // Live results in the panel, split by cohort.
  await expect(row.getByTestId('results-total')).toHaveText('2');
  await expect(optionRow(row, 'Expand').getByTestId('result-option-count')).toHaveText('2');
  await expect(row.getByTestId('cohort-room-voters')).toHaveText('1');
  await expect(row.getByTestId('cohort-remote-voters')).toHaveText('1');

  await row.getByRole('button', { name: `Close “${question}”` }).click();
  await expect(row).toHaveAttribute('data-state', 'closed');

  const button = mod.page.getByRole('button', { name: 'Download CSV' });
  const [download] = await Promise.all([mod.page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toBe(`rally-polls-${code}.csv`);
  await expect(mod.page.getByTestId('download-status')).toContainText(`Downloaded rally-polls-${code}.csv`);
  await expect(button).toBeEnabled();
  const csv = await readDownload(download);

  const [header, ...rows] = parseCsv(csv);
  expect(header).toEqual(['poll_id', 'session_id', 'poll_order', 'question', 'kind', 'state', 'anonymous', 'row_type', 'item', 'room', 'remote', 'total', 'participant', 'team', 'mode', 'answer']);
  const col = (name: string) => header!.indexOf(name);
  const mine = rows.filter((r) => r[col('question')] === question);
  expect(mine.length).toBeGreaterThan(0);
  expect(new Set(mine.map((r) => r[col('kind')]))).toEqual(new Set(['multiple']));
  expect(new Set(mine.map((r) => r[col('state')]))).toEqual(new Set(['closed']));
  expect(new Set(mine.map((r) => r[col('session_id')]))).toEqual(new Set(['keynote']));

  // Counts recomputed from what this test did: room picked Land + Expand, remote picked Expand.
  const agg = (rowType: string, item: string) => {
    const r = mine.find((x) => x[col('row_type')] === rowType && x[col('item')] === item);
    expect(r, `${rowType} ${item}`).toBeTruthy();
    return [r![col('room')], r![col('remote')], r![col('total')]];
  };
  expect(agg('participation', 'voters')).toEqual(['1', '1', '2']);
  expect(agg('participation', 'present')).toEqual(['1', '1', '2']);
  expect(agg('participation', 'rate')).toEqual(['1', '1', '1']);
  expect(agg('option', 'Land')).toEqual(['1', '0', '1']);
  expect(agg('option', 'Expand')).toEqual(['1', '1', '2']);
  expect(agg('option', 'Renew')).toEqual(['0', '0', '0']);
  // A named poll has one row per voter, with what they picked.
  const votes = mine.filter((r) => r[col('row_type')] === 'vote').map((r) => [r[col('participant')], r[col('team')], r[col('mode')], r[col('answer')]]);
  expect(votes).toHaveLength(2);
  expect(votes).toContainEqual([roomName, 'APAC', 'room', 'Land; Expand']);
  expect(votes).toContainEqual([remoteName, 'EMEA', 'remote', 'Expand']);

  for (const c of [room.ctx, remote.ctx, mod.ctx]) await c.close();
});

test('[POLL9] [POLL19] a presenter’s quick NPS poll: the stage shows the gauge with promoters and detractors', async ({ browser, request }) => {
  const { code, links } = await createEvent(request);
  const question = unique('How likely are you to recommend this kickoff?');
  const pres = await staffScreen(browser, links.presenter, 'presenter', 'Pat Presenter');
  const stage = await stageScreen(browser, links.stage);
  const room = await attendeeScreen(browser, code, { name: unique('Rita Room'), team: 'APAC', mode: 'room' });
  const remote = await attendeeScreen(browser, code, { name: unique('Remy Remote'), team: 'EMEA', mode: 'remote' });

  await launchQuickPoll(pres.page, 'nps', question);
  await expect(pres.page.getByTestId('presenter-poll').filter({ hasText: question })).toHaveAttribute('data-state', 'live');

  const roomPoll = attendeePoll(room.page, question);
  await expect(roomPoll).toContainText('Not likely');
  await expect(roomPoll).toContainText('Very likely');
  await roomPoll.getByRole('button', { name: '10 out of 10' }).tap();
  await expect(roomPoll.getByTestId('my-vote')).toHaveText('10 out of 10');
  await attendeePoll(remote.page, question).getByRole('button', { name: '3 out of 10' }).click();
  await expect(attendeePoll(remote.page, question).getByTestId('my-vote')).toHaveText('3 out of 10');

  const results = stage.page.getByTestId('stage-results');
  await expect(results.getByTestId('results-total')).toHaveText('2');
  await expect(results.getByTestId('nps-promoters')).toHaveText('1');
  await expect(results.getByTestId('nps-detractors')).toHaveText('1');
  await expect(results.getByTestId('nps-score')).toHaveText('0');
  await expect(results.getByRole('img', { name: /NPS gauge/ })).toBeVisible();

  for (const c of [room.ctx, remote.ctx, stage.ctx, pres.ctx]) await c.close();
});

test('[POLL2] [POLL3] [POLL4] moderators edit, duplicate, reorder and delete drafts in the panel', async ({ browser, request }) => {
  const { links } = await createEvent(request);
  const mod = await staffScreen(browser, links.moderator, 'moderator', 'Mo Moderator');
  const section = sessionPolls(mod.page, 'Discovery workshop');
  const first = unique('First question?');
  const second = unique('Second question?');
  await createPollInPanel(mod.page, 'Discovery workshop', { kind: 'single', question: first, options: ['Yes', 'No'] });
  await createPollInPanel(mod.page, 'Discovery workshop', { kind: 'single', question: second, options: ['Left', 'Right'] });
  const questions = section.getByTestId('poll-row-question');
  await expect(questions).toHaveText([first, second]);

  // Edit: the whole content, kind included.
  const edited = `${first} (edited)`;
  await section.getByRole('button', { name: `Edit “${first}”` }).click();
  const form = section.getByTestId('poll-editor');
  await form.getByLabel('Kind').selectOption('rating');
  await form.getByLabel('Question', { exact: true }).fill(edited);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(questions).toHaveText([edited, second]);
  await expect(section.getByTestId('poll-row').first()).toContainText('Rating');

  // Duplicate goes last (a draft like any other: rename it), then move it to the top.
  await section.getByRole('button', { name: `Duplicate “${second}”` }).click();
  await expect(questions).toHaveText([edited, second, second]);
  const third = unique('Third question?');
  await section.getByRole('button', { name: `Edit “${second}”` }).last().click();
  await form.getByLabel('Question', { exact: true }).fill(third);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(questions).toHaveText([edited, second, third]);
  await expect(section.getByRole('button', { name: `Move “${third}” down` })).toBeDisabled();
  await section.getByRole('button', { name: `Move “${third}” up` }).click();
  await expect(questions).toHaveText([edited, third, second]);
  await section.getByRole('button', { name: `Move “${third}” up` }).click();
  await expect(questions).toHaveText([third, edited, second]);
  await expect(section.getByRole('button', { name: `Move “${third}” up` })).toBeDisabled();

  // Delete asks for confirmation.
  await section.getByRole('button', { name: `Delete “${edited}”` }).click();
  await section.getByRole('button', { name: `Confirm deleting “${edited}”` }).click();
  await expect(questions).toHaveText([third, second]);

  // The order is the server's: a reload shows the same.
  await mod.page.reload();
  await expectLive(mod.page);
  await expect(sessionPolls(mod.page, 'Discovery workshop').getByTestId('poll-row-question')).toHaveText([third, second]);
  await expectNoSeriousA11yViolations(mod.page, '[data-testid="moderator-polls"]');
  await mod.ctx.close();
});

test('[POLL10] [POLL22] the presenter’s keys: N launches the next poll, R reveals its results to the audience, C closes; keys typed in a field are text', async ({
  browser,
  request,
}) => {
  const { code, links } = await createEvent(request);
  const question = unique('Reveal me later?');
  const mod = await staffScreen(browser, links.moderator, 'moderator', 'Mo Moderator');
  await mod.page.getByRole('button', { name: `Set “${KEYNOTE}” live` }).click();
  await createPollInPanel(mod.page, KEYNOTE, { kind: 'single', question, options: ['Yes', 'No'], visibility: 'presenter' });
  await mod.ctx.close();

  const pres = await staffScreen(browser, links.presenter, 'presenter', 'Pat Presenter');
  const room = await attendeeScreen(browser, code, { name: unique('Rita Room'), team: 'APAC', mode: 'room' });
  const item = pres.page.getByTestId('presenter-poll').filter({ hasText: question });
  await expect(item).toHaveAttribute('data-state', 'draft');

  // Typing n, r, c into the quick poll's question launches, reveals and closes nothing.
  await pres.page.getByRole('button', { name: 'Quick poll' }).click();
  await pres.page.getByTestId('quick-poll-form').getByLabel('Question', { exact: true }).pressSequentially('ncr');
  await expect(item).toHaveAttribute('data-state', 'draft');
  await pres.page.getByRole('button', { name: 'Cancel' }).click();
  await expectNoSeriousA11yViolations(pres.page, '[data-testid="presenter-polls"]');

  await pres.page.getByRole('heading', { name: 'Live now' }).click();
  await pres.page.keyboard.press('n');
  await expect(item).toHaveAttribute('data-state', 'live');
  const poll = attendeePoll(room.page, question);
  await poll.getByRole('button', { name: 'Yes', exact: true }).tap();
  await expect(poll.getByTestId('my-vote')).toHaveText('Yes');
  // Results for the presenter only: the attendee sees none until the reveal.
  await expect(poll).toContainText('The presenter will share the results.');
  await expect(poll.getByTestId('poll-results')).toHaveCount(0);
  await expect(item.getByTestId('presenter-vote-count')).toContainText('1 vote');

  await pres.page.keyboard.press('r');
  await expect(poll.getByTestId('results-total')).toHaveText('1');
  await expect(optionRow(poll, 'Yes').getByTestId('result-option-room')).toHaveText('1');
  await pres.page.keyboard.press('c');
  await expect(item).toHaveAttribute('data-state', 'closed');
  await expect(poll).toHaveAttribute('data-state', 'closed');
  for (const c of [room.ctx, pres.ctx]) await c.close();
});
