import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { WebhookReceiver } from 'livekit-server-sdk';
import { ErrorCode, Id } from '@rally/shared';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { BreakoutMedia } from '../domain/breakout/video-deps.js';
import type { VideoPresence } from '../domain/breakout/video.js';
import type { Log } from '../log.js';
import type { WebhookOutcome } from '../metrics.js';
import type { Store } from '../store/store.js';
import { sendError } from './errors.js';

/** Matched before the app's JSON parser, which must leave this body alone: the signature covers its raw bytes. */
export const LIVEKIT_WEBHOOK_PATH = /^\/api\/livekit\/webhook(?:[/?]|$)/;

/** [BRK43] A webhook created longer ago than this is refused (LiveKit delivers within seconds). */
export const WEBHOOK_MAX_AGE_MS = 5 * 60_000;
/** Accepted ids are remembered a little longer than a webhook can stay fresh, so a replay is stale or known. */
const SEEN_TTL_SEC = (2 * WEBHOOK_MAX_AGE_MS) / 1000;

export interface LivekitWebhookDeps {
  livekit: Config['livekit'];
  /** [BRK43] `rememberCommand` is the store's first-writer-wins claim with a TTL: the dedupe of event ids. */
  store: Pick<Store, 'rememberCommand'>;
  clock: Clock;
  media: Pick<BreakoutMedia, 'parseRoomName'>;
  log: Log;
  onVideoPresence(p: VideoPresence): Promise<void>;
  /** [OPS23] Told what became of each request (counted in /metrics). */
  onOutcome?(outcome: WebhookOutcome): void;
}

/**
 * [BRK43] LiveKit's webhooks: `POST /api/livekit/webhook`, verified before anything is read from the
 * body (WebhookReceiver: the `Authorization` JWT signed with our API secret, whose `sha256` claim
 * is the raw body's), then refused when stale or already seen.
 *
 * Replays are caught in the store, not in each node's memory: behind a load balancer a captured
 * request replayed to another node would pass a per-node set. The claim is made before the event
 * is applied, so two copies racing on two nodes cannot both count; the cost is that a delivery
 * whose processing fails is not retried (presence then catches up with the next join or leave).
 */
export function livekitWebhookRouter(deps: LivekitWebhookDeps): Router {
  const r = Router();
  const outcome = (o: WebhookOutcome) => deps.onOutcome?.(o);
  const refuse = (res: express.Response, message: string, o: WebhookOutcome) => {
    outcome(o);
    // Refusals are worth seeing: a misconfigured key on the LiveKit side, or someone probing.
    deps.log.warn({ reason: message }, 'LiveKit webhook refused');
    sendError(res, { code: ErrorCode.UNAUTHORIZED, message });
  };
  const receiver = deps.livekit ? new WebhookReceiver(deps.livekit.apiKey, deps.livekit.apiSecret) : null;
  // LiveKit sends `application/webhook+json`; whatever the type, the bytes are kept as sent.
  r.post('/livekit/webhook', express.raw({ type: () => true, limit: '256kb' }), async (req, res, next) => {
    try {
      // [BRK44] Without LiveKit there is no secret to verify with, and no calls to hear about.
      if (!receiver) return void (outcome('not_configured'), sendError(res, { code: ErrorCode.UNAVAILABLE, message: 'LiveKit is not configured on this server' }));
      const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const auth = req.get('authorization');
      if (!auth) return void refuse(res, 'the webhook is not signed', 'unsigned');
      let event: Awaited<ReturnType<WebhookReceiver['receive']>>;
      try {
        event = await receiver.receive(raw, auth);
      } catch {
        return void refuse(res, 'the webhook signature does not verify', 'bad_signature');
      }
      const ageMs = deps.clock.now() - Number(event.createdAt) * 1000;
      if (!event.id || !(Math.abs(ageMs) <= WEBHOOK_MAX_AGE_MS)) return void refuse(res, 'the webhook is stale', 'stale');
      const claim = randomUUID();
      if ((await deps.store.rememberCommand(`livekit-webhook:${event.id}`, claim, SEEN_TTL_SEC)) !== claim) return void refuse(res, 'the webhook was already received', 'duplicate');

      // The body's shape is LiveKit's protobuf schema (WebhookReceiver parses it); the parts Rally
      // acts on are checked again as Rally's own ids.
      const joined = event.event === 'participant_joined' ? true : event.event === 'participant_left' ? false : null;
      const ref = event.room?.name ? deps.media.parseRoomName(event.room.name) : null;
      const participantId = Id.safeParse(event.participant?.identity);
      const applies = joined !== null && ref !== null && participantId.success;
      if (applies) await deps.onVideoPresence({ ...ref, participantId: participantId.data, joined });
      outcome(applies ? 'applied' : 'ignored');
      res.json({ ok: true });
    } catch (e) {
      outcome('failed');
      next(e);
    }
  });
  return r;
}
