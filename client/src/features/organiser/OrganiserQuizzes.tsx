import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { PublicEvent, QuizReinforcement, StoredQuiz } from '@rally/shared';
import { sortedAgenda } from '../../lib/agenda';
import { sentence } from '../../lib/text';
import { useToasts } from '../../lib/toasts';
import { QuizAccessProvider, type QuizAccess } from '../quiz/access';
import { quizRequest } from '../quiz/api';
import { QuizAuthoring } from '../quiz/QuizAuthoring';

type Loaded = { status: 'loading' } | { status: 'ready'; quizzes: StoredQuiz[] } | { status: 'error'; message: string };

/**
 * [UI72] An event's quizzes on the organiser page: the console's quiz authoring itself, given REST
 * with the admin token ([QUIZ17]). The page has no socket, so the list is read when the panel opens
 * and again after each write; copy, delete and reopen go over REST too. Read only on opening: a page of
 * many events does not fetch every event's quizzes.
 */
export function OrganiserQuizzes({ event, adminToken }: { event: PublicEvent; adminToken: string }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  // A disclosure button, not a nested <details>: the event card's own summary stays its only one.
  return (
    <div className="organiser-quizzes" data-testid="organiser-quizzes">
      <button type="button" className="btn" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)} data-testid="organiser-quizzes-toggle">
        {open ? 'Hide the quizzes' : 'Quizzes: write, import and export'}
      </button>
      <div id={panelId}>{open ? <QuizPanel event={event} adminToken={adminToken} /> : null}</div>
    </div>
  );
}

function QuizPanel({ event, adminToken }: { event: PublicEvent; adminToken: string }) {
  const toasts = useToasts();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  // Reopened from this page: the REST list does not say which quizzes are open self-paced.
  const [reopened, setReopened] = useState<Record<string, string>>({});
  const base = useMemo(() => ({ eventId: event.id, token: () => adminToken || null, signedOut: 'Enter the admin token above first' }), [event.id, adminToken]);

  const reload = useCallback(async () => {
    const res = await quizRequest<{ quizzes: StoredQuiz[] }>(base, 'GET', '');
    setLoaded(res.ok ? { status: 'ready', quizzes: res.data.quizzes } : { status: 'error', message: sentence(res.error.message) });
  }, [base]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const access = useMemo<QuizAccess>(() => {
    const write = async (method: string, path: string, failed: string) => {
      const res = await quizRequest(base, method, path);
      if (!res.ok) toasts.error(`${failed}: ${sentence(res.error.message)}`);
      await reload();
    };
    return {
      ...base,
      agenda: sortedAgenda(event),
      quizzes: loaded.status === 'ready' ? loaded.quizzes : [],
      duplicate: (quizId) => write('POST', `${encodeURIComponent(quizId)}/duplicate`, 'Copying the quiz failed'),
      remove: (quizId) => write('DELETE', encodeURIComponent(quizId), 'Deleting the quiz failed'),
      reopen: async (quizId, closesAt) => {
        const res = await quizRequest<QuizReinforcement>(base, 'POST', `${encodeURIComponent(quizId)}/reinforcement`, { closesAt });
        if (res.ok) setReopened((r) => ({ ...r, [quizId]: res.data.closesAt }));
        return res;
      },
      reopenedUntil: (quizId) => reopened[quizId] ?? null,
      changed: () => void reload(),
    };
  }, [base, event, loaded, reload, reopened, toasts]);

  if (loaded.status === 'loading') return <p className="loading">Loading quizzes…</p>;
  if (loaded.status === 'error')
    return (
      <p className="field-error" role="alert" data-testid="organiser-quizzes-error">
        {loaded.message}
      </p>
    );
  return (
    <QuizAccessProvider value={access}>
      <QuizAuthoring
        level={3}
        title="Quizzes"
        testId="organiser-quiz"
        note="Quizzes hold the correct answers: only organisers, moderators and presenters see them. Moderators and presenters run them live from their screens."
      />
    </QuizAccessProvider>
  );
}
