import { ErrorCode, RallyError, type CommandName, type CommandPayload, type CommandResults } from '@rally/shared';
import { breakoutVideoToken } from '../domain/breakout/video.js';
import { askHelp, takeHelp } from '../domain/breakout/help.js';
import { assignRound, chooseRoom, moveParticipant, swapParticipants } from '../domain/breakout/placement.js';
import { broadcastToRooms, closeRound, createRound, deleteRound, extendRound, openRound, updateRound } from '../domain/breakout/rounds.js';
import { deleteTemplate, roundFromTemplate, saveTemplate } from '../domain/breakout/templates.js';
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

/** Reads that keep no idempotency record: a retry reads afresh, and a room's whole chat is not worth storing per call. */
export const BREAKOUT_READS = ['breakout:readChat', 'breakout:myFeedback'] as const satisfies readonly CommandName[];

/** [BRK61] Room chat spends the participant's stage chat budget: one chat budget per person. */
const roomsDeps = (ctx: CommandContext): RoomsDeps => ({ ...ctx.deps, chatBudget: ctx.deps.stage.budgets.chat });

/** [BRK10..] Thin adapters from a validated, authorised breakout command to its domain function. */
export const breakoutHandlers: BreakoutHandlers = {
  'breakout:create': (ctx, p) => createRound(ctx.deps, ctx.eventId, p.sessionId, p.draft),
  'breakout:update': (ctx, p) => updateRound(ctx.deps, ctx.eventId, p.roundId, p.draft, p.sessionId),
  'breakout:delete': (ctx, p) => deleteRound(ctx.deps, ctx.eventId, p.roundId),
  'breakout:assign': (ctx, p) => assignRound(ctx.deps, ctx.eventId, p.roundId, p.strategy),
  'breakout:move': (ctx, p) => moveParticipant(ctx.deps, ctx.eventId, p.roundId, p.participantId, p.roomId),
  'breakout:swap': (ctx, p) => swapParticipants(ctx.deps, ctx.eventId, p.roundId, p.a, p.b),
  'breakout:open': (ctx, p) => openRound(ctx.deps, ctx.eventId, p.roundId),
  'breakout:extend': (ctx, p) => extendRound(ctx.deps, ctx.eventId, p.roundId, p.seconds),
  'breakout:broadcast': (ctx, p) => broadcastToRooms(ctx.deps, ctx.eventId, p.roundId, p.text),
  'breakout:close': (ctx, p) => closeRound(ctx.deps, ctx.eventId, p.roundId),
  'breakout:choose': (ctx, p) => chooseRoom(ctx.deps, ctx.eventId, ctx.participantId, p.roundId, p.roomId),
  'breakout:videoToken': (ctx, p) => breakoutVideoToken(ctx.deps, ctx, { roundId: p.roundId, roomId: p.roomId }),
  'breakout:askHelp': (ctx, p) => askHelp(ctx.deps, ctx.eventId, ctx.participantId, p.roundId),
  'breakout:takeHelp': (ctx, p) => takeHelp(ctx.deps, ctx.eventId, ctx.participantId, p.helpId),
  'breakout:chat': (ctx, p) => postRoomChat(roomsDeps(ctx), ctx.eventId, ctx.participantId, p),
  'breakout:deleteChat': (ctx, p) => deleteRoomChat(ctx.deps, ctx.eventId, p),
  'breakout:readChat': (ctx, p) => readRoomChat(ctx.deps, ctx.eventId, p),
  'breakout:takeaway': (ctx, p) => submitTakeaway(ctx.deps, ctx.eventId, ctx.participantId, p),
  'breakout:pollTakeaways': (ctx, p) => pollTakeaways(ctx.deps, ctx.eventId, p),
  'breakout:score': (ctx, p) => submitScorecard(ctx.deps, ctx.eventId, ctx.participantId, p),
  'breakout:myFeedback': (ctx, p) => myFeedback(ctx.deps, ctx.eventId, ctx.participantId, p.roundId),
  'breakout:saveTemplate': (ctx, p) => saveTemplate(ctx.deps, ctx.eventId, p.roundId, p.name),
  'breakout:fromTemplate': (ctx, p) => roundFromTemplate(ctx.deps, ctx.eventId, p.templateId, p.sessionId),
  'breakout:deleteTemplate': (ctx, p) => deleteTemplate(ctx.deps, ctx.eventId, p.templateId),
};
