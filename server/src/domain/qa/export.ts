import { originCohort } from '@rally/shared';
import type { EventRecord } from '../../store/store.js';
import type { QaDeps } from './deps.js';

export type QaExportCell = string | number | null;

/**
 * [QA24] Every question of the event, oldest first, one row each. The author is the name the
 * asker chose to show; anonymous questions have none (it was never stored). No participant ids.
 */
export const QA_EXPORT_COLUMNS = [
  'question_id',
  'session_id',
  'created_at',
  'state',
  'votes',
  'origin',
  'breakout_room',
  'cohort',
  'anonymous',
  'author',
  'text',
  'edited',
  'flagged',
  'reply',
  'answered_at',
] as const;

export async function qaExportRows(store: QaDeps['store'], event: EventRecord): Promise<QaExportCell[][]> {
  const [questions, votes] = await Promise.all([store.listQuestions(event.id), store.questionVotes(event.id)]);
  const rows: QaExportCell[][] = [[...QA_EXPORT_COLUMNS]];
  for (const q of questions) {
    rows.push([
      q.id,
      q.sessionId,
      q.createdAt,
      q.state,
      votes.votes[q.id] ?? 0,
      q.origin.kind,
      q.origin.kind === 'breakout' ? q.origin.roomId : null,
      originCohort(q.origin),
      q.anonymous ? 'yes' : 'no',
      q.anonymous ? null : q.authorName,
      q.text,
      q.edited ? 'yes' : 'no',
      q.flagged ? 'yes' : 'no',
      q.reply,
      q.answeredAt,
    ]);
  }
  return rows;
}
