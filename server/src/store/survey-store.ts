import type { Mode, Survey, SurveyAnswer, SurveyState } from '@rally/shared';

/** One attendee's answers as stored. */
export interface StoredSurveyResponse {
  participantId: string;
  /** The cohort they answered in. */
  cohort: Mode;
  answers: SurveyAnswer[];
  /** Canonical form of the answers: an identical resubmission is recognised and changes nothing. */
  fingerprint: string;
  at: string;
}

export interface SurveyTransitionPatch {
  openedAt?: string;
  closedAt?: string;
}

export interface SubmitSurveyOutcome {
  status: 'recorded' | 'replaced' | 'unchanged';
}

/**
 * The survey part of the storage port: one survey per event and one response per attendee.
 * Both adapters (store/sqlite/survey.ts, store/redis/survey.ts) pass one contract suite
 * (server/test/store/survey-contract.ts). Rules [SVSTOREn] in docs/SPEC.md.
 */
export interface SurveyStore {
  /** [SVSTORE1] Creates or replaces the event's survey while it is a draft (or absent); INVALID_STATE otherwise, unchanged. */
  putSurvey(survey: Survey): Promise<void>;
  getSurvey(eventId: string): Promise<Survey | null>;
  /** [SVSTORE2] Compare-and-set on the state; null (nothing changed) when absent or not in `from`. */
  transitionSurvey(eventId: string, from: SurveyState, to: SurveyState, patch: SurveyTransitionPatch): Promise<Survey | null>;
  /**
   * [SVSTORE3] One response per participant, atomically: NOT_FOUND without a survey,
   * INVALID_STATE unless open; the same fingerprint again is `unchanged`; different answers
   * replace the previous ones. Every change bumps the event's survey version.
   */
  submitSurvey(eventId: string, response: StoredSurveyResponse): Promise<SubmitSurveyOutcome>;
  getSurveyResponse(eventId: string, participantId: string): Promise<StoredSurveyResponse | null>;
  /** Oldest first, then by participant. */
  listSurveyResponses(eventId: string): Promise<StoredSurveyResponse[]>;
  /** [SVSTORE4] Bumped by every change to the survey or its responses; 0 without a survey. */
  surveyVersion(eventId: string): Promise<number>;
  /** [SVSTORE5] The participant's response is kept under `tombstoneId` instead (privacy deletion). */
  pseudonymiseSurvey(eventId: string, participantId: string, tombstoneId: string): Promise<void>;
}

/** One stable order in every adapter. */
export const compareResponses = (a: StoredSurveyResponse, b: StoredSurveyResponse): number =>
  a.at.localeCompare(b.at) || (a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0);
