import { ErrorCode, RallyError, type PresenterNote } from '@rally/shared';
import { isoNow } from '../../clock.js';
import { newId } from '../../ids.js';
import { requireSender, requireStageEvent } from './common.js';
import { NOTE_ROLES, type StageDeps } from './deps.js';

type NoteDeps = Pick<StageDeps, 'store' | 'clock' | 'publish'>;

/**
 * [STAGE18] A private note from the control desk. Kept, so a presenter who reloads still has it;
 * sent to presenters, moderators and organisers only: never to attendees or the stage screen.
 */
export async function sendNote(deps: NoteDeps, eventId: string, senderId: string, text: string): Promise<PresenterNote> {
  const [me] = await Promise.all([requireSender(deps, eventId, senderId), requireStageEvent(deps, eventId)]);
  const note: PresenterNote = { id: newId(), text: text.trim(), from: me.name, at: isoNow(deps.clock), readAt: null, readBy: null };
  await deps.store.addNote(eventId, note);
  deps.publish.toRoles(eventId, NOTE_ROLES, 'note:posted', note);
  return note;
}

/**
 * [STAGE19] A presenter's read receipt. The first read is the one recorded and announced; marking a
 * read note again answers with it and tells nobody.
 */
export async function markNoteRead(deps: NoteDeps, eventId: string, presenterId: string, noteId: string): Promise<PresenterNote> {
  const me = await requireSender(deps, eventId, presenterId);
  const result = await deps.store.markNoteRead(eventId, noteId, me.name, isoNow(deps.clock));
  if (!result) throw new RallyError(ErrorCode.NOT_FOUND, 'no such note in this event');
  if (result.changed) deps.publish.toRoles(eventId, NOTE_ROLES, 'note:readConfirmed', result.note);
  return result.note;
}
