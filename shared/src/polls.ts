import { z } from 'zod';
import { CohortCounts, Id } from './model.js';
import { normaliseWord, textLength } from './poll-tally.js';
import { OnStage } from './stage-slot.js';

/*
 * Live polls: what organisers author, what the stage launches, what attendees send and what
 * results look like. Rules cited as [POLLn] are in docs/spec/polls.md.
 */

export const PollKind = z.enum(['single', 'multiple', 'rating', 'nps', 'wordcloud', 'open']);
export type PollKind = z.infer<typeof PollKind>;

/** draft -> live -> closed, never backwards: a poll is re-run by duplicating it. */
export const PollState = z.enum(['draft', 'live', 'closed']);
export type PollState = z.infer<typeof PollState>;

/**
 * Who sees results while the poll runs. Staff (presenter, moderator, organiser) always do; the
 * audience (attendees and the stage screen) as chosen here, or as soon as the presenter reveals them.
 */
export const ResultsVisibility = z.enum(['live', 'after-close', 'presenter']);
export type ResultsVisibility = z.infer<typeof ResultsVisibility>;

export const POLL_LIMITS = {
  question: 200,
  optionLabel: 80,
  minOptions: 2,
  maxOptions: 10,
  wordCloudEntry: 40,
  openText: 280,
  minDurationSec: 10,
  maxDurationSec: 3600,
  /** Words shown in a word cloud; the export has all of them. */
  wordCloudTop: 50,
  /** Approved open-text entries carried by a results message (the most recent ones). */
  wallEntries: 100,
} as const;

/** Control characters other than tab and newline, and lone surrogates (they do not survive UTF-8). */
const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f]|[\uD800-\uDFFF]/u;
const safeText = (s: string) => !UNSAFE_TEXT.test(s);

export const PollSettings = z.strictObject({
  /** Anonymous: no one, not even the organiser's export, can tie an answer to a person. */
  anonymous: z.boolean(),
  resultsVisibility: ResultsVisibility,
  /** A participant may change their vote until the poll closes. */
  allowChange: z.boolean(),
  /** The server closes the poll this long after launch; null: closed by hand. */
  durationSec: z.number().int().min(POLL_LIMITS.minDurationSec).max(POLL_LIMITS.maxDurationSec).nullable(),
});
export type PollSettings = z.infer<typeof PollSettings>;

export const DEFAULT_POLL_SETTINGS: PollSettings = { anonymous: true, resultsVisibility: 'live', allowChange: true, durationSec: null };

const Question = z
  .string()
  .trim()
  .min(1, 'a question is required')
  .max(POLL_LIMITS.question, `questions are at most ${POLL_LIMITS.question} characters`)
  .refine(safeText, 'control characters are not allowed');

const OptionLabel = z
  .string()
  .trim()
  .min(1, 'options cannot be empty')
  .max(POLL_LIMITS.optionLabel, `options are at most ${POLL_LIMITS.optionLabel} characters`)
  .refine(safeText, 'control characters are not allowed');

const OptionLabels = z
  .array(OptionLabel)
  .min(POLL_LIMITS.minOptions, `a poll needs at least ${POLL_LIMITS.minOptions} options`)
  .max(POLL_LIMITS.maxOptions, `a poll has at most ${POLL_LIMITS.maxOptions} options`);

export const RatingScale = z.union([z.literal(5), z.literal(10)]);
export type RatingScale = z.infer<typeof RatingScale>;

const draftBase = { question: Question, settings: PollSettings };

/**
 * [POLL5] What an organiser writes: the question, the kind with what it needs, the settings.
 * Options are labels here; the server gives them ids when it stores the poll.
 */
export const PollDraft = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('single'), ...draftBase, options: OptionLabels }),
    z.strictObject({ kind: z.literal('multiple'), ...draftBase, options: OptionLabels, maxPicks: z.number().int().min(1).max(POLL_LIMITS.maxOptions) }),
    z.strictObject({ kind: z.literal('rating'), ...draftBase, scale: RatingScale }),
    z.strictObject({ kind: z.literal('nps'), ...draftBase }),
    z.strictObject({ kind: z.literal('wordcloud'), ...draftBase }),
    z.strictObject({ kind: z.literal('open'), ...draftBase }),
  ])
  .superRefine((d, ctx) => {
    if (d.kind !== 'single' && d.kind !== 'multiple') return;
    const seen = new Set<string>();
    d.options.forEach((label, i) => {
      const k = normaliseWord(label);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['options', i], message: `"${label}" is listed twice` });
      seen.add(k);
    });
    if (d.kind === 'multiple' && d.maxPicks > d.options.length) {
      ctx.addIssue({ code: 'custom', path: ['maxPicks'], message: 'maxPicks cannot exceed the number of options' });
    }
  });
export type PollDraft = z.infer<typeof PollDraft>;

export const PollOption = z.object({ id: Id, label: z.string() });
export type PollOption = z.infer<typeof PollOption>;

const pollBase = {
  id: Id,
  eventId: Id,
  /** The agenda session the poll belongs to; null for polls outside the agenda. */
  sessionId: Id.nullable(),
  /** Position among the session's polls (ascending). */
  order: z.number().int(),
  question: z.string(),
  settings: PollSettings,
  state: PollState,
  createdAt: z.iso.datetime(),
  openedAt: z.iso.datetime().nullable(),
  /** The stored deadline: whichever node sees it first closes the poll. */
  closesAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  /** The presenter revealed the results to the audience, whatever resultsVisibility says. */
  revealed: z.boolean(),
  /** Attendees present when the poll closed: the frozen denominator of its participation rates. */
  presentAtClose: CohortCounts.nullable(),
};

/**
 * A poll as stored and as sent to every principal allowed to know it exists. It carries no
 * results and no answers: those travel separately, to those allowed to see them.
 */
export const Poll = z.discriminatedUnion('kind', [
  z.object({ ...pollBase, kind: z.literal('single'), options: z.array(PollOption) }),
  z.object({ ...pollBase, kind: z.literal('multiple'), options: z.array(PollOption), maxPicks: z.number().int() }),
  z.object({ ...pollBase, kind: z.literal('rating'), scale: RatingScale }),
  z.object({ ...pollBase, kind: z.literal('nps') }),
  z.object({ ...pollBase, kind: z.literal('wordcloud') }),
  z.object({ ...pollBase, kind: z.literal('open') }),
]);
export type Poll = z.infer<typeof Poll>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Fields the server owns (identity, lifecycle); everything else is authored content. */
type PollMeta = Exclude<keyof typeof pollBase, 'question' | 'settings'>;
/** The authored part of a poll (kind, question, options, settings): what a draft edit replaces. */
export type PollContent = DistributiveOmit<Poll, PollMeta>;

const WordCloudText = z
  .string()
  .max(200, `word-cloud entries are at most ${POLL_LIMITS.wordCloudEntry} characters`)
  .refine(safeText, 'control characters are not allowed')
  .refine((s) => normaliseWord(s).length > 0, 'the entry is empty')
  .refine((s) => textLength(normaliseWord(s)) <= POLL_LIMITS.wordCloudEntry, `word-cloud entries are at most ${POLL_LIMITS.wordCloudEntry} characters`);

/**
 * What an attendee sends. The kind is repeated so a vote meant for another kind of poll is refused
 * instead of being read as something else. Ranges that depend on the poll (option ids, maxPicks,
 * the rating scale) are checked against it by the server.
 */
export const VoteInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('single'), optionId: Id }),
  z.strictObject({ kind: z.literal('multiple'), optionIds: z.array(Id).min(1, 'pick at least one option').max(POLL_LIMITS.maxOptions) }),
  z.strictObject({ kind: z.literal('rating'), value: z.number().int().min(1).max(10) }),
  z.strictObject({ kind: z.literal('nps'), value: z.number().int().min(0).max(10) }),
  z.strictObject({ kind: z.literal('wordcloud'), text: WordCloudText }),
  z.strictObject({
    kind: z.literal('open'),
    text: z
      .string()
      .trim()
      .min(1, 'the answer is empty')
      .max(POLL_LIMITS.openText, `answers are at most ${POLL_LIMITS.openText} characters`)
      .refine(safeText, 'control characters are not allowed'),
  }),
]);
export type VoteInput = z.infer<typeof VoteInput>;

/** The ack of a vote: the vote as counted (normalised), and whether a word-cloud entry was filtered. */
export const VoteReceipt = z.object({
  pollId: Id,
  vote: VoteInput,
  /** [POLL16] A word-cloud entry caught by the profanity filter counts as participation but is never shown. */
  filtered: z.boolean(),
});
export type VoteReceipt = z.infer<typeof VoteReceipt>;

export const AnswerStatus = z.enum(['pending', 'approved', 'rejected']);
export type AnswerStatus = z.infer<typeof AnswerStatus>;

/** An open-text answer as moderators see it. `author` is null for anonymous polls. */
export const PollAnswer = z.object({
  id: Id,
  pollId: Id,
  text: z.string(),
  author: z.string().nullable(),
  status: AnswerStatus,
  /** The profanity filter matched: a hint for the moderator, who decides. */
  flagged: z.boolean(),
  at: z.iso.datetime(),
});
export type PollAnswer = z.infer<typeof PollAnswer>;

/** Participation rate per cohort, 0..1. */
export const CohortRates = z.object({ room: z.number().min(0).max(1), remote: z.number().min(0).max(1) });
export type CohortRates = z.infer<typeof CohortRates>;

/** A mean per cohort and overall; null when nobody in it voted. */
export const CohortAverages = z.object({ room: z.number().nullable(), remote: z.number().nullable(), all: z.number().nullable() });
export type CohortAverages = z.infer<typeof CohortAverages>;

export const NpsBreakdown = z.object({
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  /** -100..100, null without votes. */
  score: z.number().int().nullable(),
});
export type NpsBreakdown = z.infer<typeof NpsBreakdown>;

const CohortCount = { room: z.number().int(), remote: z.number().int() };

const resultsBase = {
  pollId: Id,
  /** Bumped by the store on every change: a client keeps the results with the highest version. */
  version: z.number().int(),
  state: PollState,
  /** Voters per cohort. */
  totals: CohortCounts,
  /** Attendees present per cohort (at close for a closed poll). */
  present: CohortCounts,
  participation: CohortRates,
};

/** [POLL18] Results per kind, always split room/remote. */
export const PollResults = z.discriminatedUnion('kind', [
  z.object({ ...resultsBase, kind: z.literal('single'), options: z.array(z.object({ optionId: Id, ...CohortCount })) }),
  z.object({ ...resultsBase, kind: z.literal('multiple'), options: z.array(z.object({ optionId: Id, ...CohortCount })) }),
  z.object({
    ...resultsBase,
    kind: z.literal('rating'),
    scale: RatingScale,
    distribution: z.array(z.object({ value: z.number().int(), ...CohortCount })),
    average: CohortAverages,
  }),
  z.object({
    ...resultsBase,
    kind: z.literal('nps'),
    distribution: z.array(z.object({ value: z.number().int(), ...CohortCount })),
    nps: z.object({ room: NpsBreakdown, remote: NpsBreakdown, all: NpsBreakdown }),
  }),
  z.object({
    ...resultsBase,
    kind: z.literal('wordcloud'),
    /** The top words by count (ties alphabetical); filtered entries never appear. */
    words: z.array(z.object({ text: z.string(), count: z.number().int(), ...CohortCount })),
  }),
  z.object({
    ...resultsBase,
    kind: z.literal('open'),
    /** Approved answers only, oldest first, the most recent POLL_LIMITS.wallEntries of them. */
    entries: z.array(z.object({ id: Id, text: z.string(), author: z.string().nullable() })),
    approved: z.number().int(),
  }),
]);
export type PollResults = z.infer<typeof PollResults>;

/**
 * [POLL6] The poll:launched fact: the live poll, and for those who may see its results now (staff
 * always, the audience when the poll shows results live) its first results (no votes yet), so the
 * results ticker has nothing to send until a vote arrives ([POLL23]). [STAGE32] It also carries the
 * stage slot the launch moved (`onStage`, the poll on stage), so a launch is one message per
 * attendee; no separate stage:changed follows it.
 */
export const PollLaunched = z.intersection(Poll, z.object({ results: PollResults.optional(), onStage: OnStage.optional() }));
export type PollLaunched = z.infer<typeof PollLaunched>;

/** A poll with its results when this principal may see them. */
export const PollView = z.object({ poll: Poll, results: PollResults.nullable() });
export type PollView = z.infer<typeof PollView>;
