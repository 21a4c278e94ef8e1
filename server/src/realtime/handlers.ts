import { ErrorCode, IDLE_SLOT, RallyError, type CommandName, type CommandPayload, type CommandResults, type Role } from '@rally/shared';
import { correct, setBanned, updateSelf } from '../domain/participants.js';
import { createPoll, deletePoll, duplicatePoll, reorderPolls, updatePoll } from '../domain/polls/authoring.js';
import { closePoll, launchAdhoc, launchPoll, revealPoll } from '../domain/polls/lifecycle.js';
import { moderateAnswer } from '../domain/polls/moderation.js';
import { castVote } from '../domain/polls/voting.js';
import type { DomainDeps, WithStage } from '../domain/ports.js';
import { BREAKOUT_READS, breakoutHandlers } from './breakout-handlers.js';
import { breakoutLocator } from '../domain/breakout/locator.js';
import { submitQuestion } from '../domain/qa/asking.js';
import type { AskBudget } from '../domain/qa/deps.js';
import { banAsker, editQuestion, highlightQuestion, moderate, replyToQuestion } from '../domain/qa/moderation.js';
import { upvote } from '../domain/qa/voting.js';
import { buildSnapshot } from '../domain/snapshot.js';
import { setAgenda, setLiveSession } from '../domain/stage/agenda.js';
import { clearAnnouncements, sendAnnouncement } from '../domain/stage/announcements.js';
import { showOnStage } from '../domain/stage/show.js';
import { banFromChat, deleteChat, sendChat, setSlowMode } from '../domain/stage/chat.js';
import { setBranding, setStream, stageStreamToken } from '../domain/stage/event-settings.js';
import { markNoteRead, sendNote } from '../domain/stage/notes.js';
import { sendReaction } from '../domain/stage/reactions.js';
import { configureEngagement } from '../domain/engagement/configure.js';
import { closeSurvey, defineSurvey, openSurvey, submitSurvey } from '../domain/engagement/survey.js';
import { createQuiz, deleteQuiz, duplicateQuiz, updateQuiz } from '../domain/quiz/authoring.js';
import { reopenQuiz, selfAnswer, selfStart } from '../domain/quiz/reinforcement.js';
import { answer as answerQuiz, control as controlQuiz, openRun, type AnswerTiming, type QuizPlayDeps } from '../domain/quiz/play.js';

export interface CommandContext {
  deps: WithStage<QuizPlayDeps>;
  participantId: string;
  eventId: string;
  role: Role;
  /** [QA20] The per-participant ask budget, only question:submit spends it. */
  askBudget: AskBudget;
  /** [QUIZ35] This socket's timing facts, for quiz:answer. */
  timing: AnswerTiming;
}

type Handlers = { [K in CommandName]: (ctx: CommandContext, payload: CommandPayload<K>) => Promise<CommandResults[K]> };

/**
 * Commands that keep no idempotency record: reads (a snapshot, a fresh stream or video token, a
 * breakout room's chat, one's feedback).
 */
export const UNRECORDED_COMMANDS: ReadonlySet<CommandName> = new Set(['snapshot:request', 'stage:streamToken', 'breakout:videoToken', ...BREAKOUT_READS]);

/**
 * [REL16] Commands whose ids are kept in a small window per participant (command-window.ts) instead
 * of with their stored result. A repeat within the window is acked with this result. None now:
 * reactions claim their ids in the store's reaction window with their standing ([PERF9]).
 */
export const WINDOWED_COMMANDS: { readonly [K in CommandName]?: (payload: CommandPayload<K>) => CommandResults[K] } = {};

/**
 * [PERF2] Commands whose one-per-participant record is itself their idempotency record: the store
 * recognises a retried id in the same atomic step that applies it (a vote record keeps the ids
 * applied to it), or the store writes the command's result in the step that applies it (an upvote),
 * so the pipeline neither reads nor writes a command result around them. [PERF6] A quiz answer's
 * record keeps the id it was recorded under; [PERF9] a reaction's id is claimed in its participant's
 * reaction window ([REL16]: fleeting, no result stored) by the store step that confirms its sender.
 */
export const SELF_RECORDED_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>(['poll:vote', 'question:upvote', 'quiz:answer', 'reaction:send']);

/** [PROTO3] A command's idempotency key: per participant, command name and client id. */
export const commandKey = (participantId: string, name: CommandName, id: string): string => `cmd:${participantId}:${name}:${id}`;

/** How long a command's result is kept: long enough for a client's retries after a drop; short enough that the table stays small. */
export const COMMAND_RESULT_TTL_S = 6 * 60 * 60;

/** Thin adapters from a validated, authorised command to its domain function. */
export const handlers: Handlers = {
  async 'snapshot:request'(ctx) {
    const [me, event] = await Promise.all([ctx.deps.store.getParticipant(ctx.participantId), ctx.deps.store.getEvent(ctx.eventId)]);
    if (!me || !event) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
    return buildSnapshot(ctx.deps, me, event);
  },
  'participant:update': (ctx, p) => updateSelf(ctx.deps, ctx.eventId, ctx.participantId, { team: p.team, mode: p.mode, roomCode: p.roomCode }),
  'participant:correct': (ctx, p) => correct(ctx.deps, ctx.eventId, p.participantId, { team: p.team, mode: p.mode }),
  'participant:ban': (ctx, p) => setBanned(ctx.deps, ctx.eventId, ctx.participantId, p.participantId, p.banned),
  'session:setLive': (ctx, p) => setLiveSession(ctx.deps, ctx.eventId, p.sessionId),
  'poll:create': (ctx, p) => createPoll(ctx.deps, ctx.eventId, p.sessionId, p.draft),
  'poll:update': (ctx, p) => updatePoll(ctx.deps, ctx.eventId, p.pollId, p.draft),
  'poll:delete': (ctx, p) => deletePoll(ctx.deps, ctx.eventId, p.pollId),
  'poll:duplicate': (ctx, p) => duplicatePoll(ctx.deps, ctx.eventId, p.pollId, p.sessionId),
  'poll:reorder': (ctx, p) => reorderPolls(ctx.deps, ctx.eventId, p.sessionId, p.pollIds),
  'poll:launch': (ctx, p) => launchPoll(ctx.deps, ctx.eventId, p.pollId),
  'poll:launchAdhoc': (ctx, p) => launchAdhoc(ctx.deps, ctx.eventId, p.draft),
  'poll:close': (ctx, p) => closePoll(ctx.deps, ctx.eventId, p.pollId),
  'poll:reveal': (ctx, p) => revealPoll(ctx.deps, ctx.eventId, p.pollId),
  'poll:vote': (ctx, p) => castVote(ctx.deps, ctx.eventId, ctx.participantId, p.pollId, p.vote, p.id),
  'poll:moderateAnswer': (ctx, p) => moderateAnswer(ctx.deps, ctx.eventId, p.pollId, p.answerId, p.approved),
  'question:submit': (ctx, p) =>
    submitQuestion({ ...ctx.deps, askBudget: ctx.askBudget, breakouts: breakoutLocator(ctx.deps) }, ctx.eventId, ctx.participantId, { sessionId: p.sessionId, text: p.text, anonymous: p.anonymous }),
  'question:upvote': (ctx, p) =>
    upvote(ctx.deps, ctx.eventId, ctx.participantId, p.questionId, p.up, { key: commandKey(ctx.participantId, 'question:upvote', p.id), ttlSeconds: COMMAND_RESULT_TTL_S }),
  'question:approve': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'approve'),
  'question:dismiss': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'dismiss'),
  'question:markAnswered': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'markAnswered'),
  'question:restore': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'restore'),
  'question:edit': (ctx, p) => editQuestion(ctx.deps, ctx.eventId, actor(ctx), p.questionId, p.text),
  'question:reply': (ctx, p) => replyToQuestion(ctx.deps, ctx.eventId, actor(ctx), p.questionId, p.text),
  'question:highlight': (ctx, p) => highlightQuestion(ctx.deps, ctx.eventId, p.questionId),
  'qa:banAsker': (ctx, p) => banAsker(ctx.deps, ctx.eventId, { participantId: p.participantId, questionId: p.questionId }, p.banned),
  'stage:setStream': (ctx, p) => setStream(ctx.deps, ctx.eventId, p.stream),
  'stage:streamToken': (ctx) => stageStreamToken(ctx.deps, ctx.eventId, ctx.participantId),
  'event:setBranding': (ctx, p) => setBranding(ctx.deps, ctx.eventId, p.branding),
  'agenda:set': (ctx, p) => setAgenda(ctx.deps, ctx.eventId, p.agenda),
  'reaction:send': (ctx, p) => sendReaction(ctx.deps, ctx.eventId, ctx.participantId, p.emoji, p.id),
  'announcement:send': (ctx, p) => sendAnnouncement(ctx.deps, ctx.eventId, p.text, p.audience, p.lifetimeSec),
  'announcement:clear': (ctx) => clearAnnouncements(ctx.deps, ctx.eventId),
  'stage:show': (ctx, p) => showOnStage(ctx.deps, ctx.eventId, p.slot),
  'stage:clear': (ctx) => showOnStage(ctx.deps, ctx.eventId, IDLE_SLOT),
  'note:send': (ctx, p) => sendNote(ctx.deps, ctx.eventId, ctx.participantId, p.text),
  'note:markRead': (ctx, p) => markNoteRead(ctx.deps, ctx.eventId, ctx.participantId, p.noteId),
  'chat:send': (ctx, p) => sendChat(ctx.deps, ctx.eventId, ctx.participantId, p.text),
  'chat:delete': (ctx, p) => deleteChat(ctx.deps, ctx.eventId, p.messageId),
  'chat:setSlowMode': (ctx, p) => setSlowMode(ctx.deps, ctx.eventId, p.seconds),
  'chat:banParticipant': (ctx, p) => banFromChat(ctx.deps, ctx.eventId, ctx.participantId, p.participantId, p.banned),
  'engagement:configure': (ctx, p) => configureEngagement(ctx.deps, ctx.eventId, p.settings),
  'survey:define': (ctx, p) => defineSurvey(ctx.deps, ctx.eventId, p.survey),
  'survey:open': (ctx) => openSurvey(ctx.deps, ctx.eventId),
  'survey:close': (ctx) => closeSurvey(ctx.deps, ctx.eventId),
  'survey:submit': (ctx, p) => submitSurvey(ctx.deps, ctx.eventId, ctx.participantId, p.answers),
  'quiz:create': (ctx, p) => createQuiz(ctx.deps, ctx.eventId, p.sessionId, p.draft),
  'quiz:update': (ctx, p) => updateQuiz(ctx.deps, ctx.eventId, p.quizId, p.version, p.draft),
  'quiz:delete': (ctx, p) => deleteQuiz(ctx.deps, ctx.eventId, p.quizId),
  'quiz:duplicate': (ctx, p) => duplicateQuiz(ctx.deps, ctx.eventId, p.quizId, p.sessionId),
  'quiz:open': (ctx, p) => openRun(ctx.deps, ctx.eventId, p.quizId),
  'quiz:control': (ctx, p) => controlQuiz(ctx.deps, ctx.eventId, p.runId, p.action),
  'quiz:answer': (ctx, p) => answerQuiz(ctx.deps, ctx.eventId, ctx.participantId, p, ctx.timing, p.id),
  'quiz:reopen': (ctx, p) => reopenQuiz(ctx.deps, ctx.eventId, p.quizId, { closesAt: p.closesAt, ...(p.liveRunId ? { liveRunId: p.liveRunId } : {}) }),
  'quiz:selfStart': (ctx, p) => selfStart(ctx.deps, ctx.eventId, ctx.participantId, p.runId),
  'quiz:selfAnswer': (ctx, p) => selfAnswer(ctx.deps, ctx.eventId, ctx.participantId, p, ctx.timing),
  ...breakoutHandlers,
};

function actor(ctx: CommandContext) {
  return { id: ctx.participantId, role: ctx.role };
}
