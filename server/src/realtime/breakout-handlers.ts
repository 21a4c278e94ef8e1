import { ErrorCode, RallyError, type CommandName, type CommandPayload, type CommandResults } from '@rally/shared';
import type { BreakoutRoundStore } from '../store/breakout-store.js';
import { breakoutVideoToken } from '../domain/breakout/video.js';
import type { CommandContext } from './handlers.js';

type BreakoutCommand = Extract<CommandName, `breakout:${string}`>;
type BreakoutHandlers = { [K in BreakoutCommand]: (ctx: CommandContext, payload: CommandPayload<K>) => Promise<CommandResults[K]> };

const notYet = async (): Promise<never> => {
  throw new RallyError(ErrorCode.UNAVAILABLE, 'breakout rounds are not available on this server yet');
};

/**
 * Seam until the rounds store is part of Store (branch brkcore): the round reads video needs, or
 * UNAVAILABLE like the other breakout commands. Once Store extends BreakoutRoundStore this is always true.
 */
function hasRounds<S extends object>(store: S): store is S & Pick<BreakoutRoundStore, 'getRound' | 'roomOf'> {
  return 'getRound' in store && 'roomOf' in store;
}

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
  async 'breakout:videoToken'(ctx, p) {
    const { store } = ctx.deps;
    if (!hasRounds(store)) return notYet();
    return breakoutVideoToken({ store, breakoutMedia: ctx.deps.breakoutMedia }, ctx, { roundId: p.roundId, roomId: p.roomId });
  },
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
