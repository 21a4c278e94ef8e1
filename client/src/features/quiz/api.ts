import { ErrorCode, type QuizDraft, type RallyErrorBody, type StoredQuiz } from '@rally/shared';
import { quizUrl, type QuizAccess, type QuizResult } from './access';

export type SaveResult = QuizResult<StoredQuiz>;

/** One call to the event's quiz routes with the access's token ([QUIZ17]); a refusal comes back as Rally's typed error. */
export async function quizRequest<T>(access: Pick<QuizAccess, 'eventId' | 'token' | 'signedOut'>, method: string, path: string, body?: unknown): Promise<QuizResult<T>> {
  const token = access.token();
  if (!token) return { ok: false, error: { code: ErrorCode.UNAUTHORIZED, message: access.signedOut } };
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(quizUrl(access, path), { method, headers, body: body === undefined ? null : JSON.stringify(body), cache: 'no-store' });
    const json = (await res.json().catch(() => null)) as (T & { error?: RallyErrorBody }) | null;
    if (res.ok && json) return { ok: true, data: json };
    return { ok: false, error: json?.error ?? { code: ErrorCode.INTERNAL, message: `Rally answered ${res.status}` } };
  } catch {
    return { ok: false, error: { code: ErrorCode.UNAVAILABLE, message: "can't reach Rally; check your connection and try again" } };
  }
}

/**
 * [QUIZ17] The editor saves over REST: a quiz can outgrow a socket frame (16 KB), a request body
 * cannot (512 kB). The server tells every staff screen, the console included, with `quiz:updated`.
 */
export function saveQuiz(access: Pick<QuizAccess, 'eventId' | 'token' | 'signedOut'>, target: { quizId: string; version: number } | { sessionId: string | null }, draft: QuizDraft): Promise<SaveResult> {
  return 'quizId' in target
    ? quizRequest(access, 'PUT', encodeURIComponent(target.quizId), { version: target.version, draft })
    : quizRequest(access, 'POST', '', { sessionId: target.sessionId, draft });
}
