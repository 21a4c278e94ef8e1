import type { APIRequestContext, Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type CommandName, type CommandPayload, type CommandResults, type JoinResponse } from '@rally/shared';
import { BASE_URL } from '../env';

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

/**
 * A participant driven from the test runner over a real socket.io-client connection: the quick way
 * to give a screen a busy event (eight closed polls, a queue of questions) without clicking it into
 * being, and a second person who acts while a browser watches.
 */
export interface SocketPerson {
  participantId: string;
  send<N extends CommandName>(name: N, fields: Omit<CommandPayload<N>, 'id'>): Promise<CommandResults[N]>;
  close(): void;
}

let commandSeq = 0;

/** Joins through POST /api/join (a staff key from an organiser link, or none for an attendee) and connects. */
export async function socketPerson(
  request: APIRequestContext,
  who: { code: string; name: string; link?: string; mode?: 'room' | 'remote'; team?: string },
): Promise<SocketPerson> {
  const key = who.link ? new URL(who.link).hash.replace(/^#key=/, '') : undefined;
  const res = await request.post('/api/join', { data: { code: who.code, name: who.name, mode: who.mode ?? 'remote', team: who.team, key } });
  if (res.status() !== 200) throw new Error(`join failed: ${res.status()} ${await res.text()}`);
  const { token, participant } = (await res.json()) as JoinResponse;
  const socket = io(BASE_URL, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    participantId: participant.id,
    async send(name, fields) {
      const ack = (await socket.timeout(8000).emitWithAck(name, { ...fields, id: `e2e-${Date.now().toString(36)}-${++commandSeq}` })) as Ack<CommandResults[typeof name]>;
      if (!ack.ok) throw new Error(`${name} refused: ${ack.error.code} ${ack.error.message}`);
      return ack.data;
    },
    close: () => socket.disconnect(),
  };
}
