import { ErrorCode, RallyError, type CommandName, type CommandPayload, type CommandResults } from '@rally/shared';
import { askHelp, takeHelp } from '../domain/breakout/help.js';
import { assignRound, chooseRoom, moveParticipant, swapParticipants } from '../domain/breakout/placement.js';
import { broadcastToRooms, closeRound, createRound, deleteRound, extendRound, openRound, updateRound } from '../domain/breakout/rounds.js';
import { deleteTemplate, roundFromTemplate, saveTemplate } from '../domain/breakout/templates.js';
import type { CommandContext } from './handlers.js';

type BreakoutCommand = Extract<CommandName, `breakout:${string}`>;
type BreakoutHandlers = { [K in BreakoutCommand]: (ctx: CommandContext, payload: CommandPayload<K>) => Promise<CommandResults[K]> };

const notYet = async (): Promise<never> => {
  throw new RallyError(ErrorCode.UNAVAILABLE, 'breakout rounds are not available on this server yet');
};

/** [BRK10..] Thin adapters from a validated, authorised breakout command to its domain function. */
export const breakoutHandlers: BreakoutHandlers = {
  'breakout:create': (ctx, p) => createRound(ctx.deps, ctx.eventId, p.sessionId, p.draft),
  'breakout:update': (ctx, p) => updateRound(ctx.deps, ctx.eventId, p.roundId, p.draft),
  'breakout:delete': (ctx, p) => deleteRound(ctx.deps, ctx.eventId, p.roundId),
  'breakout:assign': (ctx, p) => assignRound(ctx.deps, ctx.eventId, p.roundId, p.strategy),
  'breakout:move': (ctx, p) => moveParticipant(ctx.deps, ctx.eventId, p.roundId, p.participantId, p.roomId),
  'breakout:swap': (ctx, p) => swapParticipants(ctx.deps, ctx.eventId, p.roundId, p.a, p.b),
  'breakout:open': (ctx, p) => openRound(ctx.deps, ctx.eventId, p.roundId),
  'breakout:extend': (ctx, p) => extendRound(ctx.deps, ctx.eventId, p.roundId, p.seconds),
  'breakout:broadcast': (ctx, p) => broadcastToRooms(ctx.deps, ctx.eventId, p.roundId, p.text),
  'breakout:close': (ctx, p) => closeRound(ctx.deps, ctx.eventId, p.roundId),
  'breakout:choose': (ctx, p) => chooseRoom(ctx.deps, ctx.eventId, ctx.participantId, p.roundId, p.roomId),
  'breakout:videoToken': notYet,
  'breakout:askHelp': (ctx, p) => askHelp(ctx.deps, ctx.eventId, ctx.participantId, p.roundId),
  'breakout:takeHelp': (ctx, p) => takeHelp(ctx.deps, ctx.eventId, ctx.participantId, p.helpId),
  'breakout:chat': notYet,
  'breakout:deleteChat': notYet,
  'breakout:readChat': notYet,
  'breakout:takeaway': notYet,
  'breakout:pollTakeaways': notYet,
  'breakout:score': notYet,
  'breakout:myFeedback': notYet,
  'breakout:saveTemplate': (ctx, p) => saveTemplate(ctx.deps, ctx.eventId, p.roundId, p.name),
  'breakout:fromTemplate': (ctx, p) => roundFromTemplate(ctx.deps, ctx.eventId, p.templateId, p.sessionId),
  'breakout:deleteTemplate': (ctx, p) => deleteTemplate(ctx.deps, ctx.eventId, p.templateId),
};
