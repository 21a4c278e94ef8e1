import type { Leaderboard, Poll, Question, StageSlot } from '@rally/shared';
import type { RallyState } from '../../lib/state';
import { stageQuestion } from '../../lib/qaState';
import { livePolls, stagePoll } from '../polls/model';

/** What the projector draws: the slot's activity, with what it needs, or the idle screen. */
export type StageView =
  | { kind: 'idle' }
  | { kind: 'poll'; poll: Poll }
  | { kind: 'question'; question: Question }
  | { kind: 'leaderboard'; board: 'people' | 'teams'; leaderboard: Leaderboard };

/**
 * [STAGE40] The stage screen renders the stage slot and nothing else. A slot naming something this
 * screen does not hold (a poll not yet received, a question since dismissed, a leaderboard the
 * organiser turned off) shows the idle screen rather than a hole.
 */
export function stageView(state: RallyState): StageView {
  const slot = slotOf(state);
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
    case 'leaderboard': {
      const leaderboard = state.engagement.leaderboard;
      return leaderboard ? { kind: 'leaderboard', board: slot.board, leaderboard } : { kind: 'idle' };
    }
  }
}

/**
 * The slot, or, from a server that has never set one (version 0), what such a server put on stage:
 * the newest live poll, else the highlighted question, else the last closed poll with results.
 */
function slotOf(state: RallyState): StageSlot {
  const { onStage } = state.stage;
  if (onStage.version > 0) return onStage.slot;
  const live = livePolls(state.polls)[0];
  if (live) return { kind: 'poll', pollId: live.id };
  if (state.qa.highlightedId) return { kind: 'question', questionId: state.qa.highlightedId };
  const shown = stagePoll(state.polls);
  return shown ? { kind: 'poll', pollId: shown.id } : onStage.slot;
}
