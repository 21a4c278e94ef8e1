import { expect, type Page } from '@playwright/test';

/**
 * [SEC40] [SEC41] Script-bearing text, and a watch on the page for what it would do if it ran:
 * each payload sets `window.__rallyXss` when executed, and a page that let markup through would
 * also trip the Content Security Policy (inline handlers and inline scripts are not allowed).
 */
export const SCRIPTS = {
  img: `<img src=x onerror="window.__rallyXss=1">`,
  script: `<script>window.__rallyXss=1</script>`,
  svg: `<svg onload="window.__rallyXss=1">`,
  link: `javascript:window.__rallyXss=1//`,
  style: `<style>*{display:none}</style><b onmouseover="window.__rallyXss=1">`,
  // Short enough for a word-cloud entry (40 characters, lower-cased by the server): what it does
  // when it runs is open a dialog, which the watch counts.
  dialog: `<img src=x onerror=alert(1)>`,
} as const;

/** A short unique label with a payload, within every text field's limits (names: 60). */
export const hostile = (label: string, payload: keyof typeof SCRIPTS) => `${label} ${SCRIPTS[payload]}`;

export interface Watched {
  /** CSP violations, console errors naming the policy and dialogs opened, collected since the page opened. */
  violations: string[];
}

/** Installs the watch before the page's first script runs. */
export async function watch(page: Page): Promise<Watched> {
  const w: Watched = { violations: [] };
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __rallyCsp: string[] }).__rallyCsp ??= [];
      (window as unknown as { __rallyCsp: string[] }).__rallyCsp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`);
    });
  });
  page.on('dialog', (d) => {
    w.violations.push(`a ${d.type()} dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(m.text())) w.violations.push(m.text());
  });
  return w;
}

/** No payload ran and the policy was never violated, on this page, so far. */
export async function expectNothingRan(page: Page, w: Watched, where: string) {
  const state = await page.evaluate(() => ({
    xss: (window as unknown as { __rallyXss?: number }).__rallyXss ?? null,
    csp: (window as unknown as { __rallyCsp?: string[] }).__rallyCsp ?? [],
  }));
  expect(state.xss, `${where}: a payload ran`).toBeNull();
  expect([...state.csp, ...w.violations], `${where}: CSP violations or dialogs`).toEqual([]);
  // And nothing was parsed as markup: no element carries a payload's handler.
  expect(await page.locator('[onerror],[onload],[onmouseover]').count(), `${where}: injected elements`).toBe(0);
}
