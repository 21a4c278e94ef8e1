import type { Socket } from 'socket.io-client';
import { connectStaff, joinAs, type BenchEvent } from './rally.js';
import { commandId, hrMs } from './util.js';

export type StaffRole = 'moderator' | 'presenter';

/** Rally's per-participant budget is 30 commands per 10 s (server/src/realtime/rate-limits.ts); stay under it. */
const BUDGET = { commands: 25, windowMs: 10_000 };
/** More staff than this per role means something else is wrong; fail instead of joining forever. */
const MAX_PER_ROLE = 12;

interface Member {
  s: Socket;
  /** hrMs() of the commands sent in the last window. */
  recent: number[];
}

export interface StaffAck<T> {
  data: T;
  ms: number;
}

/**
 * Moderator and presenter sockets held by the runner, which drive the scenarios (create, launch
 * and close polls, approve questions, read final tallies). Every participant has one command
 * budget, and a benchmark sends more staff commands in a few seconds than a person would (B2
 * launches and closes a poll per round), so each role is a small pool: a command goes to a member
 * with budget left, and a new member joins when none has. The first member of a role is also the
 * one whose received facts a scenario may read (`first`).
 */
export class StaffPool {
  private members: Record<StaffRole, Member[]> = { moderator: [], presenter: [] };
  private joined = 0;

  constructor(
    private readonly url: string,
    private readonly ev: BenchEvent,
  ) {}

  async first(role: StaffRole): Promise<Socket> {
    return (await this.pick(role, false)).s;
  }

  /** Sends an acked command as `role`; rejects on a refused ack. */
  async command<T = unknown>(role: StaffRole, name: string, payload: Record<string, unknown>, timeoutMs = 15_000): Promise<StaffAck<T>> {
    const m = await this.pick(role, true);
    const t0 = hrMs();
    m.recent.push(t0);
    const ack = (await m.s.timeout(timeoutMs).emitWithAck(name, { id: commandId('st'), ...payload })) as { ok?: boolean; data?: T; error?: { code?: string; message?: string } };
    if (!ack?.ok) throw new Error(`${name} refused: ${ack?.error?.code ?? '?'} ${ack?.error?.message ?? ''}`);
    return { data: ack.data as T, ms: hrMs() - t0 };
  }

  close(): void {
    for (const list of Object.values(this.members)) for (const m of list) m.s.disconnect();
    this.members = { moderator: [], presenter: [] };
  }

  private async pick(role: StaffRole, spend: boolean): Promise<Member> {
    const list = this.members[role];
    const now = hrMs();
    for (const m of list) {
      m.recent = m.recent.filter((t) => now - t < BUDGET.windowMs);
      if (!spend || m.recent.length < BUDGET.commands) return m;
    }
    if (list.length >= MAX_PER_ROLE) throw new Error(`staff pool: ${MAX_PER_ROLE} ${role}s all out of command budget`);
    const key = role === 'moderator' ? this.ev.moderatorKey : this.ev.presenterKey;
    const { token } = await joinAs(this.url, this.ev.code, `bench ${role} ${++this.joined}`, key);
    const m: Member = { s: await connectStaff(this.url, token), recent: [] };
    list.push(m);
    return m;
  }
}
