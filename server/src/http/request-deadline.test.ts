import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@rally/shared';
import { createLog } from '../log.js';
import { errorHandler } from './errors.js';
import { requestDeadline } from './request-deadline.js';

/*
 * [REL1] The REST deadline on its own, through a real Express app and real HTTP: a handler that
 * waits on a store that does not answer is cut off with a typed, retryable 503 at the deadline
 * (exports and routes that read their own bodies at 20 times it), and what the handler sends or
 * throws later reaches no one and breaks nothing. The store outage itself, end to end, is
 * server/test/multinode/deadline.multinode.test.ts.
 */
const DEADLINE_MS = 150;
const LONG_MS = DEADLINE_MS * 20;
/** What a busy shared machine may add before the answer reaches the test. */
const SLACK_MS = 1000;

let http: Server;
let base: string;
const logged: string[] = [];

/** A store call that answers after `ms` (or never): what a handler awaits while Redis is frozen. */
const storeCall = <T>(value: T, ms: number) => new Promise<T>((resolve) => (Number.isFinite(ms) ? setTimeout(() => resolve(value), ms) : undefined));

beforeAll(async () => {
  const app = express();
  app.use('/api', requestDeadline(DEADLINE_MS, (url) => url.includes('/import')));
  // ?after=N: the store answers after N ms; without it, never.
  const wait = (req: express.Request) => (req.query.after === undefined ? Infinity : Number(req.query.after));
  app.get('/api/events/e1', async (req, res) => void res.json(await storeCall({ id: 'e1' }, wait(req))));
  app.get('/api/events/e1/questions.csv', async (req, res) => void res.type('text/csv').send(await storeCall('id,text\n', wait(req))));
  app.post('/api/events/e1/quizzes/import', async (req, res) => void res.json(await storeCall({ imported: 1 }, wait(req))));
  // The store fails after the deadline has already answered: the late error must reach no one.
  app.get('/api/late-failure', async () => {
    await storeCall(null, DEADLINE_MS * 2);
    throw new Error('late store failure');
  });
  const sink = new Writable({ write: (chunk, _enc, done) => void (logged.push(String(chunk)), done()) });
  app.use(errorHandler(createLog('error', {}, sink)));
  http = createServer(app);
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => http.close(() => done())));

async function timedFetch(path: string, init?: RequestInit) {
  const t0 = performance.now();
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, ms: performance.now() - t0 };
}

function expectUnavailable(r: Awaited<ReturnType<typeof timedFetch>>): void {
  expect(r.status).toBe(503);
  const { error } = JSON.parse(r.text) as { error: { code: string; message: string; retryAfterMs?: number } };
  expect(error.code).toBe(ErrorCode.UNAVAILABLE);
  expect(error.retryAfterMs).toBeGreaterThan(0);
  expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(Math.ceil(error.retryAfterMs! / 1000));
}

describe('[REL1] the REST request deadline', () => {
  it('[REL1] [REL3] a read whose store never answers is a 503 UNAVAILABLE with retryAfterMs and Retry-After at the deadline, not a hang', async () => {
    const r = await timedFetch('/api/events/e1');
    expectUnavailable(r);
    expect(r.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(r.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('[REL1] a read answered within the deadline is untouched, and nothing is written after it', async () => {
    const r = await timedFetch(`/api/events/e1?after=${DEADLINE_MS / 3}`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ id: 'e1' });
  });

  it('[REL1] an export gets 20 deadlines: a slow one (3 deadlines) is answered; one whose store never answers is UNAVAILABLE at 20', async () => {
    const slow = await timedFetch(`/api/events/e1/questions.csv?after=${DEADLINE_MS * 3}`);
    expect(slow.status).toBe(200);
    expect(slow.text).toBe('id,text\n');
    const hung = await timedFetch('/api/events/e1/questions.csv');
    expectUnavailable(hung);
    expect(hung.ms).toBeGreaterThanOrEqual(LONG_MS - 5);
    expect(hung.ms).toBeLessThan(LONG_MS + SLACK_MS);
  });

  it('[REL1] a route that reads its own (large) body gets 20 deadlines too', async () => {
    const r = await timedFetch(`/api/events/e1/quizzes/import?after=${DEADLINE_MS * 3}`, { method: 'POST', body: 'q' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ imported: 1 });
  });

  it('[REL1] [REL2] the handler that finishes after the deadline reaches no one: its late answer and its late failure are dropped, never INTERNAL, never logged as a failure', async () => {
    const late = await timedFetch(`/api/events/e1?after=${DEADLINE_MS * 2}`);
    expectUnavailable(late);
    const failed = await timedFetch('/api/late-failure');
    expectUnavailable(failed);
    // Let both handlers finish after their answers were sent.
    await storeCall(null, DEADLINE_MS * 3);
    expect(logged.join('')).not.toMatch(/request failed/);
    // The server carries on.
    expect((await timedFetch(`/api/events/e1?after=0`)).status).toBe(200);
  });
});
