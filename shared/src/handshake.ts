import { z } from 'zod';

/** What the client sends in Socket.IO's `auth` on every (re)connection. */
export const HandshakeAuthSchema = z.object({
  token: z.string().min(1).max(2000),
  protocolVersion: z.number().int(),
});
