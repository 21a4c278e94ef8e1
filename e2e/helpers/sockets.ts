import type { Page } from '@playwright/test';

/** Runs on a fresh page before it first navigates (so a socket route is in place for its first connection). */
export type Prepare = (page: Page) => Promise<void> | void;

/**
 * A browser that misses some server messages: Socket.IO frames from the server matching `drop` never
 * reach the page, so it keeps offering what the server will now refuse. `reply`, when it returns a
 * frame, answers a page frame in the server's place (a race the server decided the other way).
 */
export function missing(drop: RegExp, reply?: (frame: string) => string | null): Prepare {
  return (page) =>
    page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((msg) => {
        if (typeof msg === 'string' && drop.test(msg)) return;
        ws.send(msg);
      });
      ws.onMessage((msg) => {
        const answer = typeof msg === 'string' && reply ? reply(msg) : null;
        if (answer !== null) ws.send(answer);
        else server.send(msg);
      });
    });
}
