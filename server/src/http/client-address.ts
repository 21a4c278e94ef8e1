import type { IncomingHttpHeaders } from 'node:http';
import type { Express } from 'express';

/**
 * [SEC3] The client's address for a request Express never sees (the Socket.IO handshake), by
 * Express's own rule: `req.ip` on a view of the headers and peer address, so the socket and the
 * REST routes trust exactly the same proxies (app.ts sets `trust proxy` from TRUST_PROXY).
 */
export function clientAddressOf(app: Express): (headers: IncomingHttpHeaders, remoteAddress: string) => string {
  return (headers, remoteAddress) => {
    const view = Object.create(app.request, { headers: { value: headers }, socket: { value: { remoteAddress } } }) as { ip?: string };
    return view.ip ?? remoteAddress;
  };
}
