import type { CommandName, CommandResults, Snapshot, Survey, SurveyAnswer, SurveyState as SurveyPhase } from '@rally/shared';
import type { RallySocket } from './socket';

/**
 * The survey part of the client state ([ENG15]): the event's survey as this principal may see it
 * (staff: any state; attendees: once open) and this participant's own stored answers.
 */
export interface SurveyState {
  survey: Survey | null;
  myAnswers: SurveyAnswer[] | null;
}

export type SurveyEvent =
  | { name: 'survey:updated'; payload: Survey }
  /** Our own submission was stored (no fact carries it back to us). */
  | { name: 'survey:answered'; payload: CommandResults['survey:submit'] };

export const EMPTY_SURVEY: SurveyState = { survey: null, myAnswers: null };

export function surveyFromSnapshot(s: Snapshot): SurveyState {
  return s.survey ? { survey: s.survey.survey, myAnswers: s.survey.myAnswers } : EMPTY_SURVEY;
}

const PHASE_RANK: Record<SurveyPhase, number> = { draft: 0, open: 1, closed: 2 };

export function reduceSurvey(s: SurveyState, e: SurveyEvent): SurveyState {
  switch (e.name) {
    case 'survey:updated': {
      // draft -> open -> closed never goes backwards: a late copy of an earlier phase is stale.
      if (s.survey && PHASE_RANK[e.payload.state] < PHASE_RANK[s.survey.state]) return s;
      return { ...s, survey: e.payload };
    }
    case 'survey:answered':
      return { ...s, myAnswers: e.payload.answers };
  }
}

/** Subscribes to survey facts. */
export function listenSurveyFacts(socket: RallySocket, onEvent: (e: SurveyEvent) => void): void {
  socket.on('survey:updated', (payload) => onEvent({ name: 'survey:updated', payload }));
}

/** What a successful ack of our own survey command tells the state at once. */
export function surveyEventFromAck<N extends CommandName>(name: N, data: CommandResults[N]): SurveyEvent | null {
  switch (name) {
    case 'survey:define':
    case 'survey:open':
    case 'survey:close':
      return { name: 'survey:updated', payload: data as Survey };
    case 'survey:submit':
      return { name: 'survey:answered', payload: data as CommandResults['survey:submit'] };
    default:
      return null;
  }
}
