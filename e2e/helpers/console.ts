import { expect, type Page } from '@playwright/test';

export type ConsoleSectionId = 'live' | 'polls' | 'qa' | 'people' | 'engagement' | 'settings';

/** Moves the moderator console to a section through its nav, as a moderator would. */
export async function openSection(page: Page, id: ConsoleSectionId) {
  await page.getByTestId(`console-nav-${id}`).click();
  await expect(page.getByTestId(`console-section-${id}`)).toBeVisible();
}
