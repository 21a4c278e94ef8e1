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
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface RallyErrorBody {
  code: ErrorCode;
  message: string;
}

/** Thrown by domain and store code; turned into an error ack or HTTP response at the edge. */
export class RallyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RallyError';
  }
  toBody(): RallyErrorBody {
    return { code: this.code, message: this.message };
  }
}

export const isRallyError = (e: unknown): e is RallyError => e instanceof RallyError;
