import { expect, type APIRequestContext } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type CommandName, type CommandResults } from '@rally/shared';
import { BASE_URL } from '../env';

/*
 * Scripted participants: real socket.io-client connections from the test process, for scenes that
 * need many voters or moderator steps whose UI other specs already cover (the stage-fit spec sets
 * up a full poll or wall this way, then looks only at the projector).
 */

/** The key inside an organiser link (`...#key=K`). */
export const keyOf = (link: string) => new URL(link).hash.replace(/^#key=/, '');

let seq = 0;
const cmdId = () => `e2e-${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export interface Driver {
  socket: Socket;
  participantId: string;
  /** Sends a command and returns its ack data; a refusal fails the test with the server's error. */
  send<N extends CommandName>(name: N, payload: Record<string, unknown>): Promise<CommandResults[N]>;
  /** Resolves with the first fact `name` (after this call) whose payload satisfies `pred`. */
  waitFor<T = unknown>(name: string, pred?: (p: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): void;
}

/** Joins through POST /api/join (an attendee, or staff with a key) and connects a socket. */
export async function drive(request: APIRequestContext, code: string, who: { name: string; team?: string; mode?: 'room' | 'remote'; key?: string }): Promise<Driver> {
  const res = await request.post('/api/join', { data: { code, ...who } });
  expect(res.status(), await res.text()).toBe(200);
  const { token, participant } = (await res.json()) as { token: string; participant: { id: string } };
  const socket = io(BASE_URL, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    participantId: participant.id,
    async send(name, payload) {
      const ack = (await socket.timeout(10_000).emitWithAck(name, { id: cmdId(), ...payload })) as { ok: boolean; data?: unknown; error?: { code: string; message: string } };
      if (!ack.ok) throw new Error(`${name} refused: ${ack.error?.code} ${ack.error?.message}`);
      return ack.data as never;
    },
    waitFor(name, pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const on = (p: unknown) => {
          if (pred && !pred(p as never)) return;
          clearTimeout(timer);
          socket.off(name, on);
          resolve(p as never);
        };
        const timer = setTimeout(() => {
          socket.off(name, on);
          reject(new Error(`timed out waiting for ${name}`));
        }, timeoutMs);
        socket.on(name, on);
      });
    },
    close: () => socket.disconnect(),
  };
}

/** `n` attendees, connected in small batches (the machine is shared). */
export async function crowd(request: APIRequestContext, code: string, n: number, who: (i: number) => { name: string; team?: string; mode?: 'room' | 'remote' }): Promise<Driver[]> {
  const out: Driver[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => drive(request, code, who(i + j))));
    out.push(...batch);
  }
  return out;
}
