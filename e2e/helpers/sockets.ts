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

/** A page whose server frames can be held back for a while (see `holdable`). */
export interface Holdable {
  prepare: Prepare;
  /** From the next server frame matching `after` (once it has reached the page), hold the frames that follow; resolves then. */
  holdAfter(after: RegExp): Promise<void>;
  /** Delivers the held frames in order and stops holding. */
  release(): void;
}

/**
 * A browser that can be kept on a screen the server moves on from by itself: once a frame matching
 * `holdAfter` has reached the page, the frames after it wait until `release()`, so a 3 s screen (a
 * quiz's "get ready") stays up for as long as a check of it needs. Engine.IO pings still pass, so the
 * connection stays up; nothing is dropped or changed, only delivered later.
 */
export function holdable(): Holdable {
  let armed: { after: RegExp; engaged: () => void } | null = null;
  let holding = false;
  const held: (() => void)[] = [];
  return {
    prepare: (page) =>
      page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((msg) => server.send(msg));
        server.onMessage((msg) => {
          if (holding && msg !== '2') {
            held.push(() => ws.send(msg));
            return;
          }
          ws.send(msg);
          if (armed && typeof msg === 'string' && armed.after.test(msg)) {
            holding = true;
            armed.engaged();
            armed = null;
          }
        });
      }),
    holdAfter: (after) => new Promise<void>((resolve) => (armed = { after, engaged: resolve })),
    release() {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}
