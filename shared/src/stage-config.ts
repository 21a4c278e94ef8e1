import { z } from 'zod';

/*
 * The event's stage configuration: how remote attendees watch (stream) and how every screen looks
 * (branding). Part of PublicEvent, so it imports nothing from model.ts (which imports it).
 * Rules cited as [STAGEn] are in docs/SPEC.md ("The stage").
 */

const URL_MAX = 2000;

/**
 * [STAGE2] Where remote attendees' players fetch from: the venue encoder or its CDN. Any http(s)
 * URL (a playlist usually ends in .m3u8, but signed CDN URLs need not); the server never fetches
 * it, so an unreachable URL shows as a player error on the client, not as a server failure.
 */
export const StreamUrl = z
  .string()
  .trim()
  .max(URL_MAX, `stream URLs are at most ${URL_MAX} characters`)
  .pipe(z.url({ protocol: /^https?$/, error: 'the stream URL must be an http:// or https:// address' }));

/** A LiveKit room name: the AV desk publishes there, attendees only subscribe. */
export const LivekitRoomName = z
  .string()
  .trim()
  .min(1, 'a LiveKit room name is required')
  .max(64, 'LiveKit room names are at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'LiveKit room names are letters, digits, _ and -');

/** [STAGE2] none: in-room-only sessions, remote attendees see no player. */
export const StageStream = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('hls'), url: StreamUrl }),
  z.strictObject({ kind: z.literal('livekit'), roomName: LivekitRoomName }),
]);
export type StageStream = z.infer<typeof StageStream>;

export const HexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'colours are written #RRGGBB')
  .transform((s) => s.toLowerCase());

/**
 * [STAGE4] Logos must be https: the page's content security policy loads images from https:
 * only, so an http logo would silently not show.
 */
export const LogoUrl = z
  .string()
  .trim()
  .max(URL_MAX, `logo URLs are at most ${URL_MAX} characters`)
  .pipe(z.url({ protocol: /^https$/, error: 'the logo must be an https:// address' }));

/** [STAGE4] The event's look on every screen. */
export const Branding = z.strictObject({
  logoUrl: LogoUrl.nullable(),
  primaryColor: HexColor,
  accentColor: HexColor,
});
export type Branding = z.infer<typeof Branding>;

export const DEFAULT_STREAM: StageStream = { kind: 'none' };
export const DEFAULT_BRANDING: Branding = { logoUrl: null, primaryColor: '#1f3a93', accentColor: '#f5a623' };

/** An event's stage fields with their defaults: what a client shows for an event that lacks them. */
export const stageOf = (e: { stream?: StageStream; branding?: Branding; liveSessionStartedAt?: string | null }) => ({
  stream: e.stream ?? DEFAULT_STREAM,
  branding: e.branding ?? DEFAULT_BRANDING,
  liveSessionStartedAt: e.liveSessionStartedAt ?? null,
});
