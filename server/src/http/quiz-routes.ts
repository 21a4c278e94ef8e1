import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ErrorCode, Id, QuizDraft, QuizReopenBody, RallyError, type QuizImportError } from '@rally/shared';
import type { Clock } from '../clock.js';
import type { Publisher } from '../domain/ports.js';
import { createQuiz, deleteQuiz, duplicateQuiz, requireQuiz, updateQuiz } from '../domain/quiz/authoring.js';
import { TEMPLATE_QUESTIONS, describeImportErrors, parseQuizCsv, parseQuizJson, quizCsvRows, quizJson, questionDrafts } from '../domain/quiz/transfer.js';
import { requireEvent } from '../domain/events.js';
import { reopenQuiz, whatStuck } from '../domain/quiz/reinforcement.js';
import { quizResultRows, quizResults, quizResultsPage } from '../domain/quiz/results.js';
import { toXlsx } from './xlsx.js';
import { toCsv } from './csv.js';
import { authorizeExport, type ExportAuthDeps } from './export-auth.js';
import { parseBody } from './validate.js';

export interface QuizRoutesDeps extends ExportAuthDeps {
  clock: Clock;
  publish: Publisher;
}

const EventParams = z.object({ id: Id });
const QuizParams = z.object({ id: Id, quizId: Id });
export const CreateBody = z.strictObject({ sessionId: Id.nullable().default(null), draft: QuizDraft });
export const UpdateBody = z.strictObject({ version: z.number().int().min(1), draft: QuizDraft });
/** [QUIZ12] As `quiz:duplicate`: into the quiz's own session unless another (or null) is named. */
export const DuplicateBody = z.strictObject({ sessionId: Id.nullable().optional() });
export const ResultsQuery = z.strictObject({ after: Id.optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const ImportQuery = z.object({ sessionId: Id.optional(), title: z.string().max(480).optional() });

/**
 * Quiz routes parse their own bodies (app.ts leaves them alone): a quiz of 100 long questions is
 * bigger than the app's 64 kB, and the import reads its body as text, CSV or JSON alike, so errors
 * can name the lines of the file as sent.
 */
export const QUIZ_BODY_PATH = /^\/api\/events\/[^/]+\/quizzes(\/|\?|$)/;
const BODY_LIMIT = '512kb';
const jsonBody = express.json({ limit: BODY_LIMIT });
const fileBody = express.text({ type: ['text/csv', 'text/plain', 'application/json'], limit: BODY_LIMIT });

const download = (res: Response, type: string, filename: string) =>
  res.type(type).set('content-disposition', `attachment; filename="${filename}"`).set('cache-control', 'no-store');

/** A file name from a quiz title: letters, digits and dashes. */
const fileName = (title: string) => title.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60).toLowerCase() || 'quiz';

/**
 * [QUIZ17] Quiz authoring over REST, for the organiser (ADMIN_TOKEN) and the event's moderators
 * (their participant token), like every export: quizzes hold the correct answers. Writes publish
 * the same staff facts as the commands. A quiz can outgrow a socket frame (16 KB), so the console's
 * editor saves here.
 */
export function quizRouter(deps: QuizRoutesDeps): Router {
  const r = Router();
  const domain = { store: deps.store, clock: deps.clock, publish: deps.publish };

  /** Who may touch the event's quizzes is checked before a body is read. */
  const authorized: RequestHandler = (req, _res, next) => {
    try {
      const { id } = parseBody(EventParams, req.params);
      authorizeExport(deps, req, id, 'quizzes').then(() => next(), next);
    } catch (e) {
      next(e);
    }
  };
  const guarded = (req: Request) => requireEvent(deps.store, parseBody(EventParams, req.params).id);
  const guardedQuiz = (req: Request) => {
    const { id, quizId } = parseBody(QuizParams, req.params);
    return requireQuiz(deps.store, id, quizId);
  };

  /** [QUIZ14] The CSV template: the columns and one example question per kind. Public: it holds no event's data. */
  r.get('/quiz-template.csv', (_req, res) => {
    download(res, 'text/csv; charset=utf-8', 'rally-quiz-template.csv').send(toCsv(quizCsvRows(TEMPLATE_QUESTIONS)));
  });

  r.get('/events/:id/quizzes', authorized, async (req, res) => {
    const event = await guarded(req);
    res.set('cache-control', 'no-store').json({ quizzes: await deps.store.listQuizzes(event.id) });
  });

  r.post('/events/:id/quizzes', authorized, jsonBody, async (req, res) => {
    const event = await guarded(req);
    const body = parseBody(CreateBody, req.body);
    res.status(201).json(await createQuiz(domain, event.id, body.sessionId, body.draft));
  });

  /**
   * [QUIZ15] A new quiz from a file: CSV (text/csv; title and session in the query) or JSON
   * (application/json: the JSON export or a draft). Every error with its line, nothing stored.
   */
  r.post('/events/:id/quizzes/import', authorized, fileBody, async (req, res) => {
    const event = await guarded(req);
    const query = parseBody(ImportQuery, req.query);
    if (typeof req.body !== 'string') throw new RallyError(ErrorCode.BAD_REQUEST, 'send the file as text/csv or application/json');
    const outcome = req.is('application/json') ? parseQuizJson(req.body) : parseQuizCsv(req.body, query.title?.trim() || 'Imported quiz');
    if (!outcome.ok) return void sendImportErrors(res, outcome.errors);
    res.status(201).json(await createQuiz(domain, event.id, query.sessionId ?? null, outcome.draft));
  });

  r.get('/events/:id/quizzes/:quizId', authorized, async (req, res) => {
    res.set('cache-control', 'no-store').json(await guardedQuiz(req));
  });

  r.put('/events/:id/quizzes/:quizId', authorized, jsonBody, async (req, res) => {
    const quiz = await guardedQuiz(req);
    const body = parseBody(UpdateBody, req.body);
    res.json(await updateQuiz(domain, quiz.eventId, quiz.id, body.version, body.draft));
  });

  r.delete('/events/:id/quizzes/:quizId', authorized, async (req, res) => {
    const quiz = await guardedQuiz(req);
    res.json(await deleteQuiz(domain, quiz.eventId, quiz.id));
  });

  /** [QUIZ12] A copy as a new version-1 draft, as `quiz:duplicate` (the organiser page has no socket). An empty body copies into the same session. */
  r.post('/events/:id/quizzes/:quizId/duplicate', authorized, jsonBody, async (req, res) => {
    const quiz = await guardedQuiz(req);
    const body = parseBody(DuplicateBody, req.body ?? {});
    res.status(201).json(await duplicateQuiz(domain, quiz.eventId, quiz.id, body.sessionId));
  });

  /** [QUIZ14] One question a row, in the template's columns. */
  r.get('/events/:id/quizzes/:quizId/export.csv', authorized, async (req, res) => {
    const quiz = await guardedQuiz(req);
    const drafts = questionDrafts(quiz.questions);
    if (drafts.some((q) => q.kind === 'type' && q.accepted.some((a) => a.includes('|')))) {
      throw new RallyError(ErrorCode.BAD_REQUEST, 'an accepted answer contains "|", which CSV uses between answers; use the JSON export');
    }
    download(res, 'text/csv; charset=utf-8', `${fileName(quiz.title)}.csv`).send(toCsv(quizCsvRows(drafts)));
  });

  /** [QUIZ14] The draft as JSON, title and settings included. */
  r.get('/events/:id/quizzes/:quizId/export.json', authorized, async (req, res) => {
    const quiz = await guardedQuiz(req);
    download(res, 'application/json; charset=utf-8', `${fileName(quiz.title)}.json`).send(JSON.stringify(quizJson(quiz), null, 2) + '\n');
  });

  /** [QUIZ40] Reopens the quiz as self-paced until `closesAt` (again: moves the date); the same fact as quiz:reopen. */
  r.post('/events/:id/quizzes/:quizId/reinforcement', authorized, jsonBody, async (req, res) => {
    const quiz = await guardedQuiz(req);
    const body = parseBody(QuizReopenBody, req.body);
    res.status(201).json(await reopenQuiz(domain, quiz.eventId, quiz.id, body));
  });

  /** [QUIZ46] Per topic, live vs later: overall, per cohort, per team, per participant. */
  r.get('/events/:id/quizzes/:quizId/what-stuck', authorized, async (req, res) => {
    const quiz = await guardedQuiz(req);
    res.set('cache-control', 'no-store').json(await whatStuck(domain, quiz.eventId, quiz.id));
  });

  /** [QUIZ47] Results per participant, page by page after the cursor (a participant id), like the engagement log. */
  r.get('/events/:id/quizzes/:quizId/results', authorized, async (req, res) => {
    const quiz = await guardedQuiz(req);
    const { after, limit } = parseBody(ResultsQuery, req.query);
    res.set('cache-control', 'no-store').json(await quizResultsPage(domain, quiz.eventId, quiz.id, after ?? null, limit));
  });

  /** [QUIZ47] The same as a file: one participant a row, live and later side by side. */
  r.get('/events/:id/quizzes/:quizId/results.csv', authorized, async (req, res) => {
    const quiz = await guardedQuiz(req);
    const rows = quizResultRows(await quizResults(domain, quiz.eventId, quiz.id));
    download(res, 'text/csv; charset=utf-8', `${fileName(quiz.title)}-results.csv`).send(toCsv(rows));
  });

  r.get('/events/:id/quizzes/:quizId/results.xlsx', authorized, async (req, res) => {
    const quiz = await guardedQuiz(req);
    const rows = quizResultRows(await quizResults(domain, quiz.eventId, quiz.id));
    download(res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `${fileName(quiz.title)}-results.xlsx`).send(await toXlsx([{ name: 'Results', rows }]));
  });

  return r;
}

/** [QUIZ15] 400 with every error: `error.message` has the first few, `errors` all of them (up to the cap). */
function sendImportErrors(res: Response, errors: QuizImportError[]) {
  res.status(400).json({ error: { code: ErrorCode.BAD_REQUEST, message: describeImportErrors(errors) }, errors });
}
