/**
 * Bumped whenever a command or fact changes shape. The server refuses a handshake from a client
 * built against another version, so a stale browser tab is told to reload instead of sending
 * payloads the server would misread.
 */
export const PROTOCOL_VERSION = 1 as const;
