import { ErrorCode, RallyError, type CommandName, type CommandPayload, type CommandResults, type Role } from '@rally/shared';
import { setLiveSession } from '../domain/agenda.js';
import { correct, setBanned, updateSelf } from '../domain/participants.js';
import { createPoll, deletePoll, duplicatePoll, reorderPolls, updatePoll } from '../domain/polls/authoring.js';
import { closePoll, launchAdhoc, launchPoll, revealPoll } from '../domain/polls/lifecycle.js';
import { moderateAnswer } from '../domain/polls/moderation.js';
import { castVote } from '../domain/polls/voting.js';
import type { DomainDeps } from '../domain/ports.js';
import { submitQuestion } from '../domain/qa/asking.js';
import type { AskBudget } from '../domain/qa/deps.js';
import { banAsker, editQuestion, highlightQuestion, moderate, replyToQuestion } from '../domain/qa/moderation.js';
import { upvote } from '../domain/qa/voting.js';
import { buildSnapshot } from '../domain/snapshot.js';

export interface CommandContext {
  deps: DomainDeps;
  participantId: string;
  eventId: string;
  role: Role;
  /** [QA20] The per-participant ask budget, only question:submit spends it. */
  askBudget: AskBudget;
}

type Handlers = { [K in CommandName]: (ctx: CommandContext, payload: CommandPayload<K>) => Promise<CommandResults[K]> };

/** Commands that change nothing: no idempotency record is kept for them. */
export const READ_ONLY_COMMANDS: ReadonlySet<CommandName> = new Set(['snapshot:request']);

/** Thin adapters from a validated, authorised command to its domain function. */
export const handlers: Handlers = {
  async 'snapshot:request'(ctx) {
    const [me, event] = await Promise.all([ctx.deps.store.getParticipant(ctx.participantId), ctx.deps.store.getEvent(ctx.eventId)]);
    if (!me || !event) throw new RallyError(ErrorCode.UNAUTHORIZED, 'this participant no longer exists, please join again');
    return buildSnapshot(ctx.deps, me, event);
  },
  'participant:update': (ctx, p) => updateSelf(ctx.deps, ctx.eventId, ctx.participantId, { team: p.team, mode: p.mode }),
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
  'poll:vote': (ctx, p) => castVote(ctx.deps, ctx.eventId, ctx.participantId, p.pollId, p.vote),
  'poll:moderateAnswer': (ctx, p) => moderateAnswer(ctx.deps, ctx.eventId, p.pollId, p.answerId, p.approved),
  'question:submit': (ctx, p) =>
    submitQuestion({ ...ctx.deps, askBudget: ctx.askBudget }, ctx.eventId, ctx.participantId, { sessionId: p.sessionId, text: p.text, anonymous: p.anonymous }),
  'question:upvote': (ctx, p) => upvote(ctx.deps, ctx.eventId, ctx.participantId, p.questionId, p.up),
  'question:approve': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'approve'),
  'question:dismiss': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'dismiss'),
  'question:markAnswered': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'markAnswered'),
  'question:restore': (ctx, p) => moderate(ctx.deps, ctx.eventId, actor(ctx), p.questionId, 'restore'),
  'question:edit': (ctx, p) => editQuestion(ctx.deps, ctx.eventId, actor(ctx), p.questionId, p.text),
  'question:reply': (ctx, p) => replyToQuestion(ctx.deps, ctx.eventId, actor(ctx), p.questionId, p.text),
  'question:highlight': (ctx, p) => highlightQuestion(ctx.deps, ctx.eventId, p.questionId),
  'qa:banAsker': (ctx, p) => banAsker(ctx.deps, ctx.eventId, { participantId: p.participantId, questionId: p.questionId }, p.banned),
};

function actor(ctx: CommandContext) {
  return { id: ctx.participantId, role: ctx.role };
}
