import { NOTHING_ON_STAGE, type Announcement, type ChatMessage, type Participant, type RoomCodeInfo, type StageSnapshot } from '@rally/shared';
import type { RawJson } from '../raw-json.js';
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
  const [shared, notes, banned] = await Promise.all([
    stageReads(deps.store, event.id),
    seesNotes ? deps.store.listNotes(event.id) : undefined,
    deps.store.isChatBanned(event.id, me.id),
  ]);
  return stageFrom(deps, me, event, shared, { notes, banned });
}

/** [STAGE25] [PERF20] The stage reads that are the same for everyone of the event. */
export interface StageReads {
  announcements: Announcement[];
  messages: ChatMessage[] | RawJson;
  slowModeSec: number;
}

export async function stageReads(store: StageDeps['store'], eventId: string): Promise<StageReads> {
  const [announcements, messages, slowModeSec] = await Promise.all([store.recentAnnouncements(eventId), store.listChat(eventId), store.chatSlowMode(eventId)]);
  return { announcements, messages, slowModeSec };
}

/** The stage part from the shared reads and this principal's own: notes (staff) and their chat ban. */
export function stageFrom(
  deps: Pick<StageDeps, 'stage' | 'clock'>,
  me: Participant,
  event: EventRecord,
  shared: StageReads,
  own: { notes: StageSnapshot['notes'] | undefined; banned: boolean },
): StageSnapshot {
  return {
    onStage: event.onStage ?? NOTHING_ON_STAGE,
    ...(me.role === 'screen' ? { roomCode: roomCodeInfo(deps, event) } : {}),
    // Breakout rooms do not exist yet, so nobody is in one ([STAGE16]).
    announcement: latestFor(shared.announcements, { participant: me, inBreakout: false }, { clearedAt: event.announcementsClearedAt ?? null, nowMs: deps.clock.now() }),
    ...(own.notes ? { notes: own.notes } : {}),
    // A RawJson is the same list encoded once ([PERF20]): it only ever goes on the wire.
    chat: { messages: shared.messages as ChatMessage[], settings: { slowModeSec: shared.slowModeSec }, banned: own.banned },
  };
}
