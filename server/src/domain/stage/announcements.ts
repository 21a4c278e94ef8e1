import { ErrorCode, RallyError, type Announcement, type AnnouncementAudience } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import { announcementAudience } from './audience.js';
import { requireStageEvent } from './common.js';
import type { StageDeps } from './deps.js';

/**
 * [STAGE16] [STAGE17] A moderator's banner. It is kept (the newest few per event) so that whoever
 * connects later gets the latest one meant for them in their snapshot, then sent to exactly its
 * audience. Breakout rooms do not exist yet: a `breakouts` announcement reaches moderators only
 * until they do.
 */
export async function sendAnnouncement(
  deps: Pick<StageDeps, 'store' | 'clock' | 'publish'>,
  eventId: string,
  text: string,
  audience: AnnouncementAudience,
  lifetimeSec?: number,
): Promise<Announcement> {
  await requireStageEvent(deps, eventId);
  const now = deps.clock.now();
  // [STAGE34] A lifetime is an end time on the server clock, so every screen takes it down together.
  const expiresAt = lifetimeSec === undefined ? null : new Date(now + lifetimeSec * 1000).toISOString();
  const announcement: Announcement = { id: newId(), text: text.trim(), audience, at: new Date(now).toISOString(), expiresAt };
  await deps.store.addAnnouncement(eventId, announcement);
  const to = announcementAudience(audience);
  if (to === null) deps.publish.toEvent(eventId, 'announcement:posted', announcement);
  else deps.publish.toAudience(eventId, to, 'announcement:posted', announcement);
  return announcement;
}

/**
 * [STAGE34] Takes every announcement sent so far off every screen (the store keeps them for the
 * record; snapshots stop carrying them). Everyone is told, whatever audience the last one had.
 */
export async function clearAnnouncements(deps: Pick<StageDeps, 'store' | 'clock' | 'publish'>, eventId: string): Promise<{ clearedAt: string }> {
  const clearedAt = isoNow(deps.clock);
  if (!(await deps.store.clearAnnouncements(eventId, clearedAt))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  deps.publish.toEvent(eventId, 'announcement:cleared', { clearedAt });
  return { clearedAt };
}
