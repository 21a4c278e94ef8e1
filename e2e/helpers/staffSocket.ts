import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { PROTOCOL_VERSION, type CommandName, type CommandPayload, type CommandResults } from '@rally/shared';
import { io, type Socket } from 'socket.io-client';
import { BASE_URL } from '../env';

/**
 * A staff member scripted over the real protocol (socket.io-client, a key from the organiser's
 * link), as docs/PROTOCOL.md tells a stranger to do. Specs about what attendees see use it for the
 * control desk's part, so they do not depend on how the staff screens lay out their buttons.
 */
export interface StaffSocket {
  send<N extends CommandName>(name: N, payload: Omit<CommandPayload<N>, 'id'>): Promise<CommandResults[N]>;
  close(): void;
}

export async function staffSocket(request: APIRequestContext, link: string, code: string, name: string): Promise<StaffSocket> {
  const key = new URL(link).hash.replace(/^#key=/, '');
  const res = await request.post('/api/join', { data: { code, name, key } });
  if (!res.ok()) throw new Error(`staff join failed: ${res.status()} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  const socket: Socket = io(BASE_URL, { auth: { token, protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    async send(name, payload) {
      const ack = (await socket.timeout(10_000).emitWithAck(name, { id: randomUUID(), ...payload })) as
        | { ok: true; data: unknown }
        | { ok: false; error: { code: string; message: string } };
      if (!ack.ok) throw new Error(`${name} refused: ${ack.error.code} ${ack.error.message}`);
      return ack.data as never;
    },
    close: () => void socket.close(),
  };
}
