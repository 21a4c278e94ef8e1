import { createHash } from 'node:crypto';
import { AccessToken, WebhookEvent, type WebhookEventNames } from 'livekit-server-sdk';

// [BRK43] LiveKit's webhooks as LiveKit sends them: a JSON body, and an `Authorization` JWT signed
// with the API secret whose `sha256` claim is the base64 SHA-256 of that body.

let seq = 0;

/** A webhook body as LiveKit serialises it (protobuf JSON); a fresh event id unless one is given. */
export function webhookBody(kind: WebhookEventNames, roomName: string, identity: string, opts: { id?: string; createdAtSec?: number } = {}): string {
  const ev = new WebhookEvent({
    id: opts.id ?? `EV_test${Date.now().toString(36)}${++seq}`,
    createdAt: BigInt(opts.createdAtSec ?? Math.floor(Date.now() / 1000)),
    room: { sid: 'RM_x', name: roomName },
    participant: { sid: 'PA_x', identity, name: identity },
  });
  // The SDK's WebhookEvent resets `event` after construction: set it afterwards.
  ev.event = kind;
  return ev.toJsonString();
}

/** The `Authorization` header LiveKit sends with `raw`: signed with `apiKey` / `apiSecret`. */
export async function signWebhook(raw: string, apiKey: string, apiSecret: string): Promise<string> {
  const at = new AccessToken(apiKey, apiSecret);
  at.sha256 = createHash('sha256').update(raw).digest('base64');
  return at.toJwt();
}

/** POSTs a webhook to a Rally server as LiveKit does. */
export async function postWebhook(baseUrl: string, raw: string, authorization?: string, contentType = 'application/webhook+json') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (authorization !== undefined) headers.authorization = authorization;
  const res = await fetch(`${baseUrl}/api/livekit/webhook`, { method: 'POST', headers, body: raw });
  return { status: res.status, body: (await res.json()) as { ok?: boolean; error?: { code: string; message: string } } };
}
