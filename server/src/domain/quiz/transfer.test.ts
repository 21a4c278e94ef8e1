import { describe, expect, it } from 'vitest';
import { QuizDraft } from '@rally/shared';
import { toCsv } from '../../http/csv.js';
import { DEFAULT_TIME_LIMIT_SEC, MAX_IMPORT_ERRORS, TEMPLATE_QUESTIONS, parseQuizCsv, parseQuizJson, quizCsvRows } from './transfer.js';

const header = 'kind,text,option1,option2,option3,correct,time_limit_sec,points,topic,explanation,image_url,min,max,tolerance';

describe('quiz files', () => {
  it('[QUIZ14] the template, written as CSV by the export writer, imports back to the same five questions (one per kind)', () => {
    const csv = toCsv(quizCsvRows(TEMPLATE_QUESTIONS));
    const out = parseQuizCsv(csv, 'Template');
    expect(out).toEqual({ ok: true, draft: QuizDraft.parse({ title: 'Template', questions: TEMPLATE_QUESTIONS }) });
    expect(new Set(TEMPLATE_QUESTIONS.map((q) => q.kind)).size).toBe(5);
  });

  it('[QUIZ14] CSV cells that a spreadsheet would run as formulas round-trip: the guard apostrophe comes off on import', () => {
    const q = { ...TEMPLATE_QUESTIONS[0]!, text: '=SUM(A1) is a formula?', options: ['-5', '+7', '@home'] } as (typeof TEMPLATE_QUESTIONS)[number];
    const out = parseQuizCsv(toCsv(quizCsvRows([q])), 'T');
    expect(out.ok && out.draft.questions[0]).toEqual(q);
  });

  it('[QUIZ15] columns are read by name in any order; empty rows are skipped; an empty time limit is the default; points accept ×2', () => {
    const csv = ['correct,text,kind,points', '', 'true,"The sky, on a clear day, is blue",truefalse,×2', ''].join('\n');
    const out = parseQuizCsv(csv, 'T');
    expect(out).toEqual({ ok: true, draft: QuizDraft.parse({ title: 'T', questions: [{ kind: 'truefalse', text: 'The sky, on a clear day, is blue', correct: true, points: 2, timeLimitSec: DEFAULT_TIME_LIMIT_SEC }] }) });
  });

  it('[QUIZ15] every bad row is reported with the line it starts on (a quoted cell may span lines), and nothing comes out', () => {
    const csv = [
      header,
      'choice,Which?,A,B,,2,20,1,,,,,,', // line 2: fine
      'truefalse,"Two\nlines",,,,maybe,20,1,,,,,,', // lines 3-4: correct not true/false
      'choice,Which?,A,B,,2,241,1,,,,,,', // line 5: time limit too long
      'number,How many?,,,,50,20,3,,,,0,10,1', // line 6: points 3, correct outside range
      'quiz,What?,,,,,,,,,,,,', // line 7: unknown kind
    ].join('\n');
    const out = parseQuizCsv(csv, 'T');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors).toEqual([
      { line: 3, message: 'correct must be true or false, not "maybe"' },
      { line: 5, message: 'a time limit is at most 240 s' },
      { line: 6, message: 'points must be 0, 1 or 2 (×0, ×1, ×2)' },
      { line: 7, message: expect.stringContaining('unknown kind "quiz"') },
    ]);
  });

  it('[QUIZ15] a schema error in a row (an option listed twice, a correct option out of range) names its line', () => {
    const csv = [header, 'choice,Which?,A,a,,1,20,1,,,,,,', 'choice,Which?,A,B,,3,20,1,,,,,,'].join('\r\n');
    const out = parseQuizCsv(csv, 'T');
    expect(out).toEqual({ ok: false, errors: [{ line: 2, message: '"a" is listed twice' }, { line: 3, message: 'a correct option is not one of the options' }] });
  });

  it('[QUIZ15] an unknown or missing column is an error on line 1; errors stop at the cap', () => {
    expect(parseQuizCsv('kind,question\n', 'T')).toEqual({ ok: false, errors: [expect.objectContaining({ line: 1, message: expect.stringContaining('unknown column "question"') }), { line: 1, message: expect.stringContaining('"text" is missing') }] });
    const many = [header, ...Array.from({ length: 80 }, () => 'bogus,x')].join('\n');
    const out = parseQuizCsv(many, 'T');
    expect(!out.ok && out.errors.length).toBe(MAX_IMPORT_ERRORS);
  });

  it('[QUIZ15] a JSON file: the export format or a bare draft; a syntax error names its line; a question error names the line the question starts on', () => {
    const good = JSON.stringify({ format: 'rally-quiz', formatVersion: 1, title: 'J', questions: TEMPLATE_QUESTIONS }, null, 2);
    expect(parseQuizJson(good)).toEqual({ ok: true, draft: QuizDraft.parse({ title: 'J', questions: TEMPLATE_QUESTIONS }) });
    expect(parseQuizJson('{\n  "title": "J",\n  "questions": [\n}')).toEqual({ ok: false, errors: [{ line: 4, message: 'not valid JSON' }] });
    const bad = '{\n  "title": "J",\n  "questions": [\n    {"kind": "truefalse", "text": "ok", "timeLimitSec": 10, "correct": true},\n    {\n      "kind": "truefalse", "text": "slow", "timeLimitSec": 999, "correct": true\n    }\n  ]\n}';
    expect(parseQuizJson(bad)).toEqual({ ok: false, errors: [{ line: 5, message: 'question 2: a time limit is at most 240 s' }] });
  });
});
