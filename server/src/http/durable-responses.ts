import type { RequestHandler } from 'express';
import { ErrorCode } from '@rally/shared';
import type { Store } from '../store/store.js';

/**
 * [STORE39] A REST response leaves only once the writes made before it are committed: the SQLite
 * store commits in groups, one per event-loop turn, so `res.end` waits for the open group. A lost
 * group turns the response into a 503 (the client's retry is safe: writes are idempotent or
 * refused as duplicates); a response already streaming is cut off instead.
 */
export function durableResponses(store: Pick<Store, 'durable'>): RequestHandler {
  return (_req, res, next) => {
    const end = res.end.bind(res) as (...args: unknown[]) => unknown;
    res.end = ((...args: unknown[]) => {
      store.durable().then(
        () => end(...args),
        () => {
          if (res.headersSent) return void res.destroy();
          res.statusCode = 503;
          res.removeHeader('content-length');
          res.setHeader('content-type', 'application/json; charset=utf-8');
          end(JSON.stringify({ error: { code: ErrorCode.UNAVAILABLE, message: 'the change could not be saved; please try again' } }));
        },
      );
      return res;
    }) as typeof res.end;
    next();
  };
}
