import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { BREAKOUT_LIMITS, POLL_LIMITS, QA_LIMITS, QUIZ_LIMITS, STAGE_LIMITS, type Poll, type QuestionView, type QuizRunPhase } from '@rally/shared';
import { createEvent, keynoteSession, workshopSession } from './helpers/event';
import { crowd, drive, keyOf, type Driver } from './helpers/drive';
import { newScreen, expectLive } from './helpers/screens';

/*
 * [STAGE40..STAGE45] The projector always fits: at the three common projector sizes, whatever is on
 * stage (idle, each poll kind, a question, the leaderboard), with the longest texts the protocol
 * allows and with the longest announcement, nothing is clipped, nothing overlaps, the QR code stays
 * clear and the page never scrolls. Result bars are as long as the share they state.
 */

const SHOTS = join(tmpdir(), 'rally-stage-fit');

const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
];

/** Text of exactly `n` characters, in words (so it wraps as real text does), numbered by `tag`. */
function longText(tag: string, n: number): string {
  const words = 'quarterly pipeline enablement territory forecast onboarding renewals partners'.split(' ');
  let s = `${tag}`;
  for (let i = 0; s.length < n; i++) s += ` ${words[i % words.length]}`;
  return s.slice(0, n).trimEnd().padEnd(n, 'x');
}

const LONG_ANNOUNCEMENT = longText('Announcement: the bus to the evening venue leaves from the north entrance', STAGE_LIMITS.announcement);

/** What the projector must never do, as a list of readable problems (empty: it fits). */
async function fitProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const doc = document.documentElement;
    if (doc.scrollHeight > vh + 1) problems.push(`the page is ${doc.scrollHeight}px tall in a ${vh}px viewport`);
    if (doc.scrollWidth > vw + 1) problems.push(`the page is ${doc.scrollWidth}px wide in a ${vw}px viewport`);
    const stage = document.querySelector('[data-testid="stage-screen"]');
    if (!stage) return ['no stage screen'];
    const qrEl = stage.querySelector('[data-testid="stage-qr"]');
    if (!qrEl) problems.push('no QR code');
    const qr = qrEl?.getBoundingClientRect();

    // Decorative floats (reactions) and screen-reader-only text are not drawn content.
    const skip = (el: Element) => el.closest('.reaction-layer, .visually-hidden') !== null;
    const shown = (el: Element) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && el.getBoundingClientRect().width > 0;
    const name = (el: Element) => {
      const id = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${cls}`;
    };
    const hit = (a: DOMRect, b: DOMRect, tol = 0.5) => a.left < b.right - tol && b.left < a.right - tol && a.top < b.bottom - tol && b.top < a.bottom - tol;
    const clips = (cs: CSSStyleDeclaration) => cs.overflowX !== 'visible' || cs.overflowY !== 'visible';

    const all = [stage, ...stage.querySelectorAll('*')].filter((el) => !skip(el) && shown(el));
    for (const el of all) {
      // Containers that clip: their content fits in them.
      if (clips(getComputedStyle(el))) {
        if (el.scrollHeight > el.clientHeight + 1) problems.push(`${name(el)} cuts off its content: ${el.scrollHeight}px in ${el.clientHeight}px`);
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)} cuts off its content: ${el.scrollWidth}px wide in ${el.clientWidth}px`);
      }
      // Nothing is drawn over the QR code.
      if (qrEl && qr && el !== qrEl && !el.contains(qrEl) && !qrEl.contains(el) && hit(el.getBoundingClientRect(), qr)) problems.push(`${name(el)} overlaps the QR code`);
    }

    // Every line of text: inside the viewport, inside each clipping box around it, over no other text.
    const lines: { rect: DOMRect; node: Text; label: string }[] = [];
    const walker = document.createTreeWalker(stage, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n as Text;
      const parent = t.parentElement;
      if (!parent || !t.data.trim() || skip(parent) || !shown(parent)) continue;
      const range = document.createRange();
      range.selectNodeContents(t);
      const label = `"${t.data.trim().slice(0, 40)}" (${name(parent)})`;
      for (const rect of range.getClientRects()) {
        if (rect.width < 1 || rect.height < 1) continue;
        if (rect.left < -1 || rect.top < -1 || rect.right > vw + 1 || rect.bottom > vh + 1) problems.push(`${label} is outside the viewport`);
        for (let a = parent; a && a !== document.body; a = a.parentElement!) {
          if (!clips(getComputedStyle(a))) continue;
          const box = a.getBoundingClientRect();
          if (rect.left < box.left - 1 || rect.right > box.right + 1 || rect.top < box.top - 1 || rect.bottom > box.bottom + 1) {
            problems.push(`${label} is cut off by ${name(a)}`);
            break;
          }
        }
        lines.push({ rect, node: t, label });
      }
    }
    for (let i = 0; i < lines.length; i++) {
      for (let j = i + 1; j < lines.length; j++) {
        const a = lines[i]!;
        const b = lines[j]!;
        if (a.node === b.node) continue;
        // Glyph boxes of tight lines touch; text drawn over text overlaps by a good part of a line.
        const dy = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
        const dx = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
        if (dx > 2 && dy > 0.35 * Math.min(a.rect.height, b.rect.height)) problems.push(`${a.label} overlaps ${b.label}`);
      }
    }
    return [...new Set(problems)];
  });
}

const opened: BrowserContext[] = [];
test.afterEach(async () => {
  for (const ctx of opened.splice(0)) await ctx.close();
});

async function openStage(browser: Browser, link: string): Promise<Page> {
  const { ctx, page } = await newScreen(browser, { viewport: VIEWPORTS[0]! });
  opened.push(ctx);
  await page.goto(link);
  await expectLive(page);
  return page;
}

/**
 * Checks the projector at every viewport, without and then with the longest announcement, and
 * keeps a screenshot of each for a person to look at.
 */
async function expectFitsEverywhere(page: Page, mod: Driver, scene: string, ready: (page: Page) => Promise<void>) {
  for (const announced of [false, true]) {
    if (announced) {
      await mod.send('announcement:send', { text: LONG_ANNOUNCEMENT, audience: 'all' });
      await expect(page.getByTestId('stage-announcement')).toContainText(LONG_ANNOUNCEMENT.slice(0, 40));
    }
    for (const vp of VIEWPORTS) {
      await page.setViewportSize(vp);
      await ready(page);
      // Fitting settles after a resize (fonts, measure-and-scale); poll until it holds.
      await expect.poll(() => fitProblems(page), { message: `${scene} at ${vp.width}x${vp.height}${announced ? ' with an announcement' : ''}`, timeout: 5000 }).toEqual([]);
      // Outside the results folder, which each run empties: a person compares them across runs.
      await page.screenshot({ path: join(SHOTS, `${scene}-${vp.width}x${vp.height}${announced ? '-announcement' : ''}.png`) });
    }
  }
}

/** An event whose agenda has the longest titles; the moderator as a scripted socket. */
async function longEvent(request: APIRequestContext, teams?: string[]) {
  const created = await createEvent(request, {
    name: longText('Sales Kickoff', 100),
    settings: { verifyRoomMode: false, moderation: 'post' },
    agenda: [{ ...keynoteSession(), title: longText('Opening keynote', 120) }, { ...workshopSession(), title: longText('Discovery workshop', 120) }],
    ...(teams ? { teams } : {}),
  });
  const mod = await drive(request, created.code, { name: 'Mo Moderator', key: keyOf(created.links.moderator) });
  return { ...created, mod };
}

const TEAMS = ['EMEA', 'Americas', 'APAC'];
const attendee = (i: number) => ({ name: `Attendee ${i}`, team: TEAMS[i % TEAMS.length]!, mode: i % 3 === 0 ? ('remote' as const) : ('room' as const) });

async function launch(mod: Driver, draft: Record<string, unknown>): Promise<Poll> {
  const poll = await mod.send('poll:create', { sessionId: 'keynote', draft: { settings: { anonymous: false, resultsVisibility: 'live', allowChange: true, durationSec: null }, ...draft } });
  return mod.send('poll:launch', { pollId: poll.id });
}

test('[STAGE42] result bars are as long as the share they state: 60 % is three quarters of 80 %', async ({ browser, request }) => {
  const { code, links, mod } = await longEvent(request);
  const people = await crowd(request, code, 5, attendee);
  const poll = await launch(mod, { kind: 'multiple', question: 'Which regions did you visit this year?', options: ['North', 'South', 'West'], maxPicks: 3 });
  const [n, s, w] = (poll as Extract<Poll, { kind: 'multiple' }>).options.map((o) => o.id);
  // 5 voters: North 3 (60 %), South 4 (80 %), West 2 (40 %).
  const picks = [[n, s], [n, s], [n, s, w], [s], [w]];
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: poll.id, vote: { kind: 'multiple', optionIds: picks[i] } });
  const page = await openStage(browser, links.stage);
  const rows = page.getByTestId('result-option');
  await expect(rows.filter({ hasText: 'South' }).getByTestId('result-option-count')).toHaveText('4');

  for (const vp of VIEWPORTS) {
    await page.setViewportSize(vp);
    const bars = await rows.evaluateAll((els) =>
      els.map((el) => {
        const track = el.querySelector('.bar-track')!.getBoundingClientRect().width;
        const filled = [...el.querySelectorAll('.bar-fill')].reduce((sum, f) => sum + f.getBoundingClientRect().width, 0);
        const stated = Number(/(\d+)\s*%/.exec(el.querySelector('.bar-value')!.textContent ?? '')![1]);
        return { track, filled, stated };
      }),
    );
    expect(bars.map((b) => b.stated)).toEqual([60, 80, 40]);
    for (const b of bars) expect(Math.abs(b.filled - (b.track * b.stated) / 100), `a ${b.stated} % bar on a ${b.track}px track`).toBeLessThanOrEqual(2);
    const [a, b] = bars;
    expect(Math.abs(a!.filled * 80 - b!.filled * 60) / 80).toBeLessThanOrEqual(2);
  }
  for (const p of people) p.close();
  mod.close();
});

test('[STAGE42] the NPS stack\'s segments are as long as their share of the answers', async ({ browser, request }) => {
  const { code, links, mod } = await longEvent(request);
  const people = await crowd(request, code, 10, attendee);
  const poll = await launch(mod, { kind: 'nps', question: 'How likely are you to recommend the kickoff?' });
  // 10 answers: 5 promoters (9-10), 3 passives (7-8), 2 detractors (0-6).
  const values = [10, 9, 10, 9, 10, 7, 8, 7, 3, 6];
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: poll.id, vote: { kind: 'nps', value: values[i] } });
  const page = await openStage(browser, links.stage);
  await expect(page.getByTestId('nps-promoters')).toHaveText('5');
  await expect(page.getByTestId('nps-detractors')).toHaveText('2');

  for (const vp of VIEWPORTS) {
    await page.setViewportSize(vp);
    // The counts the legend states, and the drawn width of each segment in the stack.
    const drawn = await page.locator('.nps-parts').evaluate((parts) => {
      const stack = parts.querySelector('.nps-stack')!.getBoundingClientRect().width;
      const width = (cls: string) => parts.querySelector(`.nps-seg.${cls}`)!.getBoundingClientRect().width;
      const count = (id: string) => Number(parts.querySelector(`[data-testid="${id}"]`)!.textContent);
      return {
        stack,
        segments: [
          { width: width('seg-promoters'), count: count('nps-promoters') },
          { width: width('seg-passives'), count: count('nps-passives') },
          { width: width('seg-detractors'), count: count('nps-detractors') },
        ],
      };
    });
    const total = drawn.segments.reduce((sum, s) => sum + s.count, 0);
    expect(total).toBe(values.length);
    expect(drawn.stack).toBeGreaterThan(0);
    for (const s of drawn.segments) {
      expect(Math.abs(s.width - (drawn.stack * s.count) / total), `${s.count} of ${total} on a ${drawn.stack}px stack at ${vp.width}x${vp.height}`).toBeLessThanOrEqual(1.5);
    }
    // The segments fill the stack exactly: no gap, no overflow.
    expect(Math.abs(drawn.segments.reduce((sum, s) => sum + s.width, 0) - drawn.stack)).toBeLessThanOrEqual(1.5);
  }
  await page.screenshot({ path: join(SHOTS, 'nps-stack-1024x768.png') });
  for (const p of people) p.close();
  mod.close();
});

test('[STAGE40] [STAGE41] [STAGE43] the idle stage fits every projector, with the longest event name, agenda titles and announcement', async ({ browser, request }) => {
  const { links, mod } = await longEvent(request);
  const page = await openStage(browser, links.stage);
  await expectFitsEverywhere(page, mod, 'idle', async (p) => {
    await expect(p.getByTestId('stage-join-code')).toBeVisible();
  });
  mod.close();
});

test('[STAGE40] [STAGE41] [STAGE44] a single-choice poll with the most options, each of the longest label, fits with its results', async ({ browser, request }) => {
  const { code, links, mod } = await longEvent(request);
  const people = await crowd(request, code, 12, attendee);
  const options = Array.from({ length: POLL_LIMITS.maxOptions }, (_, i) => longText(`Option ${i + 1}`, POLL_LIMITS.optionLabel));
  const poll = (await launch(mod, { kind: 'single', question: longText('Which', POLL_LIMITS.question), options })) as Extract<Poll, { kind: 'single' }>;
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: poll.id, vote: { kind: 'single', optionId: poll.options[i % poll.options.length]!.id } });
  const page = await openStage(browser, links.stage);
  await expectFitsEverywhere(page, mod, 'single-10', async (p) => {
    await expect(p.getByTestId('result-option')).toHaveCount(POLL_LIMITS.maxOptions);
    await expect(p.getByTestId('results-total')).toHaveText(String(people.length));
  });
  for (const p of people) p.close();
  mod.close();
});

test('[STAGE40] [STAGE41] a live poll whose results are hidden lists its longest options and fits', async ({ browser, request }) => {
  const { links, mod } = await longEvent(request);
  const options = Array.from({ length: POLL_LIMITS.maxOptions }, (_, i) => longText(`Option ${i + 1}`, POLL_LIMITS.optionLabel));
  await launch(mod, { kind: 'single', question: longText('Which', POLL_LIMITS.question), options, settings: { anonymous: true, resultsVisibility: 'after-close', allowChange: true, durationSec: 600 } });
  const page = await openStage(browser, links.stage);
  await expectFitsEverywhere(page, mod, 'single-hidden', async (p) => {
    await expect(p.locator('.stage-options li')).toHaveCount(POLL_LIMITS.maxOptions);
  });
  mod.close();
});

test('[STAGE40] [STAGE41] NPS results keep their headline, gauge and cohort line on every projector', async ({ browser, request }) => {
  const { code, links, mod } = await longEvent(request);
  const people = await crowd(request, code, 9, attendee);
  const poll = await launch(mod, { kind: 'nps', question: longText('How likely', POLL_LIMITS.question) });
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: poll.id, vote: { kind: 'nps', value: (i * 7) % 11 } });
  await mod.send('poll:close', { pollId: poll.id });
  const page = await openStage(browser, links.stage);
  await expectFitsEverywhere(page, mod, 'nps', async (p) => {
    await expect(p.getByTestId('stage-poll')).toHaveAttribute('data-state', 'closed');
    await expect(p.getByTestId('nps-score')).toBeVisible();
    await expect(p.locator('.nps-cohorts')).toBeVisible();
    await expect(p.locator('.nps-gauge svg')).toBeVisible();
  });
  for (const p of people) p.close();
  mod.close();
});

test('[STAGE40] [STAGE41] [STAGE45] an open-text wall with many of the longest answers pages through them, each page fitting', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const { code, links, mod } = await longEvent(request);
  const people = await crowd(request, code, 10, attendee);
  const poll = await launch(mod, { kind: 'open', question: longText('What', POLL_LIMITS.question) });
  const submitted: string[] = [];
  mod.socket.on('poll:answerSubmitted', (a: { id: string }) => submitted.push(a.id));
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: poll.id, vote: { kind: 'open', text: longText(`Answer ${i + 1}`, i % 2 ? 60 : POLL_LIMITS.openText) } });
  await expect.poll(() => submitted.length).toBe(people.length);
  for (const answerId of submitted) await mod.send('poll:moderateAnswer', { pollId: poll.id, answerId, approved: true });
  const page = await openStage(browser, links.stage);
  const pager = page.getByTestId('stage-page');
  await expectFitsEverywhere(page, mod, 'wall', async (p) => {
    await expect(p.locator('.wall-count')).toContainText(`${people.length} approved answers`);
    await expect(pager).toHaveText(/page \d+ of \d+/i);
  });
  // Every answer is shown on some page: the pages rotate by themselves.
  const seen = new Set<string>();
  const total = Number(/of (\d+)/i.exec((await pager.textContent()) ?? '')![1]);
  await expect
    .poll(
      async () => {
        for (const t of await page.getByTestId('wall-entry').locator('.wall-text').allTextContents()) seen.add(/^Answer \d+/.exec(t)![0]);
        return seen.size;
      },
      { timeout: total * 12_000, intervals: [500] },
    )
    .toBe(people.length);
  for (const p of people) p.close();
  mod.close();
});

test('[STAGE40] [STAGE41] a word cloud of long words, a rating and a multiple-choice poll fit', async ({ browser, request }) => {
  const { code, links, mod } = await longEvent(request);
  const people = await crowd(request, code, 24, attendee);
  const page = await openStage(browser, links.stage);

  const cloud = await launch(mod, { kind: 'wordcloud', question: longText('One word', POLL_LIMITS.question) });
  const word = (i: number) => `${'Transformation'.repeat(3)}${String.fromCharCode(65 + (i % 26))}`.slice(0, POLL_LIMITS.wordCloudEntry - 1) + String.fromCharCode(97 + (i % 26));
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: cloud.id, vote: { kind: 'wordcloud', text: i % 4 === 0 ? 'pipeline' : word(i) } });
  await expectFitsEverywhere(page, mod, 'wordcloud', async (p) => {
    await expect(p.getByTestId('stage-poll')).toHaveAttribute('data-poll-id', cloud.id);
    await expect(p.getByTestId('cloud-word').first()).toBeVisible();
  });
  await mod.send('poll:close', { pollId: cloud.id });

  const rating = await launch(mod, { kind: 'rating', scale: 10, question: longText('Rate', POLL_LIMITS.question) });
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: rating.id, vote: { kind: 'rating', value: 1 + (i % 10) } });
  await expectFitsEverywhere(page, mod, 'rating', async (p) => {
    await expect(p.getByTestId('stage-poll')).toHaveAttribute('data-poll-id', rating.id);
    await expect(p.getByTestId('rating-bar')).toHaveCount(10);
  });
  await mod.send('poll:close', { pollId: rating.id });

  const options = Array.from({ length: POLL_LIMITS.maxOptions }, (_, i) => longText(`Choice ${i + 1}`, POLL_LIMITS.optionLabel));
  const multi = (await launch(mod, { kind: 'multiple', maxPicks: 3, question: longText('Which', POLL_LIMITS.question), options })) as Extract<Poll, { kind: 'multiple' }>;
  for (const [i, p] of people.entries()) await p.send('poll:vote', { pollId: multi.id, vote: { kind: 'multiple', optionIds: [multi.options[i % 10]!.id, multi.options[(i + 3) % 10]!.id] } });
  await expectFitsEverywhere(page, mod, 'multiple-10', async (p) => {
    await expect(p.getByTestId('stage-poll')).toHaveAttribute('data-poll-id', multi.id);
    await expect(p.getByTestId('result-option')).toHaveCount(POLL_LIMITS.maxOptions);
  });
  for (const p of people) p.close();
  mod.close();
});

test('[STAGE40] [STAGE41] the longest audience question, by the longest name, fits', async ({ browser, request }) => {
  const { code, links, mod } = await longEvent(request);
  const asker = await drive(request, code, { name: longText('Alexandra', 60), team: 'EMEA', mode: 'room' });
  const q = await asker.send('question:submit', { text: longText('Question', QA_LIMITS.text), anonymous: false });
  if ((q as QuestionView).state === 'pending') await mod.send('question:approve', { questionId: q.id });
  await mod.send('question:highlight', { questionId: q.id });
  const page = await openStage(browser, links.stage);
  await expectFitsEverywhere(page, mod, 'question', async (p) => {
    await expect(p.getByTestId('stage-question')).toBeVisible();
  });
  asker.close();
  mod.close();
});

test('[STAGE40] [STAGE41] [STAGE45] a long leaderboard of teams, then of people, pages through on every projector', async ({ browser, request }) => {
  test.setTimeout(120_000);
  // The longest team names; more teams than one page holds.
  const teams = Array.from({ length: 20 }, (_, i) => longText(`Team ${String(i + 1).padStart(2, '0')}`, 40));
  const { code, links, mod } = await longEvent(request, teams);
  await mod.send('engagement:configure', { settings: { leaderboard: 'all' } });
  const people = await crowd(request, code, teams.length, (i) => ({ name: longText(`Person ${i + 1}`, 60), team: teams[i]!, mode: i % 2 ? 'remote' : 'room' }));
  const poll = await launch(mod, { kind: 'rating', scale: 5, question: 'How is it going?' });
  for (const p of people) await p.send('poll:vote', { pollId: poll.id, vote: { kind: 'rating', value: 4 } });
  // The board is recomputed every few seconds; wait until it ranks every team.
  await mod.waitFor<{ teams: unknown[] }>('engagement:leaderboardUpdated', (b) => b.teams.length === teams.length, 20_000);
  const page = await openStage(browser, links.stage);

  await mod.send('stage:show', { slot: { kind: 'leaderboard', board: 'teams' } });
  await expectFitsEverywhere(page, mod, 'leaderboard-teams', async (p) => {
    await expect(p.getByTestId('stage-leaderboard')).toHaveAttribute('data-board', 'teams');
    await expect(p.getByTestId('stage-page')).toHaveText(/page \d of 3/i);
  });
  await mod.send('announcement:clear', {});
  await expect(page.getByTestId('stage-announcement')).toHaveCount(0);

  await mod.send('stage:show', { slot: { kind: 'leaderboard', board: 'people' } });
  await expectFitsEverywhere(page, mod, 'leaderboard-people', async (p) => {
    await expect(p.getByTestId('stage-leaderboard')).toHaveAttribute('data-board', 'people');
    await expect(p.getByTestId('stage-page')).toHaveText(/page \d of 2/i);
  });
  for (const p of people) p.close();
  mod.close();
});

test('[UI57] [STAGE40] [STAGE41] [STAGE44] a quiz with the longest texts fits in every phase: lobby, answering, reveal, standings and podium', async ({ browser, request }) => {
  test.setTimeout(180_000);
  const teams = Array.from({ length: 3 }, (_, i) => longText(`Team ${i + 1}`, 40));
  const { code, links, mod } = await longEvent(request, teams);
  const L = QUIZ_LIMITS;
  const quiz = await mod.send('quiz:create', {
    sessionId: 'keynote',
    draft: {
      title: longText('Kickoff quiz', L.title),
      settings: { questionOnDevices: true, teamMode: 'teams', teamTalkSec: 0 },
      questions: [
        {
          kind: 'choice',
          text: longText('Which of these', L.text),
          options: Array.from({ length: L.maxOptions }, (_, i) => longText(`Option ${i + 1}`, L.option)),
          correct: [1, 4],
          timeLimitSec: L.maxTimeLimitSec,
          points: 2,
          explanation: longText('Because', L.explanation),
        },
      ],
    },
  });
  const people = await crowd(request, code, 10, (i) => ({ name: longText(`Person ${i + 1}`, 60), team: teams[i % 3]!, mode: i % 2 ? 'remote' : 'room' }));
  const page = await openStage(browser, links.stage);
  const phase = (name: string) => expect(page.getByTestId('stage-quiz')).toHaveAttribute('data-phase', name);
  const clearAnnouncement = async () => {
    await mod.send('announcement:clear', {});
    await expect(page.getByTestId('stage-announcement')).toHaveCount(0);
  };

  const { runId } = await mod.send('quiz:open', { quizId: quiz.id });
  await expectFitsEverywhere(page, mod, 'quiz-lobby', () => phase('lobby'));
  await clearAnnouncement();

  const opened = people[0]!.waitFor<QuizRunPhase>('quiz:phaseChanged', (p) => p.phase.phase === 'answering', 20_000);
  await mod.send('quiz:control', { runId, action: 'start' });
  const open = (await opened).phase;
  const questionId = open.phase === 'answering' ? open.question.id : '';
  // Some have answered: the count moves while the clock runs.
  for (const [i, p] of people.slice(0, 7).entries()) await p.send('quiz:answer', { runId, questionId, answer: { kind: 'choice', picks: [i % 6] }, displayedForMs: 1000 + i });
  await expectFitsEverywhere(page, mod, 'quiz-answering', () => phase('answering'));
  await clearAnnouncement();

  // The rest answer: everyone present has, so answering locks.
  const locked = people[0]!.waitFor<QuizRunPhase>('quiz:phaseChanged', (p) => p.phase.phase === 'locked', 20_000);
  for (const [i, p] of people.slice(7).entries()) await p.send('quiz:answer', { runId, questionId, answer: { kind: 'choice', picks: [1, 4] }, displayedForMs: 2000 + i });
  await locked;
  await mod.send('quiz:control', { runId, action: 'next' });
  await expectFitsEverywhere(page, mod, 'quiz-reveal', async (p) => {
    await phase('reveal');
    await expect(p.getByTestId('quiz-explanation')).toBeVisible();
  });
  await clearAnnouncement();

  await mod.send('quiz:control', { runId, action: 'next' });
  await expectFitsEverywhere(page, mod, 'quiz-standings', async (p) => {
    await phase('standings');
    await expect(p.getByTestId('quiz-standing-row')).toHaveCount(10);
  });
  await clearAnnouncement();

  await mod.send('quiz:control', { runId, action: 'next' });
  await expectFitsEverywhere(page, mod, 'quiz-podium', async (p) => {
    await phase('podium');
    await expect(p.getByTestId('quiz-podium-place')).toHaveCount(3);
  });
  for (const p of people) p.close();
  mod.close();
});

test('[BRK77] a breakout takeaway on stage fits every projector, with the longest room name and takeaway', async ({ browser, request }) => {
  const { code, links, mod } = await longEvent(request);
  const seller = await drive(request, code, { name: 'Ana', team: 'EMEA', mode: 'remote' });
  const roomName = longText('Room', BREAKOUT_LIMITS.nameMax);
  const round = await mod.send('breakout:create', {
    sessionId: null,
    draft: { title: 'Takeaways', durationSec: 600, audience: 'everyone', rooms: [{ id: 'r1', name: roomName, topic: '', capacity: 5, facilitatorId: null }] },
  });
  await mod.send('breakout:open', { roundId: round.id });
  const text = longText('Takeaway', BREAKOUT_LIMITS.takeawayMax);
  await seller.send('breakout:takeaway', { roundId: round.id, text });
  const page = await openStage(browser, links.stage);
  await mod.send('stage:show', { slot: { kind: 'takeaway', roundId: round.id, roomId: 'r1' } });
  await expectFitsEverywhere(page, mod, 'takeaway', async (p) => {
    await expect(p.getByTestId('stage-takeaway-room')).toHaveText(roomName);
    await expect(p.getByTestId('stage-takeaway-text')).toContainText(text.slice(0, 40));
  });
  seller.close();
  mod.close();
});
