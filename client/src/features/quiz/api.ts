import { ErrorCode, type QuizDraft, type RallyErrorBody, type StoredQuiz } from '@rally/shared';
import { loadToken } from '../../lib/tokens';

export type SaveResult = { ok: true; data: StoredQuiz } | { ok: false; error: RallyErrorBody };

/**
 * [QUIZ17] The editor saves over REST with the moderator's own token: a quiz can outgrow a socket
 * frame (16 KB), a request body cannot (512 kB). The server tells every staff screen, this one
 * included, with `quiz:updated`.
 */
export async function saveQuiz(code: string, eventId: string, target: { quizId: string; version: number } | { sessionId: string | null }, draft: QuizDraft): Promise<SaveResult> {
  const token = loadToken(code, 'moderator');
  if (!token) return { ok: false, error: { code: ErrorCode.UNAUTHORIZED, message: 'your moderator session is not stored in this browser; open the moderator link again' } };
  const base = `/api/events/${encodeURIComponent(eventId)}/quizzes`;
  const [url, method, body] = 'quizId' in target ? [`${base}/${encodeURIComponent(target.quizId)}`, 'PUT', { version: target.version, draft }] : [base, 'POST', { sessionId: target.sessionId, draft }];
  try {
    const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => null)) as (StoredQuiz & { error?: RallyErrorBody }) | null;
    if (res.ok && json) return { ok: true, data: json };
    return { ok: false, error: json?.error ?? { code: ErrorCode.INTERNAL, message: `Rally answered ${res.status}` } };
  } catch {
    return { ok: false, error: { code: ErrorCode.UNAVAILABLE, message: "can't reach Rally; check your connection and try again" } };
  }
}
