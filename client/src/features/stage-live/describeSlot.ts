import type { StageSlot } from '@rally/shared';
import type { RallyState } from '../../lib/state';
import { STATE_LABEL } from '../polls/model';
import { excerpt } from '../qa/model';
import { stageTakeaway } from '../../lib/breakoutState';

/** [STAGE31] The stage slot in words for staff screens, from the state's polls and questions. */
export function describeSlot(slot: StageSlot, state: RallyState): { what: string; detail: string | null } {
  switch (slot.kind) {
    case 'idle':
      return { what: 'Join information', detail: 'The QR code and the event code.' };
    case 'poll': {
      const p = state.polls.byId[slot.pollId];
      return { what: p ? `Poll (${STATE_LABEL[p.state].toLowerCase()})` : 'A poll', detail: p ? p.question : null };
    }
    case 'question': {
      const q = state.qa.byId[slot.questionId];
      return { what: 'Audience question', detail: q ? excerpt(q.text, 160) : null };
    }
    case 'leaderboard':
      return { what: slot.board === 'teams' ? 'Team leaderboard' : 'Leaderboard', detail: null };
    case 'quiz':
      return { what: 'Quiz', detail: null };
    case 'takeaway': {
      const t = stageTakeaway(state.breakouts, slot.roundId, slot.roomId);
      return { what: 'Breakout takeaway', detail: t ? `${t.roomName}: ${excerpt(t.text, 160)}` : null };
    }
  }
}

