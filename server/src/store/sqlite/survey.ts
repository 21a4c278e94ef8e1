import type Database from 'better-sqlite3';
import { ErrorCode, RallyError, type Survey, type SurveyState } from '@rally/shared';
import { compareResponses, type StoredSurveyResponse, type SurveyStore, type SurveyTransitionPatch } from '../survey-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS surveys (
  event_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS survey_responses (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (event_id, participant_id)
) WITHOUT ROWID;
`;

/** The survey tables on the embedded store's database; each method is one transaction. */
export function createSqliteSurvey(db: Database.Database): SurveyStore {
  db.exec(SCHEMA);
  const q = {
    get: db.prepare<[string], { state: string; version: number; doc: string }>('SELECT state, version, doc FROM surveys WHERE event_id = ?'),
    put: db.prepare(
      'INSERT INTO surveys (event_id, state, version, doc) VALUES (?, ?, 1, ?) ON CONFLICT(event_id) DO UPDATE SET state = excluded.state, doc = excluded.doc, version = version + 1',
    ),
    write: db.prepare('UPDATE surveys SET state = ?, doc = ?, version = version + 1 WHERE event_id = ?'),
    bump: db.prepare('UPDATE surveys SET version = version + 1 WHERE event_id = ?'),
    response: db.prepare<[string, string], { doc: string }>('SELECT doc FROM survey_responses WHERE event_id = ? AND participant_id = ?'),
    putResponse: db.prepare('INSERT OR REPLACE INTO survey_responses (event_id, participant_id, doc) VALUES (?, ?, ?)'),
    deleteResponse: db.prepare('DELETE FROM survey_responses WHERE event_id = ? AND participant_id = ?'),
    responses: db.prepare<[string], { doc: string }>('SELECT doc FROM survey_responses WHERE event_id = ?'),
  };

  const put = db.transaction((survey: Survey) => {
    const row = q.get.get(survey.eventId);
    if (row && row.state !== 'draft') throw new RallyError(ErrorCode.INVALID_STATE, `the survey is ${row.state}; only a draft can be rewritten`);
    q.put.run(survey.eventId, survey.state, JSON.stringify(survey));
  });

  const transition = db.transaction((eventId: string, from: SurveyState, to: SurveyState, patch: SurveyTransitionPatch): Survey | null => {
    const row = q.get.get(eventId);
    if (!row || row.state !== from) return null;
    const next: Survey = { ...(JSON.parse(row.doc) as Survey), ...patch, state: to };
    q.write.run(to, JSON.stringify(next), eventId);
    return next;
  });

  const submit = db.transaction((eventId: string, r: StoredSurveyResponse) => {
    const row = q.get.get(eventId);
    if (!row) throw new RallyError(ErrorCode.NOT_FOUND, 'this event has no survey');
    if (row.state !== 'open') throw new RallyError(ErrorCode.INVALID_STATE, row.state === 'draft' ? 'the survey is not open yet' : 'the survey is closed');
    const prev = q.response.get(eventId, r.participantId);
    if (prev && (JSON.parse(prev.doc) as StoredSurveyResponse).fingerprint === r.fingerprint) return { status: 'unchanged' as const };
    q.putResponse.run(eventId, r.participantId, JSON.stringify(r));
    q.bump.run(eventId);
    return { status: prev ? ('replaced' as const) : ('recorded' as const) };
  });

  const pseudonymise = db.transaction((eventId: string, participantId: string, tombstoneId: string) => {
    const row = q.response.get(eventId, participantId);
    if (!row) return;
    q.deleteResponse.run(eventId, participantId);
    q.putResponse.run(eventId, tombstoneId, JSON.stringify({ ...(JSON.parse(row.doc) as StoredSurveyResponse), participantId: tombstoneId }));
  });

  return {
    async putSurvey(survey) {
      put(survey);
    },
    async getSurvey(eventId) {
      const row = q.get.get(eventId);
      return row ? (JSON.parse(row.doc) as Survey) : null;
    },
    async transitionSurvey(eventId, from, to, patch) {
      return transition(eventId, from, to, patch);
    },
    async submitSurvey(eventId, response) {
      return submit(eventId, response);
    },
    async getSurveyResponse(eventId, participantId) {
      const row = q.response.get(eventId, participantId);
      return row ? (JSON.parse(row.doc) as StoredSurveyResponse) : null;
    },
    async listSurveyResponses(eventId) {
      return q.responses.all(eventId).map((r) => JSON.parse(r.doc) as StoredSurveyResponse).sort(compareResponses);
    },
    async surveyVersion(eventId) {
      return q.get.get(eventId)?.version ?? 0;
    },
    async pseudonymiseSurvey(eventId, participantId, tombstoneId) {
      pseudonymise(eventId, participantId, tombstoneId);
    },
  };
}
