import type { NewEngagementEntry } from '@rally/shared';
import { isoNow, type Clock } from '../../clock.js';
import { newId } from '../../ids.js';
import type { Log } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { EngagementStore } from '../../store/engagement-store.js';
import { createLogFollower, type LogFollower } from './follower.js';
import { entryFor, type EngagementPort } from './record.js';
import { createEngagementRecorder, type EngagementRecorder } from './recorder.js';
import { loadConfig } from './settings.js';
import { createWebhooks, type WebhookOptions, type Webhooks } from './webhooks.js';

export interface EngagementServiceDeps {
  store: EngagementStore & Pick<Store, 'getEvent'>;
  clock: Clock;
  log: Log;
  recorder?: { intervalMs?: number; maxBuffered?: number };
  webhooks?: WebhookOptions;
  /** How long this node trusts its reading of an event's live session when logging ([ENG1]). */
  sessionCacheMs?: number;
}

/**
 * Everything engagement keeps per node, built once by the composition root: the buffered
 * recorder (also the EngagementLog port the stage records through), the log follower the
 * dashboard and exports fold with, and the webhook sender.
 */
export interface EngagementService extends EngagementPort {
  /** The EngagementLog port: buffers the entry and resolves at once. */
  append(entry: NewEngagementEntry): Promise<void>;
  recorder: EngagementRecorder;
  follower: LogFollower;
  webhooks: Webhooks;
  /** Flushes the recorder and lets pending webhook attempts finish (retries are dropped). */
  close(): Promise<void>;
}

export function createEngagementService(deps: EngagementServiceDeps): EngagementService {
  const { store, clock, log } = deps;
  const recorder = createEngagementRecorder(store, log, { newBatchId: newId, intervalMs: deps.recorder?.intervalMs, maxBuffered: deps.recorder?.maxBuffered });
  const follower = createLogFollower(store);
  const webhooks = createWebhooks(log, deps.webhooks);
  const cacheMs = deps.sessionCacheMs ?? 500;
  // Per node, per event: the live session as last read. A cache of the store, never a source of truth.
  const live = new Map<string, { until: number; sessionId: Promise<string | null> }>();

  const liveSessionOf = (eventId: string): Promise<string | null> => {
    const now = clock.now();
    const hit = live.get(eventId);
    if (hit && hit.until > now) return hit.sessionId;
    const sessionId = store.getEvent(eventId).then((e) => e?.liveSessionId ?? null);
    live.set(eventId, { until: now + cacheMs, sessionId });
    sessionId.catch(() => live.delete(eventId));
    if (live.size > 10_000) live.clear();
    return sessionId;
  };

  return {
    recorder,
    follower,
    webhooks,
    append: (entry) => recorder.append(entry),
    interacted(p, kind, detail) {
      // The time is taken now, before the session look-up: it is when the interaction happened.
      const at = isoNow(clock);
      if (p.role !== 'attendee') return;
      liveSessionOf(p.eventId)
        .then((sessionId) => {
          const entry = entryFor(p, kind, sessionId, at, detail);
          if (entry) return recorder.append(entry);
        })
        .catch((err: unknown) => log.warn({ err, kind }, 'engagement entry not recorded'));
    },
    moment(eventId, type, data) {
      const at = isoNow(clock);
      loadConfig(store, eventId)
        .then((c) => {
          if (c.webhook) webhooks.send(c.webhook, { type, eventId, at, data });
        })
        .catch((err: unknown) => log.warn({ err, type }, 'webhook moment not sent'));
    },
    async close() {
      await Promise.all([recorder.close(), webhooks.close()]);
    },
  };
}
