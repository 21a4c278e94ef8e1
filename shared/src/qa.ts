import { z } from 'zod';
import { CommandId, Id, Mode } from './model.js';
import { textLength } from './poll-tally.js';

/*
 * Moderated Q&A: what attendees ask, what moderators do with it, what each principal sees.
 * Rules cited as [QAn] are in docs/SPEC.md ("Q&A").
 *
 * No view of a question carries its author's participant id: attendees, presenters and the stage
 * screen must not be able to tie questions to people beyond the display name an asker chose to
 * show, and anonymous questions are anonymous to moderators and exports too ([QA3]).
 */

export const QA_LIMITS = {
  /** [QA1] Counted in code points, as a person counts characters. */
  text: 300,
  reply: 500,
  /** [QA20] Submissions per participant per minute. */
  asksPerMinute: 5,
} as const;

/**
 * pending: waits for a moderator (pre-moderation, or flagged). approved: visible to everyone,
 * on the presenter's list. answered: the archive, still visible. dismissed: gone for everyone but
 * moderators and the author.
 */
export const QuestionState = z.enum(['pending', 'approved', 'dismissed', 'answered']);
export type QuestionState = z.infer<typeof QuestionState>;

/**
 * [QA4] Where a question came from. A breakout question keeps its asker's cohort so the fairness
 * shares ([QA22]) can count it as room or remote.
 */
export const QuestionOrigin = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('room') }),
  z.object({ kind: z.literal('remote') }),
  z.object({ kind: z.literal('breakout'), roomId: Id, cohort: Mode }),
]);
export type QuestionOrigin = z.infer<typeof QuestionOrigin>;
export type OriginKind = QuestionOrigin['kind'];

/** The cohort a question counts in: its origin, or its breakout asker's mode. */
export const originCohort = (o: QuestionOrigin): Mode => (o.kind === 'breakout' ? o.cohort : o.kind);

/** Control characters other than tab and newline, and lone surrogates (they do not survive UTF-8). */
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]|[\uD800-\uDFFF]/u;

/**
 * [QA1] [QA2] Question text: trimmed, 1–300 characters, no control characters. Markup is not
 * refused or escaped: it is text, stored and sent as typed, and clients render it as text.
 * The raw cap bounds the work before trimming and counting.
 */
export const QuestionText = z
  .string()
  .max(4 * QA_LIMITS.text, `questions are at most ${QA_LIMITS.text} characters`)
  .trim()
  .min(1, 'the question is empty')
  .refine((s) => textLength(s) <= QA_LIMITS.text, `questions are at most ${QA_LIMITS.text} characters`)
  .refine((s) => !UNSAFE_TEXT.test(s), 'control characters are not allowed');

/** [QA16] A moderator's written answer, shown under the question. */
export const ReplyText = z
  .string()
  .max(4 * QA_LIMITS.reply, `replies are at most ${QA_LIMITS.reply} characters`)
  .trim()
  .min(1, 'the reply is empty; send null to remove it')
  .refine((s) => textLength(s) <= QA_LIMITS.reply, `replies are at most ${QA_LIMITS.reply} characters`)
  .refine((s) => !UNSAFE_TEXT.test(s), 'control characters are not allowed');

/** A question as attendees, presenters and the stage screen see it. */
export const Question = z.object({
  id: Id,
  eventId: Id,
  /** The agenda session it was asked in; null when asked between sessions. */
  sessionId: Id.nullable(),
  text: z.string(),
  /** The asker's display name; null when anonymous. */
  authorName: z.string().nullable(),
  anonymous: z.boolean(),
  origin: QuestionOrigin,
  state: QuestionState,
  /** [QA17] The one question on the stage screen now (at most one per event). */
  highlighted: z.boolean(),
  /** [QA16] A moderator's written answer. */
  reply: z.string().nullable(),
  /** [QA15] A moderator corrected the text. */
  edited: z.boolean(),
  votes: z.number().int().min(0),
  createdAt: z.iso.datetime(),
  answeredAt: z.iso.datetime().nullable(),
  /**
   * Bumped by every change a moderator or presenter makes (not by votes, not by highlighting).
   * Messages about one question can arrive out of order when moderators on several nodes act at
   * once: keep the copy with the highest rev.
   */
  rev: z.number().int().min(0),
});
export type Question = z.infer<typeof Question>;

/**
 * What a question message carries. The extras are filled only for those allowed them:
 * `mine` in the author's own copy ([QA7]); `flagged` and `askerBanned` in moderators' copies.
 */
export const QuestionView = Question.extend({
  mine: z.literal(true).optional(),
  /** [QA6] The profanity filter matched: why it waits for review. */
  flagged: z.boolean().optional(),
  /** [QA19] Its asker may not ask any more. */
  askerBanned: z.boolean().optional(),
});
export type QuestionView = z.infer<typeof QuestionView>;

const questionRef = { id: CommandId, questionId: Id };

/** Commands, merged into commandSchemas. */
export const qaCommandSchemas = {
  /**
   * [QA1]–[QA8] An attendee asks. `sessionId` defaults to the live session (null: none).
   * `anonymous` is required: showing one's name is a choice the client must make explicitly.
   */
  'question:submit': z.strictObject({ id: CommandId, sessionId: Id.nullable().optional(), text: QuestionText, anonymous: z.boolean() }),
  /** [QA9] Adds (up: true) or takes back (up: false) this participant's upvote. */
  'question:upvote': z.strictObject({ ...questionRef, up: z.boolean() }),
  /** [QA12] pending -> approved. */
  'question:approve': z.strictObject(questionRef),
  /** [QA12] pending, approved or answered -> dismissed. */
  'question:dismiss': z.strictObject(questionRef),
  /** [QA15] Fixes a typo; the question is marked edited. */
  'question:edit': z.strictObject({ ...questionRef, text: QuestionText }),
  /** [QA17] Puts one approved question on the stage screen (null: none). */
  'question:highlight': z.strictObject({ id: CommandId, questionId: Id.nullable() }),
  /** [QA12] approved -> answered (the archive). */
  'question:markAnswered': z.strictObject(questionRef),
  /** [QA12] answered -> approved; dismissed -> back to review (or approved under post-moderation). */
  'question:restore': z.strictObject(questionRef),
  /** [QA16] Sets or (null) removes the written reply. */
  'question:reply': z.strictObject({ ...questionRef, text: ReplyText.nullable() }),
  /**
   * [QA19] Bans or unbans an asker, named by participant id or by one of their questions (so an
   * anonymous asker can be banned without anyone learning who they are).
   */
  'qa:banAsker': z
    .strictObject({ id: CommandId, participantId: Id.optional(), questionId: Id.optional(), banned: z.boolean() })
    .refine((p) => (p.participantId === undefined) !== (p.questionId === undefined), 'name either participantId or questionId'),
} as const;

/** The ack of qa:banAsker. participantId is null when the asker was named by an anonymous question. */
export const AskerBan = z.object({ participantId: Id.nullable(), questionId: Id.nullable(), banned: z.boolean() });
export type AskerBan = z.infer<typeof AskerBan>;

export const HighlightChange = z.object({ questionId: Id.nullable(), question: Question.nullable() });
export type HighlightChange = z.infer<typeof HighlightChange>;

/** `data` of successful acks, merged into CommandResults. */
export interface QaCommandResults {
  'question:submit': QuestionView;
  'question:upvote': { questionId: string; up: boolean; votes: number };
  'question:approve': QuestionView;
  'question:dismiss': QuestionView;
  'question:edit': QuestionView;
  'question:highlight': HighlightChange;
  'question:markAnswered': QuestionView;
  'question:restore': QuestionView;
  'question:reply': QuestionView;
  'qa:banAsker': AskerBan;
}

/** Facts, merged into factSchemas. Clients upsert question messages by id. */
export const qaFactSchemas = {
  /** [QA8] Moderators (their view) and the author's tabs (mine): a new question. */
  'question:submitted': QuestionView,
  /** [QA7] [QA14] A question's new state, to whoever may see it now, each in their own view. */
  'question:changed': QuestionView,
  /** [QA14] Attendees, presenters and the stage screen: a question they saw is no longer visible. */
  'question:removed': z.object({ questionId: Id, rev: z.number().int() }),
  /**
   * [QA10] Coalesced vote counts: absolute counts of the questions that changed, at most one
   * message per 500 ms per node. Keep, per question, the count with the highest version.
   */
  'question:votesUpdated': z.object({ version: z.number().int(), votes: z.record(Id, z.number().int().min(0)) }),
  /** [QA17] Everyone: the highlighted question (null: none), as the stage screen shows it. */
  'question:highlighted': HighlightChange,
  /** [QA19] That participant: whether they may ask. */
  'qa:banChanged': z.object({ banned: z.boolean() }),
} as const;

/** [QA23] The Q&A part of a snapshot. */
export const QaSnapshot = z.object({
  /** [QA7] Every question this principal may see, in their view, oldest first. */
  questions: z.array(QuestionView),
  /** Ids of questions this participant upvoted. */
  myUpvotes: z.array(Id),
  /** The version of the vote counts above: ignore question:votesUpdated at or below it. */
  votesVersion: z.number().int(),
  /** [QA19] This participant may not ask. */
  askingBanned: z.boolean(),
});
export type QaSnapshot = z.infer<typeof QaSnapshot>;

// Pure rules shared with the client, so every screen sorts and counts exactly as the server does.

export type QuestionSort = 'popular' | 'recent';

/**
 * [QA11] popular: most votes first, then the older question (it has waited longer), then id.
 * recent: newest first, then id. Returns a new array.
 */
export function sortQuestions<T extends Pick<Question, 'id' | 'votes' | 'createdAt'>>(questions: readonly T[], by: QuestionSort): T[] {
  const byId = (a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...questions].sort((a, b) =>
    by === 'popular' ? b.votes - a.votes || a.createdAt.localeCompare(b.createdAt) || byId(a, b) : b.createdAt.localeCompare(a.createdAt) || byId(a, b),
  );
}

/** [QA22] A moderator's origin filter: all, or one kind of origin. */
export const matchesOrigin = (q: Pick<Question, 'origin'>, filter: OriginKind | 'all'): boolean => filter === 'all' || q.origin.kind === filter;

export interface CohortShare {
  total: number;
  remote: number;
  /** remote / total, 0..1; null when there is nothing to share. */
  share: number | null;
}

export interface QaFairness {
  /** Questions moderators let through: approved and answered ones. */
  approved: CohortShare;
  answered: CohortShare;
}

/** [QA22] The share of approved and of answered questions that came from remote attendees. */
export function qaFairness(questions: readonly Pick<Question, 'state' | 'origin'>[]): QaFairness {
  const share = (qs: readonly Pick<Question, 'origin'>[]): CohortShare => {
    const remote = qs.filter((q) => originCohort(q.origin) === 'remote').length;
    return { total: qs.length, remote, share: qs.length === 0 ? null : remote / qs.length };
  };
  return {
    approved: share(questions.filter((q) => q.state === 'approved' || q.state === 'answered')),
    answered: share(questions.filter((q) => q.state === 'answered')),
  };
}
