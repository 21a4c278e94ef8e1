import { describe, expect, it } from 'vitest';
import type { Announcement, AnnouncementAudience, Mode, Role } from '@rally/shared';
import { announcementAudience, isMeantFor, latestFor } from './audience.js';

const a = (audience: AnnouncementAudience, id: string = audience): Announcement => ({ id, text: `for ${audience}`, audience, at: '2027-01-20T09:00:00.000Z' });
const viewer = (role: Role, mode: Mode, inBreakout = false) => ({ participant: { role, mode }, inBreakout });

const NOT_GONE = { clearedAt: null, nowMs: 0 };

describe('announcement audiences', () => {
  it('[STAGE16] all goes to the whole event; room and remote to that cohort plus moderators and organisers; breakouts to breakout rooms plus moderators', () => {
    expect(announcementAudience('all')).toBeNull();
    expect(announcementAudience('room')).toEqual({ roles: ['moderator', 'admin'], modes: ['room'], breakouts: false });
    expect(announcementAudience('remote')).toEqual({ roles: ['moderator', 'admin'], modes: ['remote'], breakouts: false });
    expect(announcementAudience('breakouts')).toEqual({ roles: ['moderator', 'admin'], modes: [], breakouts: true });
  });

  it('[STAGE16] [STAGE17] who an announcement is meant for: a room-only one never reaches a remote attendee; the stage screen is in the room', () => {
    const table: [AnnouncementAudience, ReturnType<typeof viewer>, boolean][] = [
      ['room', viewer('attendee', 'room'), true],
      ['room', viewer('attendee', 'remote'), false],
      ['remote', viewer('attendee', 'remote'), true],
      ['remote', viewer('attendee', 'room'), false],
      ['room', viewer('screen', 'room'), true],
      ['remote', viewer('screen', 'room'), false],
      ['remote', viewer('presenter', 'room'), false],
      ['room', viewer('moderator', 'remote'), true],
      ['remote', viewer('admin', 'room'), true],
      ['breakouts', viewer('attendee', 'remote'), false],
      ['breakouts', viewer('attendee', 'remote', true), true],
      ['breakouts', viewer('moderator', 'room'), true],
      ['all', viewer('attendee', 'remote'), true],
      ['all', viewer('screen', 'room'), true],
    ];
    for (const [audience, v, expected] of table) expect(isMeantFor({ audience }, v), `${audience} for ${v.participant.role}/${v.participant.mode}`).toBe(expected);
  });

  it('[STAGE17] a late joiner gets the newest announcement meant for them, not the newest overall', () => {
    const newestFirst = [a('room', 'n3'), a('remote', 'n2'), a('all', 'n1')];
    expect(latestFor(newestFirst, viewer('attendee', 'remote'), NOT_GONE)?.id).toBe('n2');
    expect(latestFor(newestFirst, viewer('attendee', 'room'), NOT_GONE)?.id).toBe('n3');
    expect(latestFor([a('room')], viewer('attendee', 'remote'), NOT_GONE)).toBeNull();
    expect(latestFor([], viewer('moderator', 'room'), NOT_GONE)).toBeNull();
  });
});
