import { QUIZ_LIMITS, QuizDraft, QuizQuestionDraft, QuizSettings, type QuizImportError, type QuizQuestion, type QuizQuestionDraft as QuestionDraft, type StoredQuiz } from '@rally/shared';
import type { z } from 'zod';
import { csvRows, unguard } from '../text/csv-rows.js';

/*
 * [QUIZ14] [QUIZ15] Quiz files: CSV (one question a row, a template to start from) and JSON (the
 * draft as the commands take it). Parsing reports every problem with the file's line number, up to
 * MAX_IMPORT_ERRORS; a file with any problem yields no quiz. Pure: no store, no HTTP.
 */

export const MAX_IMPORT_ERRORS = 50;
const MAX_OPTIONS = QUIZ_LIMITS.maxOptions;

/** [QUIZ14] The CSV columns, in the order the export and the template write them. */
export const QUIZ_CSV_COLUMNS = [
  'kind',
  'text',
  ...Array.from({ length: MAX_OPTIONS }, (_, i) => `option${i + 1}`),
  'correct',
  'time_limit_sec',
  'points',
  'topic',
  'explanation',
  'image_url',
  'min',
  'max',
  'tolerance',
] as const;
type Column = (typeof QUIZ_CSV_COLUMNS)[number];

/** A time limit left empty in a CSV row. */
export const DEFAULT_TIME_LIMIT_SEC = 20;

/** [QUIZ14] The template: the header and one example row per kind. */
export const TEMPLATE_QUESTIONS: QuestionDraft[] = [
  { kind: 'choice', text: 'Which plan includes single sign-on?', imageUrl: null, timeLimitSec: 20, points: 1, topic: 'product', explanation: 'SSO comes with Business and Enterprise.', options: ['Starter', 'Business', 'Enterprise'], correct: [1, 2] },
  { kind: 'truefalse', text: 'Our fiscal year starts in February.', imageUrl: null, timeLimitSec: 10, points: 0, topic: 'process', explanation: null, correct: true },
  { kind: 'type', text: 'Name our biggest competitor.', imageUrl: null, timeLimitSec: 30, points: 1, topic: 'competition', explanation: null, accepted: ['Acme', 'Acme Corp'] },
  { kind: 'ordering', text: 'Put the sales stages in order.', imageUrl: null, timeLimitSec: 45, points: 2, topic: 'process', explanation: null, items: ['Discovery', 'Demo', 'Proposal', 'Close'] },
  { kind: 'number', text: 'How many customers do we have (thousands)?', imageUrl: null, timeLimitSec: 20, points: 1, topic: 'company', explanation: null, min: 0, max: 100, correct: 42, tolerance: 5 },
];

/** The cells of one question's row, by column. A `|` inside an accepted answer cannot be written (see [QUIZ14]). */
function questionRow(q: QuestionDraft): Record<Column, string | number | null> {
  const row = Object.fromEntries(QUIZ_CSV_COLUMNS.map((c) => [c, null])) as Record<Column, string | number | null>;
  row.kind = q.kind;
  row.text = q.text;
  row.time_limit_sec = q.timeLimitSec;
  row.points = q.points;
  row.topic = q.topic;
  row.explanation = q.explanation;
  row.image_url = q.imageUrl;
  const list = (labels: readonly string[]) => labels.forEach((l, i) => (row[`option${i + 1}` as Column] = l));
  switch (q.kind) {
    case 'choice':
      list(q.options);
      row.correct = q.correct.map((i) => i + 1).join(';');
      break;
    case 'truefalse':
      row.correct = q.correct ? 'true' : 'false';
      break;
    case 'type':
      row.correct = q.accepted.join('|');
      break;
    case 'ordering':
      list(q.items);
      break;
    case 'number':
      row.correct = q.correct;
      row.min = q.min;
      row.max = q.max;
      row.tolerance = q.tolerance;
      break;
  }
  return row;
}

/** [QUIZ14] Rows for the CSV writer (http/csv.ts): the header, then one row per question. */
export function quizCsvRows(questions: readonly QuestionDraft[]): (string | number | null | undefined)[][] {
  return [[...QUIZ_CSV_COLUMNS], ...questions.map((q) => QUIZ_CSV_COLUMNS.map((c) => questionRow(q)[c]))];
}

/** Questions of a stored quiz without their ids: what files carry. */
export const questionDrafts = (questions: readonly QuizQuestion[]): QuestionDraft[] => questions.map(({ id: _id, ...q }) => q as QuestionDraft);

/** [QUIZ14] The JSON export: a draft the JSON import (and quiz:create) takes back as it is. */
export function quizJson(quiz: StoredQuiz): { format: 'rally-quiz'; formatVersion: 1; title: string; settings: QuizSettings; questions: QuestionDraft[] } {
  return { format: 'rally-quiz', formatVersion: 1, title: quiz.title, settings: quiz.settings, questions: questionDrafts(quiz.questions) };
}

export type ImportOutcome = { ok: true; draft: QuizDraft } | { ok: false; errors: QuizImportError[] };

/** Field names as a file's author knows them (the CSV columns). */
const FIELD_NAMES: Record<string, string> = { options: 'the options', items: 'the items', accepted: 'the accepted answers', timeLimitSec: 'time_limit_sec', imageUrl: 'image_url' };

/** Zod's issues as sentences: our own messages speak for themselves; generic ones get the field's name. */
const issueText = (issues: readonly z.core.$ZodIssue[]): string[] =>
  issues.map((i) => {
    const field = i.path.find((p): p is string => typeof p === 'string');
    const generic = /^(Too (small|big)|Invalid|Expected)/.test(i.message);
    return field && generic ? `${FIELD_NAMES[field] ?? field}: ${i.message}` : i.message;
  });

/**
 * [QUIZ15] One question from a CSV row, or why not. Columns are read by the header's names, so
 * their order does not matter and missing optional ones are empty.
 */
function rowToQuestion(cell: (c: Column) => string): { question?: unknown; errors: string[] } {
  const errors: string[] = [];
  const numberOf = (c: Column, what: string): number | undefined => {
    const raw = cell(c);
    if (raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n)) errors.push(`${what} must be a number, not "${raw}"`);
    return n;
  };
  const options = Array.from({ length: MAX_OPTIONS }, (_, i) => cell(`option${i + 1}` as Column)).filter((o) => o !== '');
  const kind = cell('kind').toLowerCase();
  const timeLimitSec = numberOf('time_limit_sec', 'time_limit_sec') ?? DEFAULT_TIME_LIMIT_SEC;
  const pointsText = cell('points').replace(/^[x×]/i, '');
  const points = pointsText === '' ? 1 : Number(pointsText);
  const common = {
    text: cell('text'),
    imageUrl: cell('image_url') || null,
    timeLimitSec,
    points,
    topic: cell('topic') || null,
    explanation: cell('explanation') || null,
  };
  if (pointsText !== '' && ![0, 1, 2].includes(points)) errors.push('points must be 0, 1 or 2 (×0, ×1, ×2)');
  const correct = cell('correct');
  switch (kind) {
    case 'choice': {
      const picks = correct.split(/[;,\s]+/).filter(Boolean);
      const numbers = picks.map(Number);
      if (picks.length === 0) errors.push('correct must list the correct option numbers, like "2" or "1;3"');
      else if (numbers.some((n) => !Number.isInteger(n) || n < 1)) errors.push(`correct must be option numbers from 1, like "1;3", not "${correct}"`);
      return { question: { kind, ...common, options, correct: numbers.map((n) => n - 1) }, errors };
    }
    case 'truefalse': {
      const v = correct.toLowerCase();
      if (v !== 'true' && v !== 'false') errors.push(`correct must be true or false, not "${correct}"`);
      return { question: { kind, ...common, correct: v === 'true' }, errors };
    }
    case 'type':
      return { question: { kind, ...common, accepted: correct.split('|').map((a) => a.trim()).filter(Boolean) }, errors };
    case 'ordering':
      return { question: { kind, ...common, items: options }, errors };
    case 'number': {
      const [min, max, tolerance, value] = [numberOf('min', 'min'), numberOf('max', 'max'), numberOf('tolerance', 'tolerance') ?? 0, numberOf('correct', 'correct')];
      if (min === undefined || max === undefined) errors.push('a number question needs min and max');
      if (value === undefined) errors.push('correct must be the correct number');
      return { question: { kind, ...common, min, max, correct: value, tolerance }, errors };
    }
    default:
      return { errors: [kind === '' ? 'kind is required (choice, truefalse, type, ordering or number)' : `unknown kind "${kind}" (choice, truefalse, type, ordering or number)`] };
  }
}

/** Collects errors up to the cap. */
class Errors {
  readonly list: QuizImportError[] = [];
  add(line: number, message: string) {
    if (this.list.length < MAX_IMPORT_ERRORS) this.list.push({ line, message });
  }
}

/**
 * [QUIZ15] A CSV quiz file: a header row naming the columns (QUIZ_CSV_COLUMNS, any order), then
 * one question a row. Empty rows are skipped. Every error is reported with the line its row starts
 * on; any error and no quiz comes out.
 */
export function parseQuizCsv(text: string, title: string, settings?: unknown): ImportOutcome {
  const errors = new Errors();
  const read = csvRows(text);
  if (!read.ok) return { ok: false, errors: [{ line: read.line, message: read.message }] };
  const rows = read.rows;
  if (rows.length === 0) return { ok: false, errors: [{ line: 1, message: 'the file is empty; start from the template' }] };
  const header = rows[0]!;
  const names = header.cells.map((c) => unguard(c).toLowerCase());
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === '') return;
    if (!(QUIZ_CSV_COLUMNS as readonly string[]).includes(n)) errors.add(header.line, `unknown column "${n}"; the columns are ${QUIZ_CSV_COLUMNS.join(', ')}`);
    else if (index.has(n)) errors.add(header.line, `the column "${n}" is there twice`);
    else index.set(n, i);
  });
  for (const required of ['kind', 'text'] as const) if (!index.has(required)) errors.add(header.line, `the first line must name the columns; "${required}" is missing`);
  if (errors.list.length > 0) return { ok: false, errors: errors.list };

  const body = rows.slice(1);
  if (body.length > QUIZ_LIMITS.questions) errors.add(body[QUIZ_LIMITS.questions]!.line, `a quiz has at most ${QUIZ_LIMITS.questions} questions`);
  const questions: QuestionDraft[] = [];
  for (const row of body.slice(0, QUIZ_LIMITS.questions)) {
    const cell = (c: Column) => {
      const i = index.get(c);
      return i === undefined ? '' : unguard(row.cells[i]);
    };
    if (row.cells.length > names.length && row.cells.slice(names.length).some((c) => c.trim() !== '')) errors.add(row.line, 'this row has more cells than the header has columns');
    const { question, errors: own } = rowToQuestion(cell);
    own.forEach((m) => errors.add(row.line, m));
    if (question === undefined || own.length > 0) continue;
    const parsed = QuizQuestionDraft.safeParse(question);
    if (parsed.success) questions.push(parsed.data);
    else issueText(parsed.error.issues).forEach((m) => errors.add(row.line, m));
  }
  const draft = QuizDraft.safeParse({ title, ...(settings === undefined ? {} : { settings }), questions });
  if (!draft.success) issueText(draft.error.issues).forEach((m) => errors.add(1, m));
  if (errors.list.length > 0 || !draft.success) return { ok: false, errors: errors.list };
  return { ok: true, draft: draft.data };
}

/**
 * Where each element of the top-level "questions" array starts, by line: a small scan that skips
 * strings, so errors in a JSON file can name the line of the question they are about.
 */
function questionLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inQuestions = false;
  let expectValue = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    else if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        else s += text[j];
        j++;
      }
      if (depth === 1) lastKey = s;
      i = j;
      if (inQuestions && depth === 2 && expectValue) (lines.push(line), (expectValue = false));
    } else if (ch === '{' || ch === '[') {
      if (inQuestions && depth === 2 && expectValue) (lines.push(line), (expectValue = false));
      if (depth === 1 && ch === '[' && lastKey === 'questions') (inQuestions = true), (expectValue = true);
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 1) inQuestions = false;
    } else if (ch === ',' && inQuestions && depth === 2) expectValue = true;
    else if (inQuestions && depth === 2 && expectValue && !/\s/.test(ch)) (lines.push(line), (expectValue = false));
  }
  return lines;
}

/**
 * Where a JSON text goes wrong. JSON.parse does not always say (V8 often names only the token), so
 * this finds the longest prefix that could still start a valid document: viability is monotone, so
 * a binary search takes a few dozen parses.
 */
function jsonErrorOffset(text: string): number {
  const viable = (n: number): boolean => {
    const prefix = text.slice(0, n);
    try {
      JSON.parse(prefix);
      return true;
    } catch (e) {
      const message = (e as Error).message;
      const at = /position (\d+)/.exec(message);
      return /end of JSON input|Unterminated/.test(message) || (at !== null && Number(at[1]) >= n);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (viable(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The line of a character offset. */
const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/**
 * [QUIZ15] A JSON quiz file: the JSON export, or any QuizDraft. A syntax error names its line;
 * a question's errors name the line the question starts on.
 */
export function parseQuizJson(text: string): ImportOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, errors: [{ line: lineAt(text, jsonErrorOffset(text)), message: 'not valid JSON' }] };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { format, formatVersion, ...rest } = value as Record<string, unknown>;
    if (format !== undefined && format !== 'rally-quiz') return { ok: false, errors: [{ line: 1, message: 'this is not a Rally quiz file' }] };
    void formatVersion;
    value = rest;
  }
  const parsed = QuizDraft.safeParse(value);
  if (parsed.success) return { ok: true, draft: parsed.data };
  const starts = questionLines(text);
  const errors = new Errors();
  for (const issue of parsed.error.issues) {
    const [top, index] = issue.path;
    const line = top === 'questions' && typeof index === 'number' ? (starts[index] ?? 1) : 1;
    const rest = issue.path.slice(top === 'questions' && typeof index === 'number' ? 2 : 0).filter((p) => typeof p === 'string');
    errors.add(line, top === 'questions' && typeof index === 'number' ? `question ${index + 1}: ${issueText([{ ...issue, path: rest }])[0]}` : issueText([issue])[0]!);
  }
  errors.list.sort((a, b) => a.line - b.line);
  return { ok: false, errors: errors.list };
}

/** [QUIZ15] "line 4: a time limit is at most 240 s; line 7: …" (the first few), for error messages. */
export const describeImportErrors = (errors: readonly QuizImportError[]): string =>
  errors
    .slice(0, 5)
    .map((e) => `line ${e.line}: ${e.message}`)
    .join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '');
