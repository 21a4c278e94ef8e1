import { ErrorCode, RallyError, type CommandName, type CommandPayload, type CommandResults } from '@rally/shared';
import type { CommandContext } from './handlers.js';
import { deleteRoomChat, postRoomChat, readRoomChat } from '../domain/breakout/room-chat.js';
import type { RoomsDeps } from '../domain/breakout/rooms-deps.js';
import { myFeedback, submitScorecard } from '../domain/breakout/scorecards.js';
import { pollTakeaways, submitTakeaway } from '../domain/breakout/takeaways.js';

type BreakoutCommand = Extract<CommandName, `breakout:${string}`>;
type BreakoutHandlers = { [K in BreakoutCommand]: (ctx: CommandContext, payload: CommandPayload<K>) => Promise<CommandResults[K]> };

const notYet = async (): Promise<never> => {
  throw new RallyError(ErrorCode.UNAVAILABLE, 'breakout rounds are not available on this server yet');
};

/** [BRK61] Room chat spends the participant's stage chat budget: one chat budget per person. */
const roomsDeps = (ctx: CommandContext): RoomsDeps => ({ ...ctx.deps, chatBudget: ctx.deps.stage.budgets.chat });

/** [BRK10..] Thin adapters from a validated, authorised breakout command to its domain function. */
export const breakoutHandlers: BreakoutHandlers = {
  'breakout:create': notYet,
  'breakout:update': notYet,
  'breakout:delete': notYet,
  'breakout:assign': notYet,
  'breakout:move': notYet,
  'breakout:swap': notYet,
  'breakout:open': notYet,
  'breakout:extend': notYet,
  'breakout:broadcast': notYet,
  'breakout:close': notYet,
  'breakout:choose': notYet,
  'breakout:videoToken': notYet,
  'breakout:askHelp': notYet,
  'breakout:takeHelp': notYet,
  'breakout:chat': (ctx, p) => postRoomChat(roomsDeps(ctx), ctx.eventId, ctx.participantId, p),
  'breakout:deleteChat': (ctx, p) => deleteRoomChat(ctx.deps, ctx.eventId, p),
  'breakout:readChat': (ctx, p) => readRoomChat(ctx.deps, ctx.eventId, p),
  'breakout:takeaway': (ctx, p) => submitTakeaway(ctx.deps, ctx.eventId, ctx.participantId, p),
  'breakout:pollTakeaways': (ctx, p) => pollTakeaways(ctx.deps, ctx.eventId, p),
  'breakout:score': (ctx, p) => submitScorecard(ctx.deps, ctx.eventId, ctx.participantId, p),
  'breakout:myFeedback': (ctx, p) => myFeedback(ctx.deps, ctx.eventId, ctx.participantId, p.roundId),
  'breakout:saveTemplate': notYet,
  'breakout:fromTemplate': notYet,
  'breakout:deleteTemplate': notYet,
};
