/** Every error a command ack, a REST response or a refused handshake can carry. */
export const ErrorCode = {
  /** The payload failed its schema; nothing was changed. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Missing, expired or forged participant token. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** The sender's role may not send this command. */
  FORBIDDEN: 'FORBIDDEN',
  /** The participant was banned by a moderator. */
  BANNED: 'BANNED',
  NOT_FOUND: 'NOT_FOUND',
  /** The command does not fit the current state (for example voting on a closed poll). */
  INVALID_STATE: 'INVALID_STATE',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The client was built for another PROTOCOL_VERSION: it must reload. */
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  /** The handshake came from a page on another site (cross-site WebSocket hijacking). */
  ORIGIN_REJECTED: 'ORIGIN_REJECTED',
  /** [OPS51] The event was archived by the organiser: it can be read and exported, not changed. */
  EVENT_ARCHIVED: 'EVENT_ARCHIVED',
  /**
   * [REL1] The store did not answer within the deadline, or is unreachable; [OPS31] [OPS33] or the node is
   * shutting down: retry the same command id after retryAfterMs.
   */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface RallyErrorBody {
  code: ErrorCode;
  message: string;
  /**
   * [PROTO10] RATE_LIMITED: how long until the same action would be accepted, so clients can wait
   * without parsing the text. [REL1] UNAVAILABLE: when it is worth trying again (with the same command id).
   */
  retryAfterMs?: number;
}

/** Thrown by domain and store code; turned into an error ack or HTTP response at the edge. */
export class RallyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RallyError';
  }
  toBody(): RallyErrorBody {
    return this.retryAfterMs === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/** [PROTO10] A spent budget: the wait travels as a number as well as in the message. */
export const rateLimited = (message: string, retryAfterMs: number): RallyError => new RallyError(ErrorCode.RATE_LIMITED, message, Math.max(0, Math.ceil(retryAfterMs)));

/**
 * [REL1] The store did not answer in time or is unreachable. Retryable: a retry with the same
 * command id is applied at most once (the idempotency record decides).
 */
export const unavailable = (message: string, retryAfterMs: number): RallyError => new RallyError(ErrorCode.UNAVAILABLE, message, Math.max(0, Math.ceil(retryAfterMs)));

export const isRallyError = (e: unknown): e is RallyError => e instanceof RallyError;
