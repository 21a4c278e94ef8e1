import type { CommandName } from '@rally/shared';

/**
 * [OPS62] Commands that may be anonymous to everyone who reads Rally's data: a vote (polls are
 * anonymous by default) and a survey's answers (surveys can be). Whether this poll or survey is
 * anonymous is the domain's to read, so their log lines never name the sender at all; a question is
 * anonymous when its payload says so.
 */
const MAY_BE_ANONYMOUS: ReadonlySet<CommandName> = new Set<CommandName>(['poll:vote', 'survey:submit']);

export function isAnonymousAction(name: CommandName, payload: unknown): boolean {
  if (MAY_BE_ANONYMOUS.has(name)) return true;
  return name === 'question:submit' && (payload as { anonymous?: unknown } | null)?.anonymous !== false;
}

/**
 * [OPS60] What a command's log line says: which event, who (unless anonymous), which command, how
 * long it took. Never the payload: it is the participant's (question text, answers), and the one
 * place a client could put a token or key.
 */
export function commandLogFields(
  name: CommandName,
  payload: unknown,
  who: { eventId: string; participantId: string },
  latencyMs: number,
): { eventId: string; participantId?: string; command: CommandName; latencyMs: number } {
  const fields = { eventId: who.eventId, command: name, latencyMs: Math.round(latencyMs * 10) / 10 };
  return isAnonymousAction(name, payload) ? fields : { ...fields, participantId: who.participantId };
}
