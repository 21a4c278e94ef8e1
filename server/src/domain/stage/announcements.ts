import type { Announcement, AnnouncementAudience } from '@rally/shared';
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
export async function sendAnnouncement(deps: Pick<StageDeps, 'store' | 'clock' | 'publish'>, eventId: string, text: string, audience: AnnouncementAudience): Promise<Announcement> {
  await requireStageEvent(deps, eventId);
  const announcement: Announcement = { id: newId(), text: text.trim(), audience, at: isoNow(deps.clock) };
  await deps.store.addAnnouncement(eventId, announcement);
  const to = announcementAudience(audience);
  if (to === null) deps.publish.toEvent(eventId, 'announcement:posted', announcement);
  else deps.publish.toAudience(eventId, to, 'announcement:posted', announcement);
  return announcement;
}
