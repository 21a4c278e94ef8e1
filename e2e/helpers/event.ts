import { expect, type APIRequestContext } from '@playwright/test';
import type { CreateEventResponse } from '@rally/shared';
import { ADMIN_TOKEN } from '../env';
import { unique } from './unique';

/** Every e2e event has these teams; attendees pick one at join. */
export const TEAMS = ['EMEA', 'Americas', 'APAC'];
export const KEYNOTE = 'Opening keynote';
export const WORKSHOP = 'Discovery workshop';

const minutesFromNow = (min: number) => new Date(Date.now() + min * 60_000).toISOString();

/** The session running now (its buttons and sections are named after KEYNOTE). */
export const keynoteSession = (id = 'keynote') => ({ id, title: KEYNOTE, kind: 'keynote', startsAt: minutesFromNow(-30), endsAt: minutesFromNow(30), speakers: ['Dana'] });
/** The session after it, so "now" and "next" both have something to show. */
export const workshopSession = (id = 'workshop') => ({ id, title: WORKSHOP, kind: 'workshop', startsAt: minutesFromNow(30), endsAt: minutesFromNow(90), speakers: [] as string[] });

/**
 * Creates an event through the REST API, as an organiser's script would; each test makes its own
 * so no test sees another's polls, questions or presence. `name` gets a unique suffix.
 */
export async function createEvent(
  request: APIRequestContext,
  event: { name: string; settings?: Record<string, unknown>; agenda?: unknown[]; teams?: string[] },
): Promise<CreateEventResponse> {
  const { name, ...rest } = event;
  const res = await request.post('/api/events', {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    data: { name: unique(name), teams: TEAMS, ...rest },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as CreateEventResponse;
}
