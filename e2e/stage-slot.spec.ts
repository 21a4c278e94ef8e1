import { expect, test } from '@playwright/test';
import { drive, keyOf, type Driver } from './helpers/drive';
import { createEvent, keynoteSession, workshopSession } from './helpers/event';
import { attendeeScreen, staffScreen, stageScreen, type Screen } from './helpers/screens';

/*
 * [STAGE30..34] The stage slot, as the people in the room see it: what a new user hit before the slot
 * existed (a question shown while a poll was live never reached the projector; a session change left
 * the previous poll and announcement on every screen), reproduced in real Chromium.
 */

const SETTINGS = { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null };

const open: Screen[] = [];
const drivers: Driver[] = [];
test.afterEach(async () => {
  for (const d of drivers.splice(0)) d.close();
  for (const s of open.splice(0)) await s.ctx.close();
});

async function scene(request: Parameters<typeof drive>[0]) {
  const ev = await createEvent(request, { name: 'Slot SKO', agenda: [keynoteSession(), workshopSession()], settings: { moderation: 'post' } });
  const mod = await drive(request, ev.code, { name: 'Desk', key: keyOf(ev.links.moderator) });
  drivers.push(mod);
  await mod.send('session:setLive', { sessionId: 'keynote' });
  return { ev, mod };
}

test('[STAGE30] [STAGE33] a question shown while a poll is live replaces the poll on the projector, also after a reload', async ({ browser, request }) => {
  const { ev, mod } = await scene(request);
  const poll = await mod.send('poll:create', { sessionId: 'keynote', draft: { kind: 'single', question: 'Which launch excites you most?', options: ['Cloud', 'Edge'], settings: SETTINGS } });
  await mod.send('poll:launch', { pollId: poll.id });
  const asker = await drive(request, ev.code, { name: 'Ada', mode: 'remote', team: 'EMEA' });
  drivers.push(asker);
  const q = await asker.send('question:submit', { text: 'Will the new pricing apply to renewals?', anonymous: false });

  const stage = await stageScreen(browser, ev.links.stage);
  open.push(stage);
  await expect(stage.page.getByTestId('stage-poll')).toBeVisible();

  const pres = await staffScreen(browser, ev.links.presenter, 'presenter', 'Priya');
  open.push(pres);
  const item = pres.page.locator(`[data-testid="presenter-question"][data-question-id="${q.id}"]`);
  await item.getByTestId('highlight').click();
  await expect(item).toHaveClass(/is-on-stage/);

  await expect(stage.page.getByTestId('stage-question-text')).toHaveText('Will the new pricing apply to renewals?');
  await expect(stage.page.getByTestId('stage-poll')).toHaveCount(0);
  await stage.page.reload();
  await expect(stage.page.getByTestId('stage-question-text')).toHaveText('Will the new pricing apply to renewals?');
  await expect(stage.page.getByTestId('stage-poll')).toHaveCount(0);
});

test('[STAGE32] [STAGE34] "Set live" on the next session clears the old poll and the announcement from the projector and from "Live now"', async ({ browser, request }) => {
  const { ev, mod } = await scene(request);
  const poll = await mod.send('poll:create', { sessionId: 'keynote', draft: { kind: 'single', question: 'Keynote poll, now over?', options: ['Yes', 'No'], settings: SETTINGS } });
  await mod.send('poll:launch', { pollId: poll.id });
  await mod.send('poll:close', { pollId: poll.id });
  await mod.send('announcement:send', { text: 'Coffee is served in the lobby', audience: 'all' });

  const stage = await stageScreen(browser, ev.links.stage);
  open.push(stage);
  const phone = await attendeeScreen(browser, ev.code, { name: 'Rita', mode: 'remote', team: 'EMEA' });
  open.push(phone);
  await expect(stage.page.getByTestId('stage-poll-question')).toHaveText('Keynote poll, now over?');
  await expect(stage.page.getByTestId('stage-announcement')).toContainText('Coffee is served in the lobby');
  await expect(phone.page.getByTestId('activity-area')).toContainText('Keynote poll, now over?');

  await mod.send('session:setLive', { sessionId: 'workshop' });

  await expect(stage.page.getByTestId('stage-screen')).toHaveAttribute('data-slot', 'idle');
  await expect(stage.page.getByTestId('stage-poll')).toHaveCount(0);
  await expect(stage.page.getByTestId('stage-announcement')).toHaveCount(0);
  await expect(phone.page.getByTestId('activity-area')).not.toContainText('Keynote poll, now over?');
  await phone.page.reload();
  await expect(phone.page.getByTestId('activity-area')).toBeVisible();
  await expect(phone.page.getByTestId('activity-area')).not.toContainText('Keynote poll, now over?');
});

test('[STAGE34] a timed announcement leaves every screen by itself', async ({ browser, request }) => {
  const { ev, mod } = await scene(request);
  const stage = await stageScreen(browser, ev.links.stage);
  open.push(stage);
  await mod.send('announcement:send', { text: 'Doors close in five seconds', audience: 'all', lifetimeSec: 5 });
  await expect(stage.page.getByTestId('stage-announcement')).toContainText('Doors close in five seconds');
  await expect(stage.page.getByTestId('stage-announcement')).toHaveCount(0, { timeout: 10_000 });
});
