import { ErrorCode, RallyError, type CommandName, type CommandPayload, type CommandResults } from '@rally/shared';
import { breakoutVideoToken } from '../domain/breakout/video.js';
import type { CommandContext } from './handlers.js';

type BreakoutCommand = Extract<CommandName, `breakout:${string}`>;
type BreakoutHandlers = { [K in BreakoutCommand]: (ctx: CommandContext, payload: CommandPayload<K>) => Promise<CommandResults[K]> };

const notYet = async (): Promise<never> => {
  throw new RallyError(ErrorCode.UNAVAILABLE, 'breakout rounds are not available on this server yet');
};

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
  'breakout:videoToken': (ctx, p) => breakoutVideoToken(ctx.deps, ctx, { roundId: p.roundId, roomId: p.roomId }),
  'breakout:askHelp': notYet,
  'breakout:takeHelp': notYet,
  'breakout:chat': notYet,
  'breakout:deleteChat': notYet,
  'breakout:readChat': notYet,
  'breakout:takeaway': notYet,
  'breakout:pollTakeaways': notYet,
  'breakout:score': notYet,
  'breakout:myFeedback': notYet,
  'breakout:saveTemplate': notYet,
  'breakout:fromTemplate': notYet,
  'breakout:deleteTemplate': notYet,
};
