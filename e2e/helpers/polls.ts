import { expect, type Locator, type Page } from '@playwright/test';
import { openSection } from './console';

/** A session's section of the moderator's poll panel, by the session's title. */
export function sessionPolls(mod: Page, title: string): Locator {
  return mod.getByTestId('session-polls').filter({ has: mod.getByRole('heading', { name: new RegExp(`^${title}`) }) });
}

/** Writes a poll in the moderator panel under `session`; returns its row, checked to be a draft. */
export async function createPollInPanel(
  mod: Page,
  session: string,
  poll: {
    kind: 'single' | 'multiple';
    question: string;
    options: string[];
    maxPicks?: number;
    anonymous?: boolean;
    visibility?: 'live' | 'after-close' | 'presenter';
  },
): Promise<Locator> {
  await openSection(mod, 'polls');
  const section = sessionPolls(mod, session);
  await section.getByRole('button', { name: `Add a poll to “${session}”` }).click();
  const form = section.getByTestId('poll-editor');
  await form.getByLabel('Kind').selectOption(poll.kind);
  await form.getByLabel('Question', { exact: true }).fill(poll.question);
  for (let i = 0; i < poll.options.length; i++) {
    // The editor starts with two option fields.
    if (i >= 2) await form.getByRole('button', { name: 'Add option' }).click();
    await form.getByLabel(`Option ${i + 1}`, { exact: true }).fill(poll.options[i]!);
  }
  if (poll.maxPicks !== undefined) await form.getByLabel('Pick up to').fill(String(poll.maxPicks));
  if (poll.anonymous === false) await form.getByLabel(/^Anonymous/).uncheck();
  if (poll.visibility) await form.getByLabel('Results visible to the audience').selectOption(poll.visibility);
  await form.getByRole('button', { name: 'Create poll' }).click();
  await expect(form).toHaveCount(0);
  const row = section.getByTestId('poll-row').filter({ hasText: poll.question });
  await expect(row).toHaveAttribute('data-state', 'draft');
  return row;
}

/** The presenter's quick poll: written and launched in one go from the presenter view. */
export async function launchQuickPoll(pres: Page, kind: 'nps', question: string) {
  await pres.getByRole('button', { name: 'Quick poll' }).click();
  const form = pres.getByTestId('quick-poll-form');
  await form.getByLabel('Kind').selectOption(kind);
  await form.getByLabel('Question', { exact: true }).fill(question);
  await form.getByRole('button', { name: 'Launch now' }).click();
}

/** A poll card on an attendee's screen, by its question. */
export function attendeePoll(page: Page, question: string): Locator {
  return page.getByTestId('attendee-poll').filter({ hasText: question });
}
