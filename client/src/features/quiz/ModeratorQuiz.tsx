import { useMemo } from 'react';
import { useLive } from '../../components/EventGate';
import { sortedAgenda } from '../../lib/agenda';
import { loadToken } from '../../lib/tokens';
import type { QuizAccess } from './access';
import { QuizAccessProvider } from './access';
import { QuizAuthoring } from './QuizAuthoring';

/**
 * [QUIZ18] The console's Quiz section: the shared authoring ([UI72]) on the console's live state,
 * with the moderator's own token for REST and commands for copy, delete and reopen (their facts
 * update the list, so nothing needs reading again).
 */
export function ModeratorQuiz({ code }: { code: string }) {
  const { state, send } = useLive();
  const access = useMemo<QuizAccess>(
    () => ({
      eventId: state.event.id,
      agenda: sortedAgenda(state.event),
      quizzes: state.quizzes.quizzes,
      token: () => loadToken(code, 'moderator'),
      signedOut: 'Your moderator session is not stored in this browser; open the moderator link again',
      duplicate: async (quizId) => void (await send('quiz:duplicate', { quizId })),
      remove: async (quizId) => void (await send('quiz:delete', { quizId })),
      reopen: (quizId, closesAt) => send('quiz:reopen', { quizId, closesAt }),
      reopenedUntil: (quizId) => state.quizPlay.revisits.find((r) => r.quizId === quizId)?.closesAt ?? null,
      changed: () => {},
    }),
    [code, send, state.event, state.quizzes.quizzes, state.quizPlay.revisits],
  );
  return (
    <QuizAccessProvider value={access}>
      <QuizAuthoring
        className="card"
        testId="moderator-quiz"
        note="Quizzes hold the correct answers: only moderators, organisers and presenters see them here. Run a quiz from the Live section."
      />
    </QuizAccessProvider>
  );
}
