import type { RequestHandler } from 'express';
import { storeUnavailable } from '../deadline.js';

/** Exports read a whole event: a large one may legitimately take longer than a command. */
const EXPORT_PATH = /\.(csv|xlsx|json)$/;
const LONG_DEADLINE_FACTOR = 20;

/**
 * [REL1] [REL3] Every REST request is answered within its deadline: a store that hangs turns it into
 * 503 UNAVAILABLE with retryAfterMs (and Retry-After), never a request left open for the whole
 * outage. Mounted before durableResponses so the refusal is written at once; whatever the handler
 * sends later is dropped (the errors handler ignores a response already sent).
 */
export function requestDeadline(ms: number, readsOwnBody: (url: string) => boolean): RequestHandler {
  return (req, res, next) => {
    // Exports, and routes that read their own (large) bodies after this point: an upload over a
    // venue's Wi-Fi is not a store outage.
    const long = EXPORT_PATH.test(req.path) || readsOwnBody(req.originalUrl);
    const limit = long ? ms * LONG_DEADLINE_FACTOR : ms;
    const end = res.end.bind(res) as (...args: unknown[]) => unknown;
    let answered = false;
    res.end = ((...args: unknown[]) => {
      if (answered) return res;
      answered = true;
      clearTimeout(timer);
      return end(...args);
    }) as typeof res.end;
    const timer = setTimeout(() => {
      if (answered || res.headersSent) return;
      answered = true;
      const body = storeUnavailable().toBody();
      res.statusCode = 503;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('retry-after', String(Math.max(1, Math.ceil((body.retryAfterMs ?? 1000) / 1000))));
      end(JSON.stringify({ error: body }));
    }, limit);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
