import { expect, type Locator, type Page } from '@playwright/test';

/** A large phone (iPhone 12–15 class): the fold is 844 CSS pixels down. */
export const PHONE_390 = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** The most common laptop screen. */
export const LAPTOP_1366 = { viewport: { width: 1366, height: 768 } };

/** The attendee's "Live now" card. */
export const liveNow = (page: Page): Locator => page.getByTestId('activity-area');

/** Opens the "You" menu in the header (identity, team and mode, room code, leave). */
export async function openYouMenu(page: Page): Promise<Locator> {
  const button = page.getByRole('button', { name: 'You', exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  const menu = page.getByTestId('you-menu');
  await expect(menu).toBeVisible();
  return menu;
}
