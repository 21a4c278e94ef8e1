import { z } from 'zod';
import { Id } from './model.js';
import { PointsMultiplier, QuizQuestionDraft, type PlayerQuestion, type QuizQuestion } from './quiz.js';

/*
 * [QUIZ20..QUIZ29] The live play of a quiz as explicit phases, each with its own data, in two views:
 * `QuizPhase` (attendees, the stage screen) and `QuizPresenterPhase` (presenters and moderators: the
 * same plus the full question with its correct answers, and the live answer distribution).
 *
 * The two are distinct branded types: a QuizPhase comes only out of `QuizPhase.parse` (which drops
 * every field the audience schema does not know), so handing a presenter phase to code that sends to
 * attendees is a type error, and at run time the answer key is stripped anyway (defence in depth).
 * Times are ISO strings on the server clock (correct with the snapshot's serverTime).
 */

const Count = z.number().int().min(0);
const Iso = z.iso.datetime();

/** A head count per cohort. */
export const RoomRemote = z.object({ room: Count, remote: Count });
export type RoomRemote = z.infer<typeof RoomRemote>;

const common = { id: Id, text: z.string().nullable(), imageUrl: z.string().nullable(), timeLimitSec: z.number().int().min(0), points: PointsMultiplier };

/** [QUIZ2] The runtime schema of `PlayerQuestion`: no correct answer can pass through it. */
export const PlayerQuestionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choice'), ...common, options: z.array(z.string()), multiple: z.boolean() }),
  z.object({ kind: z.literal('truefalse'), ...common }),
  z.object({ kind: z.literal('type'), ...common }),
  z.object({ kind: z.literal('ordering'), ...common, items: z.array(z.object({ id: z.number().int().min(0), label: z.string() })) }),
  z.object({ kind: z.literal('number'), ...common, min: z.number(), max: z.number() }),
]);
// The schema and the hand-written type in quiz.ts must stay the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const playerQuestionMatches: Same<z.infer<typeof PlayerQuestionSchema>, PlayerQuestion> = true;
void playerQuestionMatches;

/** A stored question (a draft plus its id), validated as the draft is. Presenter-side only. */
export const FullQuizQuestion = z.looseObject({ id: Id }).transform((v, ctx): QuizQuestion => {
  const { id, ...draft } = v;
  const parsed = QuizQuestionDraft.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  return { ...parsed.data, id };
});

/** [QUIZ25] The correct answer in the form shown at the reveal, by kind. */
export const QuizReveal = z.discriminatedUnion('kind', [
  /** Option indexes. */
  z.object({ kind: z.literal('choice'), correct: z.array(z.number().int().min(0)) }),
  z.object({ kind: z.literal('truefalse'), correct: z.boolean() }),
  z.object({ kind: z.literal('type'), accepted: z.array(z.string()) }),
  /** Item ids (as in the player's question) in the correct order. */
  z.object({ kind: z.literal('ordering'), order: z.array(z.number().int().min(0)) }),
  z.object({ kind: z.literal('number'), correct: z.number(), tolerance: z.number().min(0) }),
]);
export type QuizReveal = z.infer<typeof QuizReveal>;

/** [QUIZ25] The public form of a question's correct answer. */
export function revealOf(q: QuizQuestion): QuizReveal {
  switch (q.kind) {
    case 'choice':
      return { kind: 'choice', correct: [...q.correct].sort((a, b) => a - b) };
    case 'truefalse':
      return { kind: 'truefalse', correct: q.correct };
    case 'type':
      return { kind: 'type', accepted: q.accepted };
    case 'ordering':
      // Item ids are the indexes of the authored order, which is the correct one.
      return { kind: 'ordering', order: q.items.map((_, i) => i) };
    case 'number':
      return { kind: 'number', correct: q.correct, tolerance: q.tolerance };
  }
}

/**
 * [QUIZ25] How the room and the remote audience answered one question. `options`: per option index
 * for choice, [true, false] for true/false, empty for the other kinds.
 */
export const QuizDistribution = z.object({ answered: RoomRemote, correct: RoomRemote, options: z.array(RoomRemote) });
export type QuizDistribution = z.infer<typeof QuizDistribution>;

export const EMPTY_DISTRIBUTION: QuizDistribution = { answered: { room: 0, remote: 0 }, correct: { room: 0, remote: 0 }, options: [] };

/** [QUIZ20] Who has joined the lobby: per cohort, and per team in team mode. */
export const QuizJoined = z.object({ room: Count, remote: Count, teams: z.array(z.object({ team: z.string(), room: Count, remote: Count })) });
export type QuizJoined = z.infer<typeof QuizJoined>;

export const QuizPlayerStanding = z.object({ rank: z.number().int().min(1), participantId: Id, name: z.string(), team: z.string().nullable(), score: z.number().int() });
export type QuizPlayerStanding = z.infer<typeof QuizPlayerStanding>;
export const QuizTeamStanding = z.object({ rank: z.number().int().min(1), team: z.string(), score: z.number() });
export type QuizTeamStanding = z.infer<typeof QuizTeamStanding>;
/** Standings as the scoring side computes them, best first. Views cut them to the top 10 or 3. */
export const QuizStandings = z.object({ players: z.array(QuizPlayerStanding), teams: z.array(QuizTeamStanding) });
export type QuizStandings = z.infer<typeof QuizStandings>;

export const QUIZ_PHASE_LIMITS = {
  /** [QUIZ21] The "get ready" countdown. */
  getReadyMs: 3_000,
  /** [QUIZ27] What one press of "+10 s" adds. */
  addTimeMs: 10_000,
  /** [QUIZ27] "+10 s" never leaves more than this on the clock. */
  maxRemainingMs: 240_000,
  /** [QUIZ26] Rows of the standings between questions, and of the podium. */
  standingsTop: 10,
  podiumTop: 3,
} as const;

/** Why answering stopped: the clock ran out, everyone present answered, or the presenter locked it. */
export const QuizLockReason = z.enum(['time', 'everyone', 'presenter']);
export type QuizLockReason = z.infer<typeof QuizLockReason>;

/** Where a question phase is in the quiz: 0-based index and the number of questions. */
const at = { questionIndex: Count, total: z.number().int().min(1) };
const answeredCounts = { answered: Count, present: Count };

// The phase shapes, each once; the audience and presenter unions are built from them.
const lobby = z.object({ phase: z.literal('lobby'), quizId: Id, title: z.string(), total: Count, joined: QuizJoined });
const getReady = z.object({ phase: z.literal('getReady'), ...at, points: PointsMultiplier, startsAt: Iso });
const teamTalk = z.object({ phase: z.literal('teamTalk'), ...at, question: PlayerQuestionSchema, endsAt: Iso });
const answering = z.object({ phase: z.literal('answering'), ...at, question: PlayerQuestionSchema, opensAt: Iso, closesAt: Iso, ...answeredCounts });
const locked = z.object({ phase: z.literal('locked'), ...at, question: PlayerQuestionSchema, reason: QuizLockReason, ...answeredCounts });
const reveal = z.object({ phase: z.literal('reveal'), ...at, question: PlayerQuestionSchema, reveal: QuizReveal, explanation: z.string().nullable(), distribution: QuizDistribution });
const standings = z.object({ phase: z.literal('standings'), ...at, players: z.array(QuizPlayerStanding).max(QUIZ_PHASE_LIMITS.standingsTop), teams: z.array(QuizTeamStanding) });
const podium = z.object({ phase: z.literal('podium'), total: Count, players: z.array(QuizPlayerStanding).max(QUIZ_PHASE_LIMITS.podiumTop), teams: z.array(QuizTeamStanding) });
const ended = z.object({ phase: z.literal('ended') });

/**
 * [QUIZ20] The phase as attendees and the stage screen see it. Unknown fields are dropped on parse,
 * so parsing a presenter phase with it strips the answer key; the brand makes this schema's output
 * the only way to obtain one.
 */
export const QuizPhase = z.discriminatedUnion('phase', [lobby, getReady, teamTalk, answering, locked, reveal, standings, podium, ended]).brand<'QuizPhase'>();
export type QuizPhase = z.output<typeof QuizPhase>;

/** Presenter-only: the question with its correct answers (before the reveal). */
const key = { fullQuestion: FullQuizQuestion };
/** Presenter-only: the answers so far, as the reveal will show them. */
const live = { distribution: QuizDistribution };

/** [QUIZ20] The phase as presenters and moderators see it: the audience's plus the answer key. */
export const QuizPresenterPhase = z
  .discriminatedUnion('phase', [
    lobby,
    getReady.extend(key),
    teamTalk.extend(key),
    answering.extend({ ...key, ...live }),
    locked.extend({ ...key, ...live }),
    reveal.extend(key),
    standings,
    podium,
    ended,
  ])
  .brand<'QuizPresenterPhase'>();
export type QuizPresenterPhase = z.output<typeof QuizPresenterPhase>;

export type QuizPhaseName = QuizPhase['phase'];
