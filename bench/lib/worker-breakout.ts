/**
 * The load process's side of B7 (breakout rooms): each client waits for its `breakout:assigned`
 * of the round, which carries its room's video token ([BRK45]); as the web client does, a client
 * whose place came without one asks at once (`breakout:videoToken`); later every client asks again
 * at the same moment (a token refresh, to
 * measure a token alone); and after close-all each client waits to be told it is back on the stage
 * (`breakout:assigned` with roomId null). It records every room each client was told, so the
 * runner can check nobody was in two rooms or none.
 *
 * Bounded: one token request per client per phase, every ack has a timeout, every wait a deadline.
 */
import type { Socket } from 'socket.io-client';
import { Hist } from './hist.js';
import type { BrkArmArgs, BrkBackArgs, BrkBackResult, BrkOpenArgs, BrkOpenResult, BrkRefreshArgs, BrkRefreshResult } from './worker-protocol.js';
import { commandId, hrMs, hrStampToMs, sleep } from './util.js';

export interface BreakoutClient {
  s: Socket | null;
  connected: boolean;
  participantId: string;
}

type AckReply = { ok?: boolean; data?: { roomId?: string; token?: string }; error?: { code?: string } };

interface Rec {
  c: BreakoutClient;
  /** Every room this client was told it is in (non-null roomIds of breakout:assigned). */
  rooms: Set<string>;
  roomId: string | null;
  assignedAt: number;
  stampAt: number;
  /** 'ok', an error code, 'timeout', or '' while pending / never sent. */
  token: string;
  tokenAt: number;
  tokenAckMs: number;
  /** The token's room is the room this client was told. */
  tokenRoomOk: boolean;
  backAt: number;
  backStampAt: number;
  /** Facts with roomId null after the client had a room. */
  backFacts: number;
  frame: string | null;
}

let recs: Rec[] = [];
let cleanup: (() => void)[] = [];
/** The round as an attendee receives it (breakout:roundChanged: the lean view, [BRK51]), bytes of its frame. */
let roundFrameBytes = 0;

const isStamp = (x: unknown): x is string => typeof x === 'string' && /^\d{10,20}$/.test(x);

function askToken(r: Rec, roundId: string, ackTimeoutMs: number, done: (outcome: string, ackMs: number, roomId: string | undefined) => void): void {
  const t0 = hrMs();
  r.c.s!.timeout(ackTimeoutMs)
    .emitWithAck('breakout:videoToken', { id: commandId('bv'), roundId })
    .then(
      (ack: AckReply) => done(ack?.ok && typeof ack.data?.token === 'string' ? 'ok' : (ack?.error?.code ?? 'refused'), hrMs() - t0, ack?.data?.roomId),
      () => done('timeout', hrMs() - t0, undefined),
    );
}

/** Whether this process has kept its sample of a place's frame (one is enough for the report). */
let framed = false;

export function brkArm(clients: BreakoutClient[], a: BrkArmArgs): { armed: number } {
  for (const f of cleanup) f();
  cleanup = [];
  recs = [];
  roundFrameBytes = 0;
  framed = false;
  const watcher = clients.find((c) => c.connected && c.s)?.s;
  if (watcher) {
    const onRound = (p: { id?: string; status?: string }, extra?: unknown) => {
      if (p?.id !== a.roundId || p.status !== 'open' || roundFrameBytes) return;
      roundFrameBytes = Buffer.byteLength(`42${JSON.stringify(['breakout:roundChanged', p, ...(extra === undefined ? [] : [extra])])}`);
    };
    // [BRK85] A placed attendee gets the opened round inside their place, not apart: the same view.
    const onPlace = (p: { round?: { id?: string; status?: string } }) => p?.round && onRound(p.round);
    watcher.on('breakout:roundChanged', onRound);
    watcher.on('breakout:assigned', onPlace);
    cleanup.push(() => watcher.off('breakout:roundChanged', onRound), () => watcher.off('breakout:assigned', onPlace));
  }
  for (const c of clients) {
    if (!c.connected || !c.s) continue;
    const s = c.s;
    const r: Rec = { c, rooms: new Set(), roomId: null, assignedAt: NaN, stampAt: NaN, token: '', tokenAt: NaN, tokenAckMs: NaN, tokenRoomOk: false, backAt: NaN, backStampAt: NaN, backFacts: 0, frame: null };
    recs.push(r);
    const onAssigned = (p: { roundId?: string; roomId?: string | null; video?: { token?: unknown; roomId?: string } }, extra?: unknown) => {
      if (p?.roundId !== a.roundId) return;
      if (typeof p.roomId === 'string') {
        r.rooms.add(p.roomId);
        if (r.roomId !== null) return;
        r.roomId = p.roomId;
        r.assignedAt = hrMs();
        if (isStamp(extra)) r.stampAt = hrStampToMs(extra);
        // One sample per load process is what the report shows: encoding every place again here
        // would take CPU from the servers on a small machine.
        if (!framed) {
          framed = true;
          r.frame = `42${JSON.stringify(['breakout:assigned', p, ...(extra === undefined ? [] : [extra])])}`;
        }
        if (typeof p.video?.token === 'string') {
          // [BRK45] The place came with its token: in hand with the room.
          r.token = 'ok';
          r.tokenAt = r.assignedAt;
          r.tokenRoomOk = p.video.roomId === p.roomId;
          return;
        }
        // The web client asks for its room's call as soon as it knows the room, if it came without.
        askToken(r, a.roundId, a.ackTimeoutMs, (outcome, ackMs, roomId) => {
          r.token = outcome;
          r.tokenAt = hrMs();
          r.tokenAckMs = ackMs;
          r.tokenRoomOk = outcome === 'ok' && roomId === r.roomId;
        });
      } else if (p.roomId === null && r.roomId !== null) {
        r.backFacts++;
        if (r.backFacts > 1) return;
        r.backAt = hrMs();
        if (isStamp(extra)) r.backStampAt = hrStampToMs(extra);
      }
    };
    s.on('breakout:assigned', onAssigned);
    cleanup.push(() => s.off('breakout:assigned', onAssigned));
  }
  return { armed: recs.length };
}

/** Waits until every armed, connected client holds its token (or was refused, or timed out), then reports. */
export async function brkOpened(a: BrkOpenArgs): Promise<BrkOpenResult> {
  const deadline = hrMs() + a.timeoutMs;
  while (hrMs() < deadline && recs.some((r) => r.token === '' && r.c.connected)) await sleep(20);
  const assigned = new Hist();
  const token = new Hist();
  const tokenAck = new Hist();
  const stamped = new Hist();
  const refusals: Record<string, number> = {};
  const out: BrkOpenResult = {
    clients: recs.length,
    assigned: 0,
    inTwoRooms: 0,
    inNoRoom: 0,
    tokensOk: 0,
    tokenRoomOk: 0,
    refusals,
    timedOut: 0,
    assignedMs: assigned.toJSON(),
    tokenMs: token.toJSON(),
    tokenAckMs: tokenAck.toJSON(),
    stampedMs: stamped.toJSON(),
    lastAssignedAt: NaN,
    lastTokenAt: NaN,
    placements: [],
    frame: null,
    roundFrameBytes: 0,
  };
  let lastAssigned = -Infinity;
  let lastToken = -Infinity;
  for (const r of recs) {
    if (r.rooms.size > 1) out.inTwoRooms++;
    if (r.roomId === null) {
      out.inNoRoom++;
      continue;
    }
    out.assigned++;
    out.placements.push([r.c.participantId, r.roomId]);
    out.frame ??= r.frame;
    assigned.record(r.assignedAt - a.openAtMs);
    lastAssigned = Math.max(lastAssigned, r.assignedAt);
    if (Number.isFinite(r.stampAt)) stamped.record(r.assignedAt - r.stampAt);
    if (r.token === 'ok') {
      out.tokensOk++;
      if (r.tokenRoomOk) out.tokenRoomOk++;
      token.record(r.tokenAt - a.openAtMs);
      if (Number.isFinite(r.tokenAckMs)) tokenAck.record(r.tokenAckMs);
      lastToken = Math.max(lastToken, r.tokenAt);
    } else if (r.token === 'timeout') out.timedOut++;
    else if (r.token) refusals[r.token] = (refusals[r.token] ?? 0) + 1;
  }
  out.assignedMs = assigned.toJSON();
  out.tokenMs = token.toJSON();
  out.tokenAckMs = tokenAck.toJSON();
  out.stampedMs = stamped.toJSON();
  out.lastAssignedAt = Number.isFinite(lastAssigned) ? lastAssigned : NaN;
  out.lastTokenAt = Number.isFinite(lastToken) ? lastToken : NaN;
  out.roundFrameBytes = roundFrameBytes;
  return out;
}

/** Every client holding a room asks for its token again, all at `startAtMs` (shared clock): the token alone. */
export async function brkRefresh(a: BrkRefreshArgs): Promise<BrkRefreshResult> {
  const live = recs.filter((r) => r.roomId !== null && r.c.connected);
  const ack = new Hist();
  const refusals: Record<string, number> = {};
  let ok = 0;
  let pending = live.length;
  let lastAckAt = NaN;
  await sleep(Math.max(0, a.startAtMs - hrMs()));
  const firstSendAt = hrMs();
  for (const r of live) {
    askToken(r, a.roundId, a.ackTimeoutMs, (outcome, ackMs) => {
      pending--;
      if (outcome === 'ok') {
        ok++;
        ack.record(ackMs);
        lastAckAt = hrMs();
      } else refusals[outcome] = (refusals[outcome] ?? 0) + 1;
    });
  }
  const deadline = hrMs() + a.timeoutMs;
  while (pending > 0 && hrMs() < deadline) await sleep(20);
  return { sent: live.length, ok, refusals, ackMs: ack.toJSON(), firstSendAt, lastAckAt };
}

/** After close-all: waits until every client that had a room is told it is back on the stage. */
export async function brkBack(a: BrkBackArgs): Promise<BrkBackResult> {
  const placed = recs.filter((r) => r.roomId !== null);
  const deadline = hrMs() + a.timeoutMs;
  while (hrMs() < deadline && placed.some((r) => Number.isNaN(r.backAt) && r.c.connected)) await sleep(20);
  const fromClose = new Hist();
  const stamped = new Hist();
  let back = 0;
  let early = 0;
  let extra = 0;
  let lastBackAt = -Infinity;
  for (const r of placed) {
    extra += Math.max(0, r.backFacts - 1);
    if (Number.isNaN(r.backAt)) continue;
    back++;
    // Told before the round actually closed (the countdown is the rooms' time: nobody leaves early).
    if (r.backAt < a.closesAtMs - a.toleranceMs) early++;
    fromClose.record(Math.max(0, r.backAt - a.closesAtMs));
    if (Number.isFinite(r.backStampAt)) stamped.record(r.backAt - r.backStampAt);
    lastBackAt = Math.max(lastBackAt, r.backAt);
  }
  for (const f of cleanup) f();
  cleanup = [];
  return { expected: placed.length, back, early, extra, fromCloseMs: fromClose.toJSON(), stampedMs: stamped.toJSON(), lastBackAt: Number.isFinite(lastBackAt) ? lastBackAt : NaN };
}
