import type { Leaderboard, Poll, Question, QuizPhase } from '@rally/shared';
import type { RallyState } from '../../lib/state';
import { stageQuestion } from '../../lib/qaState';
import { stageTakeaway } from '../../lib/breakoutState';

/** What the projector draws: the slot's activity, with what it needs, or the idle screen. */
export type StageView =
  | { kind: 'idle' }
  | { kind: 'poll'; poll: Poll }
  | { kind: 'question'; question: Question }
  | { kind: 'quiz'; runId: string; phase: QuizPhase }
  | { kind: 'leaderboard'; board: 'people' | 'teams'; leaderboard: Leaderboard }
  | { kind: 'takeaway'; roomName: string; text: string; byName: string };

/**
 * [STAGE40] The stage screen renders the stage slot and nothing else. A slot naming something this
 * screen does not hold (a poll not yet received, a question since dismissed, a leaderboard the
 * organiser turned off) shows the idle screen rather than a hole.
 */
export function stageView(state: RallyState): StageView {
  const slot = state.stage.onStage.slot;
  switch (slot.kind) {
    case 'idle':
      return { kind: 'idle' };
    case 'poll': {
      const poll = state.polls.byId[slot.pollId];
      return poll && poll.state !== 'draft' ? { kind: 'poll', poll } : { kind: 'idle' };
    }
    case 'question': {
      const question = stageQuestion(state.qa, slot.questionId);
      return question ? { kind: 'question', question } : { kind: 'idle' };
    }
    case 'quiz': {
      // [UI51] A run this screen has not heard of yet (or one that ended) leaves the join screen up.
      const phase = state.quizPlay.runs[slot.runId]?.phase;
      return phase && phase.phase !== 'ended' ? { kind: 'quiz', runId: slot.runId, phase } : { kind: 'idle' };
    }
    case 'leaderboard': {
      const leaderboard = state.engagement.leaderboard;
      return leaderboard ? { kind: 'leaderboard', board: slot.board, leaderboard } : { kind: 'idle' };
    }
    case 'takeaway': {
      // [BRK77] A takeaway this screen does not hold shows idle.
      const t = stageTakeaway(state.breakouts, slot.roundId, slot.roomId);
      return t ? { kind: 'takeaway', ...t } : { kind: 'idle' };
    }
  }
}
