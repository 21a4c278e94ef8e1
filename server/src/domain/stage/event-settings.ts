import { ErrorCode, RallyError, stageOf, type Branding, type EventSettings, type PublicEvent, type StageStream, type StreamToken } from '@rally/shared';
import type { EventStagePatch } from '../../store/stage-store.js';
import { toPublicEvent } from '../events.js';
import { requireSender, requireStageEvent } from './common.js';
import type { StageDeps } from './deps.js';

const LIVEKIT_MISSING = 'LiveKit is not configured on this server';

/** Applies an event patch and tells everyone in the event (event:updated). */
async function patchAndAnnounce(deps: Pick<StageDeps, 'store' | 'publish'>, eventId: string, patch: EventStagePatch): Promise<PublicEvent> {
  const updated = await deps.store.patchEventStage(eventId, patch);
  if (!updated) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  const event = toPublicEvent(updated);
  deps.publish.toEvent(eventId, 'event:updated', event);
  return event;
}

/**
 * [STAGE2] Sets how remote attendees watch. A LiveKit stage needs LiveKit on this server: without
 * it nobody could get a token, so it is refused now rather than failing every attendee later.
 */
export async function setStream(deps: Pick<StageDeps, 'store' | 'publish' | 'stage'>, eventId: string, stream: StageStream): Promise<PublicEvent> {
  if (stream.kind === 'livekit' && !deps.stage.media.configured) {
    throw new RallyError(ErrorCode.UNAVAILABLE, `${LIVEKIT_MISSING}: use an HLS URL, or no stream`);
  }
  return patchAndAnnounce(deps, eventId, { stream });
}

/** [STAGE4] Logo and colours, shown by every screen. */
export const setBranding = (deps: Pick<StageDeps, 'store' | 'publish'>, eventId: string, branding: Branding): Promise<PublicEvent> =>
  patchAndAnnounce(deps, eventId, { branding });

export interface EventEdit {
  name?: string;
  stream?: StageStream;
  branding?: Branding;
  settings?: Partial<EventSettings>;
}

/**
 * [STAGE27] The organiser's edit over REST. Settings are merged with the current ones (read, then
 * written): only organisers change them, rarely, so two edits racing is not worth a script.
 */
export async function editEvent(deps: Pick<StageDeps, 'store' | 'publish' | 'stage'>, eventId: string, edit: EventEdit): Promise<PublicEvent> {
  const current = await requireStageEvent(deps, eventId);
  if (edit.stream?.kind === 'livekit' && !deps.stage.media.configured) {
    throw new RallyError(ErrorCode.UNAVAILABLE, `${LIVEKIT_MISSING}: use an HLS URL, or no stream`);
  }
  const { settings, ...rest } = edit;
  return patchAndAnnounce(deps, eventId, { ...rest, ...(settings ? { settings: { ...current.settings, ...settings } } : {}) });
}

/**
 * [STAGE3] A subscribe-only token for the event's LiveKit stage room, named after the participant.
 * The grant is LiveKit's to enforce: whatever the client does with the token, it cannot publish.
 */
export async function stageStreamToken(deps: Pick<StageDeps, 'store' | 'stage'>, eventId: string, participantId: string): Promise<StreamToken> {
  const [me, event] = await Promise.all([requireSender(deps, eventId, participantId), requireStageEvent(deps, eventId)]);
  const { stream } = stageOf(event);
  if (!deps.stage.media.configured) throw new RallyError(ErrorCode.UNAVAILABLE, LIVEKIT_MISSING);
  if (stream.kind !== 'livekit') {
    throw new RallyError(ErrorCode.INVALID_STATE, stream.kind === 'hls' ? 'this event streams over HLS: play its URL, no token is needed' : 'this event has no stage stream');
  }
  return deps.stage.media.subscriberToken({ roomName: stream.roomName, identity: me.id, name: me.name });
}
