import { expect, test } from '@playwright/test';
import { DEFAULT_POLL_SETTINGS, type CreateEventResponse, type JoinResponse, type Poll, type Snapshot } from '@rally/shared';
import { startNode, type ClusterNode } from '../server/test/helpers/cluster';
import { startRedisServer, type RedisServerHandle } from '../server/test/helpers/redis-server';
import { connectClient, keyOf, TEST_ADMIN, type TestClient } from '../server/test/helpers/test-server';
import { ok } from '../server/test/helpers/acks';
import { LAPTOP_1366, PHONE_390 } from './helpers/attendee';
import { attendeePoll } from './helpers/polls';
import { joinAsAttendee, newScreen } from './helpers/screens';

/**
 * [REL7] What a person sees while the server cannot reach Redis: the tap is not lost and not
 * refused, the connection indicator reads "reconnecting", and once Redis answers again the vote
 * is received (once). A Rally node in cluster mode on its own redis-server, outside the e2e web server.
 */
let redis: RedisServerHandle;
let node: ClusterNode;
let mod: TestClient;

test.beforeAll(async () => {
  redis = await startRedisServer({ appendonly: true });
  node = await startNode(redis.url, { COMMAND_DEADLINE_MS: '1500' });
});

test.afterAll(async () => {
  mod?.close();
  await node?.kill();
  await redis?.stop();
});

async function post<T>(path: string, body: unknown, admin = false): Promise<T> {
  const res = await fetch(node.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${TEST_ADMIN}` } : {}) },
    body: JSON.stringify(body),
  });
  expect(res.ok, await res.clone().text()).toBe(true);
  return (await res.json()) as T;
}

test('[REL7] a vote tapped while Redis is frozen shows "reconnecting", then is received once when it is back', async ({ browser }) => {
  const ev = await post<CreateEventResponse>('/api/events', { name: 'Outage SKO', teams: ['EMEA', 'APAC'], agenda: [] }, true);
  mod = await connectClient(node.url, (await post<JoinResponse>('/api/join', { code: ev.code, name: 'Mod', key: keyOf(ev.links.moderator) })).token);

  const phone = await newScreen(browser, { ...PHONE_390, baseURL: node.url });
  const laptop = await newScreen(browser, { ...LAPTOP_1366, baseURL: node.url });
  await joinAsAttendee(phone.page, ev.code, { name: 'Pia Phone', team: 'EMEA', mode: 'remote' });
  await joinAsAttendee(laptop.page, ev.code, { name: 'Lars Laptop', team: 'APAC', mode: 'remote' });

  const question = 'Which region closes first?';
  const created = await ok(mod.send('poll:create', { sessionId: null, draft: { kind: 'single', question, options: ['EMEA', 'APAC'], settings: DEFAULT_POLL_SETTINGS } }));
  const poll: Poll = await ok(mod.send('poll:launch', { pollId: created.id }));
  const cards = [attendeePoll(phone.page, question), attendeePoll(laptop.page, question)];
  for (const c of cards) await expect(c).toBeVisible();

  redis.pause();
  try {
    await cards[0]!.getByRole('button', { name: 'EMEA', exact: true }).tap();
    await cards[1]!.getByRole('button', { name: 'APAC', exact: true }).click();
    for (const s of [phone, laptop]) await expect(s.page.getByTestId('connection-state')).toHaveText(/reconnecting/, { timeout: 6000 });
    await phone.page.screenshot({ path: 'test-results/outage-reconnecting-phone.png' });
    await laptop.page.screenshot({ path: 'test-results/outage-reconnecting-laptop.png' });
    // Not refused meanwhile: no error toast, no receipt yet.
    for (const c of cards) await expect(c.getByText('Vote received ✓')).toHaveCount(0);
  } finally {
    redis.resume();
  }
  for (const s of [phone, laptop]) await expect(s.page.getByTestId('connection-state')).toHaveText(/live/, { timeout: 20_000 });
  for (const c of cards) await expect(c.getByTestId('vote-receipt')).toContainText('Vote received ✓', { timeout: 20_000 });
  await phone.page.screenshot({ path: 'test-results/outage-recovered-phone.png' });

  // Each tap counted once.
  const snap = (await ok(mod.send('snapshot:request', {}))) as Snapshot;
  const results = snap.polls.find((v) => v.poll.id === poll.id)!.results!;
  expect(results.totals.room + results.totals.remote).toBe(2);
  await phone.ctx.close();
  await laptop.ctx.close();
});
