import type { Ack } from './ack.js';
import type { CommandName, CommandPayload, CommandResults } from './commands.js';
import type { FactName, FactPayload } from './facts.js';
import type { Role } from './model.js';

/** Socket.IO typed maps, derived from the schemas so the two can never drift apart. */
export type ClientToServerEvents = {
  [K in CommandName]: (payload: CommandPayload<K>, ack: (res: Ack<CommandResults[K]>) => void) => void;
};

export type ServerToClientEvents = {
  [K in FactName]: (payload: FactPayload<K>) => void;
};

import type { z } from 'zod';
import type { HandshakeAuthSchema } from './handshake.js';

export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

/** Per-socket data the server keeps after the handshake. */
export interface SocketData {
  participantId: string;
  eventId: string;
  role: Role;
  /** Server only: the event's key generation in the token ([SEC10]), checked on every privileged command. */
  keyGeneration?: number;
  /** Server only: when this socket connected (server ms) and its latest heartbeat round trip ([QUIZ35]). */
  connectedAtMs?: number;
  rttMs?: number;
}
