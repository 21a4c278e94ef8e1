import { expect, test, type Page } from '@playwright/test';
import { ADMIN_TOKEN } from './env';
import { createEvent } from './helpers/event';

/**
 * [OPS51] [OPS52] The organiser archives, then deletes, a finished event from the organiser page,
 * each behind a confirmation. Screenshots at phone, laptop and projector sizes go to test-results.
 */

const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const finished = [{ id: 'day1', title: 'Day one', kind: 'keynote', startsAt: hoursFromNow(-5), endsAt: hoursFromNow(-1), speakers: [] }];
const upcoming = [{ id: 'day2', title: 'Day two', kind: 'keynote', startsAt: hoursFromNow(1), endsAt: hoursFromNow(5), speakers: [] }];

async function signIn(page: Page) {
  await page.goto('/organiser');
  await page.getByTestId('admin-token').fill(ADMIN_TOKEN);
  await page.getByTestId('admin-token-save').click();
}

const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['laptop', { width: 1366, height: 768 }],
  ['laptop-1280', { width: 1280, height: 800 }],
  ['projector', { width: 1920, height: 1080 }],
] as const;

test('[OPS51] [OPS52] the organiser archives a finished event, then deletes it, each after a confirmation; an event not over yet cannot be', async ({ page, request }, info) => {
  const done = await createEvent(request, { name: 'Finished kickoff', agenda: finished });
  const later = await createEvent(request, { name: 'Upcoming kickoff', agenda: upcoming });
  await page.setViewportSize(SIZES[1][1]);
  await signIn(page);

  const card = page.locator(`[data-event-id="${done.event.id}"]`).last();
  const laterCard = page.locator(`[data-event-id="${later.event.id}"]`).last();
  await laterCard.locator('summary').click();
  await expect(laterCard.getByTestId('archive-event')).toBeDisabled();
  await expect(laterCard.getByTestId('not-over-note')).toBeVisible();
  await laterCard.getByTestId('not-over-note').scrollIntoViewIfNeeded();
  await page.screenshot({ path: info.outputPath('not-over-laptop.png') });
  await laterCard.locator('summary').click();

  await card.locator('summary').click();
  await card.getByTestId('archive-event').click();
  await expect(card.getByTestId('archive-explainer')).toBeVisible();
  for (const [name, size] of SIZES) {
    await page.setViewportSize(size);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: info.outputPath(`archive-confirm-${name}.png`), fullPage: false });
  }
  await page.setViewportSize(SIZES[1][1]);
  await card.getByTestId('archive-confirm').click();
  await expect(card.getByTestId('event-archived')).toBeVisible();
  await expect(card.getByTestId('archived-note')).toBeVisible();
  // The server agrees: joining is refused.
  const join = await request.post('/api/join', { data: { code: done.code, name: 'Late', mode: 'remote', team: 'EMEA' } });
  expect(join.status()).toBe(409);
  expect((await join.json()).error.code).toBe('EVENT_ARCHIVED');

  await card.getByTestId('delete-event').click();
  await expect(card.getByTestId('delete-explainer')).toContainText('Finished kickoff');
  for (const [name, size] of SIZES) {
    await page.setViewportSize(size);
    await card.getByTestId('delete-confirm').scrollIntoViewIfNeeded();
    // What deleting does is read before the button that does it.
    const [explainer, confirm] = await Promise.all([card.getByTestId('delete-explainer').boundingBox(), card.getByTestId('delete-confirm').boundingBox()]);
    expect(explainer!.y + explainer!.height, `${name}: the explanation ends above the delete button`).toBeLessThanOrEqual(confirm!.y);
    await page.screenshot({ path: info.outputPath(`delete-confirm-${name}.png`), fullPage: false });
  }
  await page.setViewportSize(SIZES[1][1]);
  await card.getByTestId('delete-confirm').click();
  await expect(page.locator(`[data-event-id="${done.event.id}"]`)).toHaveCount(0);
  const gone = await request.get(`/api/events/${done.event.id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(gone.status()).toBe(404);
});
