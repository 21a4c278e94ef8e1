import { z } from 'zod';
import {
  BreakoutRound,
  CreateEventRequest,
  CreateEventResponse,
  EditEventRequest,
  EngagementSettings,
  EngagementSettingsPatch,
  EventLookupResponse,
  JoinRequest,
  JoinResponse,
  QuizReinforcement,
  QuizReopenBody,
  RosterEntry,
  RosterImport,
  SetAgendaRequest,
  StoredQuiz,
  Survey,
  SurveyDraft,
} from '@rally/shared';
import { WebhookConfig } from '../domain/engagement/settings.js';
import { CreateBody as RoundCreateBody, UpdateBody as RoundUpdateBody } from './breakout-round-routes.js';
import { FileQuery as ScorecardFileQuery, ListQuery as ScorecardListQuery } from './breakout-scorecard-routes.js';
import { LogQuery } from './engagement-routes.js';
import { ImportQuery, CreateBody as QuizCreateBody, UpdateBody as QuizUpdateBody, DuplicateBody as QuizDuplicateBody, ResultsQuery } from './quiz-routes.js';

/**
 * Who may call a route. `admin`: `Authorization: Bearer <ADMIN_TOKEN>`. `staff`: the ADMIN_TOKEN or
 * a token of one of the event's moderators (exports, quizzes, rounds, the attendee list). `livekit`:
 * LiveKit's signed webhook. `none`: anyone.
 */
export type RouteAuth = 'none' | 'admin' | 'staff' | 'livekit';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express style (`/api/events/:id`), exactly as mounted. */
  path: string;
  auth: RouteAuth;
  summary: string;
  /** The zod schema the route parses its JSON body with. */
  body?: z.ZodType;
  /** A body read as text (CSV or JSON files): media types accepted; `body` then describes the JSON form. */
  fileBody?: string[];
  query?: z.ZodType;
  /** Status of success; 200 unless said. */
  status?: number;
  /** The JSON answer's schema, where shared/ has one. */
  response?: z.ZodType;
  /** A download instead of JSON. */
  produces?: 'text/csv' | 'application/x-ndjson' | 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  /** What the answer holds when no schema describes it. */
  responseNote?: string;
}

const Health = z.object({ ok: z.boolean(), store: z.string().optional(), reason: z.string().optional() });
const EventList = z.object({ events: z.array(CreateEventResponse) });
const Roster = z.object({ entries: z.array(RosterEntry) });
const QuizList = z.object({ quizzes: z.array(StoredQuiz) });

const csv = { produces: 'text/csv' } as const;

/**
 * [OPS80] Every REST route app.ts mounts, with the schemas it validates with. api-docs.test.ts walks
 * Express's router and fails when a mounted route is missing here, so this table cannot drift.
 */
export const REST_ROUTES: RouteDoc[] = [
  // Health (health-routes.ts)
  { method: 'get', path: '/healthz', auth: 'none', summary: 'Liveness: the process answers', response: Health },
  { method: 'get', path: '/readyz', auth: 'none', summary: 'Readiness: 200 while the store answers, 503 otherwise or while draining', response: Health },

  // Events and identity (events-routes.ts)
  { method: 'get', path: '/api/events/by-code/:code', auth: 'none', summary: "Look up a join code: the event's public view", response: EventLookupResponse },
  { method: 'post', path: '/api/events', auth: 'admin', summary: 'Create an event', body: CreateEventRequest, status: 201, response: CreateEventResponse },
  { method: 'get', path: '/api/events', auth: 'admin', summary: 'List events with their role links', response: EventList },
  { method: 'get', path: '/api/events/:id', auth: 'admin', summary: 'One event with its code and role links', response: CreateEventResponse },
  { method: 'post', path: '/api/events/:id/keys/rotate', auth: 'admin', summary: 'Rotate the role keys (staff holding old links are disconnected)', response: CreateEventResponse },
  { method: 'post', path: '/api/events/:id/archive', auth: 'admin', summary: 'Archive a finished event: read-only from now on (409 INVALID_STATE before its last session ends)', response: CreateEventResponse },
  { method: 'delete', path: '/api/events/:id', auth: 'admin', summary: 'Delete a finished or archived event and all its data (409 INVALID_STATE otherwise)', responseNote: '{ eventId, deleted: true }' },
  { method: 'post', path: '/api/join', auth: 'none', summary: 'Join an event: a participant token for the socket handshake', body: JoinRequest, response: JoinResponse },

  // The organiser's edits (stage-routes.ts)
  { method: 'patch', path: '/api/events/:id', auth: 'admin', summary: 'Edit name, stream, branding, settings (only fields given change)', body: EditEventRequest, response: CreateEventResponse },
  { method: 'put', path: '/api/events/:id/agenda', auth: 'admin', summary: 'Replace the agenda', body: SetAgendaRequest, response: CreateEventResponse },

  // Exports (polls-routes.ts, qa-routes.ts)
  { method: 'get', path: '/api/events/:id/polls/results.csv', auth: 'staff', summary: 'Poll results as CSV', ...csv },
  { method: 'get', path: '/api/events/:id/questions.csv', auth: 'staff', summary: 'Q&A questions as CSV', ...csv },

  // Quizzes (quiz-routes.ts)
  { method: 'get', path: '/api/quiz-template.csv', auth: 'none', summary: 'A quiz import template', ...csv },
  { method: 'get', path: '/api/events/:id/quizzes', auth: 'staff', summary: "The event's quizzes", response: QuizList },
  { method: 'post', path: '/api/events/:id/quizzes', auth: 'staff', summary: 'Create a quiz', body: QuizCreateBody, status: 201, response: StoredQuiz },
  {
    method: 'post',
    path: '/api/events/:id/quizzes/import',
    auth: 'staff',
    summary: 'Import a quiz from a CSV or JSON file (400 names every bad line)',
    fileBody: ['text/csv', 'text/plain', 'application/json'],
    query: ImportQuery,
    status: 201,
    response: StoredQuiz,
  },
  { method: 'get', path: '/api/events/:id/quizzes/:quizId', auth: 'staff', summary: 'One quiz with its answer key', response: StoredQuiz },
  { method: 'put', path: '/api/events/:id/quizzes/:quizId', auth: 'staff', summary: 'Replace a quiz draft (version must match)', body: QuizUpdateBody, response: StoredQuiz },
  { method: 'delete', path: '/api/events/:id/quizzes/:quizId', auth: 'staff', summary: 'Delete a quiz', responseNote: '{ quizId }' },
  { method: 'post', path: '/api/events/:id/quizzes/:quizId/duplicate', auth: 'staff', summary: 'Copy a quiz into a new draft (its session or another)', body: QuizDuplicateBody, status: 201, response: StoredQuiz },
  { method: 'get', path: '/api/events/:id/quizzes/:quizId/export.csv', auth: 'staff', summary: 'A quiz as CSV (re-importable)', ...csv },
  { method: 'get', path: '/api/events/:id/quizzes/:quizId/export.json', auth: 'staff', summary: 'A quiz as JSON (re-importable)', responseNote: 'the quiz file' },
  { method: 'post', path: '/api/events/:id/quizzes/:quizId/reinforcement', auth: 'staff', summary: 'Reopen a quiz as a self-paced reinforcement quiz', body: QuizReopenBody, response: QuizReinforcement },
  { method: 'get', path: '/api/events/:id/quizzes/:quizId/what-stuck', auth: 'staff', summary: 'Live versus reinforcement answers per question', responseNote: 'per question: live and reinforcement correct rates' },
  { method: 'get', path: '/api/events/:id/quizzes/:quizId/results', auth: 'staff', summary: 'Quiz results, page by page', query: ResultsQuery, responseNote: '{ entries, next }' },
  { method: 'get', path: '/api/events/:id/quizzes/:quizId/results.csv', auth: 'staff', summary: 'Quiz results as CSV', ...csv },
  { method: 'get', path: '/api/events/:id/quizzes/:quizId/results.xlsx', auth: 'staff', summary: 'Quiz results as a spreadsheet', produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },

  // Breakouts: attendee list, scorecards, rounds (roster-routes.ts, breakout-*-routes.ts)
  { method: 'get', path: '/api/events/:id/roster/template.csv', auth: 'none', summary: 'An attendee list template', ...csv },
  { method: 'get', path: '/api/events/:id/roster', auth: 'staff', summary: "The event's attendee list", response: Roster },
  {
    method: 'put',
    path: '/api/events/:id/roster',
    auth: 'staff',
    summary: 'Replace the attendee list with a CSV or JSON file (400 names every bad line, nothing stored)',
    body: RosterImport,
    fileBody: ['text/csv', 'text/plain', 'application/json'],
    response: Roster,
  },
  { method: 'get', path: '/api/events/:id/breakouts/scorecards', auth: 'staff', summary: 'Breakout scorecards, page by page', query: ScorecardListQuery, responseNote: '{ entries, next }' },
  { method: 'get', path: '/api/events/:id/breakouts/scorecards.csv', auth: 'staff', summary: 'Breakout scorecards as CSV', query: ScorecardFileQuery, ...csv },
  { method: 'post', path: '/api/events/:id/breakouts/rounds', auth: 'staff', summary: "Create a breakout round's plan (up to 500 rooms)", body: RoundCreateBody, status: 201, response: BreakoutRound },
  { method: 'put', path: '/api/events/:id/breakouts/rounds/:roundId', auth: 'staff', summary: "Replace a draft round's plan", body: RoundUpdateBody, response: BreakoutRound },

  // Engagement and the survey (engagement-routes.ts)
  { method: 'get', path: '/api/events/:id/engagement/summary', auth: 'staff', summary: 'Engagement summary (cohorts, teams, parity)', responseNote: 'the dashboard figures' },
  { method: 'get', path: '/api/events/:id/engagement/log', auth: 'staff', summary: 'Engagement log, page by page', query: LogQuery, responseNote: '{ entries, next }' },
  { method: 'get', path: '/api/events/:id/engagement/log.ndjson', auth: 'staff', summary: 'The whole engagement log, one JSON entry a line', produces: 'application/x-ndjson' },
  { method: 'get', path: '/api/events/:id/engagement/log.csv', auth: 'staff', summary: 'The whole engagement log as CSV', ...csv },
  { method: 'get', path: '/api/events/:id/engagement/participants.csv', auth: 'staff', summary: 'Scores per participant as CSV', ...csv },
  { method: 'get', path: '/api/events/:id/engagement/participants.xlsx', auth: 'staff', summary: 'Scores per participant and team as a spreadsheet', produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { method: 'get', path: '/api/events/:id/engagement/survey.csv', auth: 'staff', summary: 'Survey answers as CSV', ...csv },
  { method: 'get', path: '/api/events/:id/engagement/settings', auth: 'staff', summary: 'Engagement settings', response: EngagementSettings },
  { method: 'patch', path: '/api/events/:id/engagement/settings', auth: 'admin', summary: 'Change weights, parity threshold, leaderboard', body: EngagementSettingsPatch, response: EngagementSettings },
  { method: 'put', path: '/api/events/:id/engagement/webhook', auth: 'admin', summary: 'Set the engagement webhook', body: WebhookConfig, response: EngagementSettings },
  { method: 'delete', path: '/api/events/:id/engagement/webhook', auth: 'admin', summary: 'Remove the engagement webhook', response: EngagementSettings },
  { method: 'put', path: '/api/events/:id/survey', auth: 'admin', summary: 'Define the survey', body: SurveyDraft, response: Survey },
  { method: 'post', path: '/api/events/:id/survey/open', auth: 'admin', summary: 'Open the survey', response: Survey },
  { method: 'post', path: '/api/events/:id/survey/close', auth: 'admin', summary: 'Close the survey', response: Survey },
  { method: 'delete', path: '/api/events/:id/participants/:pid', auth: 'admin', summary: "Delete a participant's data from the event (they are disconnected)", responseNote: 'what was deleted' },

  // LiveKit (livekit-webhook-routes.ts)
  { method: 'post', path: '/api/livekit/webhook', auth: 'livekit', summary: "LiveKit's signed webhook (breakout video presence)", responseNote: 'empty' },

  // These documents (api-docs.ts)
  { method: 'get', path: '/api/openapi.json', auth: 'none', summary: 'This REST API as OpenAPI 3.1', responseNote: 'an OpenAPI 3.1 document' },
  { method: 'get', path: '/api/asyncapi.json', auth: 'none', summary: 'The socket protocol as AsyncAPI 3.0', responseNote: 'an AsyncAPI 3.0 document' },
  { method: 'get', path: '/api/docs', auth: 'none', summary: 'A browsable page of both documents', responseNote: 'HTML' },
  { method: 'get', path: '/api/docs.js', auth: 'none', summary: "The browsable page's script", responseNote: 'JavaScript' },
];
