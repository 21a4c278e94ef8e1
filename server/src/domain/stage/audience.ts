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

/** [STAGE17] The newest announcement meant for the viewer; `newestFirst` as the store returns them. */
export const latestFor = (newestFirst: readonly Announcement[], viewer: AnnouncementViewer): Announcement | null =>
  newestFirst.find((a) => isMeantFor(a, viewer)) ?? null;
