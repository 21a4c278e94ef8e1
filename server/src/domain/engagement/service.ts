import type { NewEngagementEntry } from '@rally/shared';
import { isoNow, type Clock } from '../../clock.js';
import { sequentialIds } from '../../ids.js';
import type { Log } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { EngagementStore } from '../../store/engagement-store.js';
import type { SurveyStore } from '../../store/survey-store.js';
import { createLogFollower, type LogFollower } from './follower.js';
import { entryFor, type EngagementPort, type InteractionDetail } from './record.js';
import { createEngagementRecorder, type EngagementRecorder } from './recorder.js';
import { loadConfig } from './settings.js';
import { createWebhooks, type WebhookOptions, type Webhooks } from './webhooks.js';

export interface EngagementServiceDeps {
  store: EngagementStore & Pick<Store, 'getEvent' | 'getPoll'> & Pick<SurveyStore, 'getSurvey'>;
  clock: Clock;
  log: Log;
  recorder?: { intervalMs?: number; maxBuffered?: number };
  webhooks?: WebhookOptions;
  /** How long this node trusts its reading of an event's live session when logging ([ENG1]). */
  sessionCacheMs?: number;
  /** [SEC22] How often withheld entries are checked for their activity having closed. */
  releaseCheckMs?: number;
}

/**
 * Everything engagement keeps per node, built once by the composition root: the per-turn
 * recorder (also the EngagementLog port the stage records through), the log follower the
 * dashboard and exports fold with, and the webhook sender.
 */
export interface EngagementService extends EngagementPort {
  /** The EngagementLog port: buffers the entry and resolves at once. */
  append(entry: NewEngagementEntry): Promise<void>;
  /** [REL22] Resolves once every entry recorded before the call is stored: an ok ack awaits it. */
  durable(): Promise<void>;
  recorder: EngagementRecorder;
  follower: LogFollower;
  webhooks: Webhooks;
  /** Flushes the recorder and lets pending webhook attempts finish (retries are dropped). */
  close(): Promise<void>;
}

export function createEngagementService(deps: EngagementServiceDeps): EngagementService {
  const { store, clock, log } = deps;
  const recorder = createEngagementRecorder(store, log, { newBatchId: sequentialIds(), intervalMs: deps.recorder?.intervalMs, maxBuffered: deps.recorder?.maxBuffered });
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

  // [SEC22] Per node: entries of anonymous acts, per activity, until it closes. Lost with the node on
  // a hard crash like the recorder's buffer ([ENG4]); a graceful close writes them.
  const withheld = new Map<string, { hold: NonNullable<InteractionDetail['withheldUntilClosed']>; eventId: string; entries: NewEngagementEntry[] }>();
  const release = async (key: string) => {
    const h = withheld.get(key);
    if (!h) return;
    // [ENG18] Someone deleted while their entry was held gets it under their tombstone, as the
    // deletion moved their stored entries. Read first: if it fails, the entries stay held.
    const { deleted } = await loadConfig(store, h.eventId);
    withheld.delete(key);
    for (const e of shuffled(h.entries)) {
      const tombstone = e.participantId ? deleted[e.participantId] : undefined;
      void recorder.append(tombstone ? { ...e, participantId: tombstone } : e);
    }
  };
  const closed = async (h: { hold: NonNullable<InteractionDetail['withheldUntilClosed']>; eventId: string }): Promise<boolean> => {
    // [SEC49] An anonymous question's entry: once its minute is over, with the others of that minute.
    if (h.hold.activity === 'minute') return clock.now() >= Date.parse(h.hold.startedAt) + 60_000;
    if (h.hold.activity === 'poll') return (await store.getPoll(h.hold.id))?.state !== 'live';
    return (await store.getSurvey(h.eventId))?.state !== 'open';
  };
  let checking = false;
  const releaseTimer = setInterval(() => {
    if (checking || withheld.size === 0) return;
    checking = true;
    void (async () => {
      for (const [key, h] of [...withheld]) if (await closed(h)) await release(key);
    })()
      .catch((err: unknown) => log.warn({ err }, 'withheld engagement entries not checked'))
      .finally(() => (checking = false));
  }, deps.releaseCheckMs ?? 1000);
  releaseTimer.unref();

  return {
    recorder,
    follower,
    webhooks,
    append: (entry) => recorder.append(entry),
    durable: () => recorder.written(),
    interacted(p, kind, detail) {
      // The time is taken now, before the session look-up: it is when the interaction happened.
      const at = isoNow(clock);
      if (p.role !== 'attendee') return;
      // Held by the recorder from now: the ack of the command that did this waits for it ([REL22]).
      recorder.hold(
        liveSessionOf(p.eventId)
          .then((sessionId) => {
            const hold = detail?.withheldUntilClosed;
            const entry = entryFor(p, kind, sessionId, hold ? hold.startedAt : at, detail);
            if (!entry || !hold) return entry;
            const key = `${hold.activity}:${hold.id}`;
            const h = withheld.get(key) ?? { hold, eventId: p.eventId, entries: [] };
            h.entries.push(entry);
            withheld.set(key, h);
            return null;
          })
          .catch((err: unknown) => {
            log.warn({ err, kind }, 'engagement entry not recorded');
            return null;
          }),
      );
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
      clearInterval(releaseTimer);
      // Written now rather than lost: still stamped with the activity's start and shuffled.
      await Promise.all([...withheld.keys()].map((key) => release(key).catch((err: unknown) => log.error({ err, key }, 'withheld engagement entries not written at close'))));
      await Promise.all([recorder.close(), webhooks.close()]);
    },
  };
}

/** A copy in random order (Fisher–Yates): the order the acts came in is what must not be kept. */
function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
