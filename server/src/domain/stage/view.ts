import { NOTHING_ON_STAGE, type Participant, type RoomCodeInfo, type StageSnapshot } from '@rally/shared';
import type { EventRecord } from '../../store/store.js';
import { latestFor } from './audience.js';
import { NOTE_ROLES, type StageDeps, type StageServices } from './deps.js';

/** [STAGE11] The stage screen's room code now, with the QR target. */
export function roomCodeInfo(deps: { stage: Pick<StageServices, 'roomCodes' | 'publicUrl'> }, event: Pick<EventRecord, 'id' | 'code'>): RoomCodeInfo {
  const { code, validUntilMs } = deps.stage.roomCodes.current(event.id);
  return { code, validUntil: new Date(validUntilMs).toISOString(), joinUrl: `${deps.stage.publicUrl}/j/${event.code}?room=${code}` };
}

/**
 * [STAGE25] The stage part of a snapshot, read from the store: the room code for stage screens
 * only, the latest announcement meant for this principal, notes for presenters and moderators,
 * and the chat window with its settings and this participant's ban.
 */
export async function stageForSnapshot(deps: Pick<StageDeps, 'store' | 'stage' | 'clock'>, me: Participant, event: EventRecord): Promise<StageSnapshot> {
  const seesNotes = (NOTE_ROLES as readonly string[]).includes(me.role);
  const [announcements, notes, messages, slowModeSec, banned] = await Promise.all([
    deps.store.recentAnnouncements(event.id),
    seesNotes ? deps.store.listNotes(event.id) : undefined,
    deps.store.listChat(event.id),
    deps.store.chatSlowMode(event.id),
    deps.store.isChatBanned(event.id, me.id),
  ]);
  return {
    onStage: event.onStage ?? NOTHING_ON_STAGE,
    ...(me.role === 'screen' ? { roomCode: roomCodeInfo(deps, event) } : {}),
    // Breakout rooms do not exist yet, so nobody is in one ([STAGE16]).
    announcement: latestFor(announcements, { participant: me, inBreakout: false }, { clearedAt: event.announcementsClearedAt ?? null, nowMs: deps.clock.now() }),
    ...(notes ? { notes } : {}),
    chat: { messages, settings: { slowModeSec }, banned },
  };
}
