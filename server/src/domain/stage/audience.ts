import type { Announcement, AnnouncementAudience, Participant } from '@rally/shared';
import { STAGE_MODERATOR_ROLES, type Audience } from './deps.js';

/**
 * [STAGE16] Who receives an announcement: its audience, plus moderators and organisers, who see
 * every announcement so the control desk knows what is on people's screens. Null: everyone in the
 * event. Room and remote go by the participants' mode, whatever their role: the stage screen is
 * `room`, so it shows room announcements and not remote ones.
 */
export function announcementAudience(audience: AnnouncementAudience): Audience | null {
  switch (audience) {
    case 'all':
      return null;
    case 'room':
    case 'remote':
      return { roles: STAGE_MODERATOR_ROLES, modes: [audience], breakouts: false };
    case 'breakouts':
      return { roles: STAGE_MODERATOR_ROLES, modes: [], breakouts: true };
  }
}

/** Who a snapshot is for: the participant, and whether they are in a breakout room now. */
export interface AnnouncementViewer {
  participant: Pick<Participant, 'role' | 'mode'>;
  inBreakout: boolean;
}

/** [STAGE17] The same rule as announcementAudience, for one viewer (the snapshot). */
export function isMeantFor(a: Pick<Announcement, 'audience'>, viewer: AnnouncementViewer): boolean {
  const to = announcementAudience(a.audience);
  if (to === null) return true;
  const { role, mode } = viewer.participant;
  return to.roles.includes(role) || to.modes.includes(mode) || (to.breakouts && viewer.inBreakout);
}

/**
 * [STAGE17] [STAGE34] The newest announcement meant for the viewer (`newestFirst` as the store returns
 * them), or null when that one was cleared or its lifetime is over: what a client that was connected
 * all along shows now (it keeps only the newest banner, so an older one never comes back).
 */
export function latestFor(
  newestFirst: readonly Announcement[],
  viewer: AnnouncementViewer,
  gone: { clearedAt: string | null; nowMs: number },
): Announcement | null {
  const a = newestFirst.find((x) => isMeantFor(x, viewer));
  if (!a) return null;
  if (gone.clearedAt !== null && Date.parse(a.at) <= Date.parse(gone.clearedAt)) return null;
  if (a.expiresAt && Date.parse(a.expiresAt) <= gone.nowMs) return null;
  return a;
}
