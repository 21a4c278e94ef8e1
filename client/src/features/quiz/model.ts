import { QUIZ_LIMITS, type QuizQuestionKind, type QuizSettings, type QuizTeamMode, type StoredQuiz } from '@rally/shared';

/*
 * The quiz editor's form model: every field as typed (strings), so half-written input survives
 * re-renders, and the draft built from it for the shared schema (QuizDraft) to judge, the same
 * schema the server uses, so the errors shown match the server's ([QUIZ18]).
 */

export const KIND_LABEL: Record<QuizQuestionKind, string> = {
  choice: 'Multiple choice',
  truefalse: 'True or false',
  type: 'Type the answer',
  ordering: 'Put in order',
  number: 'Guess the number',
};
export const KINDS = Object.keys(KIND_LABEL) as QuizQuestionKind[];

export const TEAM_MODE_LABEL: Record<QuizTeamMode, string> = {
  off: 'Everyone for themselves',
  teams: 'By team',
  'room-vs-remote': 'Room against remote',
};

export interface QuestionForm {
  /** A stable key for React while questions move around (never sent). */
  key: string;
  kind: QuizQuestionKind;
  text: string;
  imageUrl: string;
  timeLimitSec: string;
  points: '0' | '1' | '2';
  topic: string;
  explanation: string;
  /** Choice options, ordering items (in the correct order) or accepted typed answers. */
  labels: string[];
  /** Choice: which options are correct (by position). */
  correctPicks: boolean[];
  truth: 'true' | 'false';
  min: string;
  max: string;
  correct: string;
  tolerance: string;
}

export interface QuizForm {
  title: string;
  questionOnDevices: boolean;
  teamMode: QuizTeamMode;
  teamTalkSec: string;
  questions: QuestionForm[];
}

let keys = 0;
const nextKey = () => `q${++keys}`;

export function blankQuestion(kind: QuizQuestionKind = 'choice'): QuestionForm {
  const labels = kind === 'ordering' ? ['', '', ''] : kind === 'type' ? [''] : ['', ''];
  return { key: nextKey(), kind, text: '', imageUrl: '', timeLimitSec: '20', points: '1', topic: '', explanation: '', labels, correctPicks: labels.map(() => false), truth: 'true', min: '0', max: '100', correct: '', tolerance: '0' };
}

/** A question switched to another kind keeps what fits (text, timing, labels where they make sense). */
export function withKind(q: QuestionForm, kind: QuizQuestionKind): QuestionForm {
  const blank = blankQuestion(kind);
  const labels = kind === 'truefalse' || kind === 'number' ? blank.labels : q.labels.length >= blank.labels.length ? q.labels : [...q.labels, ...blank.labels.slice(q.labels.length)];
  return { ...q, kind, labels, correctPicks: labels.map((_, i) => q.correctPicks[i] ?? false) };
}

export function formOf(quiz: StoredQuiz | undefined): QuizForm {
  const settings: QuizSettings = quiz?.settings ?? { questionOnDevices: true, teamMode: 'off', teamTalkSec: 0 };
  return {
    title: quiz?.title ?? '',
    questionOnDevices: settings.questionOnDevices,
    teamMode: settings.teamMode,
    teamTalkSec: String(settings.teamTalkSec),
    questions: (quiz?.questions ?? []).map((q) => {
      const base = { ...blankQuestion(q.kind), text: q.text, imageUrl: q.imageUrl ?? '', timeLimitSec: String(q.timeLimitSec), points: String(q.points) as QuestionForm['points'], topic: q.topic ?? '', explanation: q.explanation ?? '' };
      switch (q.kind) {
        case 'choice':
          return { ...base, labels: q.options, correctPicks: q.options.map((_, i) => q.correct.includes(i)) };
        case 'truefalse':
          return { ...base, truth: q.correct ? 'true' : 'false' };
        case 'type':
          return { ...base, labels: q.accepted, correctPicks: q.accepted.map(() => false) };
        case 'ordering':
          return { ...base, labels: q.items, correctPicks: q.items.map(() => false) };
        case 'number':
          return { ...base, min: String(q.min), max: String(q.max), correct: String(q.correct), tolerance: String(q.tolerance) };
      }
    }),
  };
}

/** An empty number field stays empty (the schema then says it is required) rather than becoming 0. */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
const orNull = (s: string) => (s.trim() === '' ? null : s);

export function questionDraftOf(q: QuestionForm): unknown {
  const common = { kind: q.kind, text: q.text, imageUrl: orNull(q.imageUrl), timeLimitSec: num(q.timeLimitSec), points: Number(q.points), topic: orNull(q.topic), explanation: orNull(q.explanation) };
  switch (q.kind) {
    case 'choice':
      return { ...common, options: q.labels, correct: q.correctPicks.flatMap((c, i) => (c ? [i] : [])) };
    case 'truefalse':
      return { ...common, correct: q.truth === 'true' };
    case 'type':
      return { ...common, accepted: q.labels };
    case 'ordering':
      return { ...common, items: q.labels };
    case 'number':
      return { ...common, min: num(q.min), max: num(q.max), correct: num(q.correct), tolerance: num(q.tolerance) };
  }
}

export function draftOf(f: QuizForm): unknown {
  return {
    title: f.title,
    settings: { questionOnDevices: f.questionOnDevices, teamMode: f.teamMode, teamTalkSec: num(f.teamTalkSec) },
    questions: f.questions.map(questionDraftOf),
  };
}

/** The list with item i moved by delta (−1 up, +1 down); unchanged at the ends. */
export function move<T>(list: readonly T[], i: number, delta: -1 | 1): T[] {
  const j = i + delta;
  if (j < 0 || j >= list.length) return list.slice();
  const copy = list.slice();
  [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  return copy;
}

/** A copy of question i right after it, with its own key. */
export function duplicateAt(list: readonly QuestionForm[], i: number): QuestionForm[] {
  const copy = list.slice();
  copy.splice(i + 1, 0, { ...list[i]!, key: nextKey(), labels: [...list[i]!.labels], correctPicks: [...list[i]!.correctPicks] });
  return copy;
}

/** Label limits by kind, for the add buttons. */
export const labelLimits = (kind: QuizQuestionKind): { min: number; max: number } =>
  kind === 'ordering' ? { min: QUIZ_LIMITS.minItems, max: QUIZ_LIMITS.maxItems } : kind === 'type' ? { min: 1, max: QUIZ_LIMITS.acceptedAnswers } : { min: QUIZ_LIMITS.minOptions, max: QUIZ_LIMITS.maxOptions };
