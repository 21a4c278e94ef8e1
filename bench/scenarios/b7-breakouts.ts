import { BREAKOUT_LIMITS } from '@rally/shared';
import { Hist } from '../lib/hist.js';
import { staffOf } from '../lib/audience.js';
import { idleCpuRate, nobodyConnected, workerStats, type Check, type Figure, type Scenario, type ScenarioContext, type ScenarioOutput } from '../lib/scenario.js';
import type { StaffPool } from '../lib/staff.js';
import { fmtCounts } from '../lib/storm.js';
import type { BrkBackResult, BrkOpenResult, BrkRefreshResult } from '../lib/worker-protocol.js';
import { createBreakoutRound } from '../lib/rally.js';
import { hrMs, round, sleep } from '../lib/util.js';
import { attendeesFor } from './b0-broadcast.js';

const ROOMS = BREAKOUT_LIMITS.roomsPerRound;
const TOKEN_P99_MS = 2_000;
const BACK_P99_MS = 2_000;
const ACK_TIMEOUT_MS = 20_000;
const COUNTDOWN_MS = BREAKOUT_LIMITS.closeCountdownSec * 1000;
/** 20 a room at 10,000; more when the audience is larger, so everyone fits. */
const capacityFor = (n: number) => Math.min(BREAKOUT_LIMITS.roomCapacityMax, Math.max(20, Math.ceil(n / ROOMS)));

interface Occupancy {
  roundId: string;
  rooms: Record<string, { assigned: string[]; inVideo: string[] }>;
  unassigned: string[];
}

/**
 * Server wall clock → the shared monotonic clock (hrMs). The server's times (closesAt) are ISO
 * strings on its clock; the snapshot's serverTime, taken halfway through a snapshot:request round
 * trip, gives its offset from this process's wall clock, and one reading of both clocks here the
 * rest. On one host the offset is ~0; the conversion is what a client does ([BRK13] countdown).
 */
async function serverClock(staff: StaffPool): Promise<{ toHr: (iso: string) => number; offsetMs: number; rttMs: number }> {
  const w0 = Date.now();
  const { data, ms } = await staff.command<{ serverTime: string }>('moderator', 'snapshot:request', {}, 60_000);
  const offsetMs = Date.parse(data.serverTime) - (w0 + ms / 2);
  const hrMinusWall = hrMs() - Date.now();
  return { toHr: (iso) => Date.parse(iso) - offsetMs + hrMinusWall, offsetMs, rttMs: ms };
}

/** Staff's view: each participant in exactly one room, none over capacity, and as each client was told. */
function checkOccupancy(occ: Occupancy | undefined, told: Map<string, string>, capacity: number) {
  const seen = new Map<string, number>();
  let overCapacity = 0;
  let mismatched = 0;
  if (!occ) return { people: 0, twice: 0, overCapacity: 0, mismatched: told.size, unassigned: -1, rooms: 0 };
  for (const [roomId, r] of Object.entries(occ.rooms)) {
    if (r.assigned.length > capacity) overCapacity++;
    for (const p of r.assigned) {
      seen.set(p, (seen.get(p) ?? 0) + 1);
      if (told.has(p) && told.get(p) !== roomId) mismatched++;
    }
  }
  for (const p of told.keys()) if (!seen.has(p)) mismatched++;
  const twice = [...seen.values()].filter((c) => c > 1).length;
  const roomsUsed = Object.values(occ.rooms).filter((r) => r.assigned.length > 0).length;
  return { people: seen.size, twice, overCapacity, mismatched, unassigned: occ.unassigned.length, rooms: roomsUsed };
}

/**
 * B7: every attendee into 500 breakout rooms and back. The organiser creates a round of 500 rooms
 * over REST (capacity 20, more for an audience over 10,000), audience everyone, random placement; a
 * moderator opens
 * it: the server fills it ([BRK30]) and tells each attendee its room (`breakout:assigned`, with its
 * room's video token signed in, [BRK45]; a client whose place came without one asks at once, as the
 * web client does). Measured: the
 * open ack, open → own assignment, open → own token in hand (the target); nobody in two rooms or
 * none, from what each client was told and from staff's occupancy (snapshot). Then every attendee
 * asks for its token again at one moment (a refresh: a token's cost alone). Then close-all: the
 * 30 s countdown runs, and from the moment the round actually closes (closesAt, converted from the
 * server's clock) each attendee must be told it is back on the stage (roomId null).
 */
export async function runBreakouts(ctx: ScenarioContext, n: number): Promise<ScenarioOutput> {
  const { audience: a } = await ctx.audience(n, { reserveMs: COUNTDOWN_MS + 25_000 });
  if (a.ramp.connected === 0) return nobodyConnected(n, a.ramp.stopReason === 'time' ? 'the ramp ran out of time' : 'no connection succeeded');
  const { target, workers } = a;
  const staff = staffOf(a);
  const before = await workerStats(workers);
  const capacity = capacityFor(n);
  const rooms = Array.from({ length: ROOMS }, (_, i) => ({ id: `r${i + 1}`, name: `Room ${i + 1}`, capacity }));

  // Over REST ([BRK5]): 500 rooms do not fit in one socket frame.
  const roundId = await createBreakoutRound(target.urls[0]!, target.adminToken, a.event.eventId, { title: 'Bench breakouts', durationSec: 1800, audience: 'everyone', strategy: { kind: 'random' }, rooms });
  let closed = false;
  try {
    await workers.all('brkArm', () => ({ roundId, ackTimeoutMs: ACK_TIMEOUT_MS }), 30_000);
    const idleMsPerMs = (await idleCpuRate(target)).msPerMs;
    const cpu = (s0: { cpuMs: number; at: number }, s1: { cpuMs: number; at: number }) => s1.cpuMs - s0.cpuMs - idleMsPerMs * (s1.at - s0.at);

    // Open: placement, every attendee's assignment, every attendee's token.
    ctx.log(`opening ${ROOMS} rooms (capacity ${capacity}) for ${a.ramp.connected} attendees`);
    await target.eldReset();
    const s0 = await target.sample();
    const openAtMs = hrMs();
    const openAck = staff.command<{ status: string; endsAt: string }>('moderator', 'breakout:open', { roundId }, 120_000);
    const opened: BrkOpenResult[] = await workers.all('brkOpened', () => ({ openAtMs, timeoutMs: 90_000 }), 120_000);
    const s1 = await target.sample();
    const eldOpen = await target.eldRead();
    const openMs = (await openAck).ms;
    const openH = new Hist();
    openH.record(openMs);

    const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((acc, x) => acc + f(x), 0);
    const o = {
      clients: sum(opened, (x) => x.clients),
      assigned: sum(opened, (x) => x.assigned),
      inTwoRooms: sum(opened, (x) => x.inTwoRooms),
      inNoRoom: sum(opened, (x) => x.inNoRoom),
      tokensOk: sum(opened, (x) => x.tokensOk),
      tokenRoomOk: sum(opened, (x) => x.tokenRoomOk),
      timedOut: sum(opened, (x) => x.timedOut),
    };
    const refusals: Record<string, number> = {};
    for (const x of opened) for (const [k, v] of Object.entries(x.refusals)) refusals[k] = (refusals[k] ?? 0) + v;
    const assignedH = Hist.mergeAll(opened.map((x) => x.assignedMs));
    const tokenH = Hist.mergeAll(opened.map((x) => x.tokenMs));
    const tokenAckH = Hist.mergeAll(opened.map((x) => x.tokenAckMs));
    const stampedH = Hist.mergeAll(opened.map((x) => x.stampedMs));
    const lastAssignedAt = Math.max(...opened.map((x) => x.lastAssignedAt).filter(Number.isFinite));
    const told = new Map(opened.flatMap((x) => x.placements));
    const frame = opened.find((x) => x.frame)?.frame ?? null;

    // Staff's view, straight from the store.
    const clock = await serverClock(staff);
    const snap = await staff.command<{ breakouts?: { occupancy?: Occupancy } }>('moderator', 'snapshot:request', {}, 60_000);
    const occ = checkOccupancy(snap.data.breakouts?.occupancy, told, capacity);

    // The token alone: everyone in a room asks again at one moment.
    await sleep(500);
    const r0 = await target.sample();
    const refresh: BrkRefreshResult[] = await workers.all('brkRefresh', () => ({ roundId, startAtMs: hrMs() + 300, ackTimeoutMs: ACK_TIMEOUT_MS, timeoutMs: 60_000 }), 90_000);
    const r1 = await target.sample();
    const refreshOk = sum(refresh, (x) => x.ok);
    const refreshSent = sum(refresh, (x) => x.sent);
    const refreshAck = Hist.mergeAll(refresh.map((x) => x.ackMs));
    const refreshSpan = Math.max(...refresh.map((x) => x.lastAckAt).filter(Number.isFinite)) - Math.min(...refresh.map((x) => x.firstSendAt));

    // Close all: the countdown, then everyone back on the stage.
    const { data: closing } = await staff.command<{ status: string; closesAt: string }>('moderator', 'breakout:close', { roundId }, 60_000);
    closed = true;
    // closesAt on the shared clock, right to within half the snapshot's round trip (allowed for below as 'early').
    const closesAtMs = clock.toHr(closing.closesAt);
    ctx.log(`closing: back on the stage in ${round((closesAtMs - hrMs()) / 1000, 1)} s`);
    await sleep(Math.max(0, closesAtMs - hrMs() - 1_500));
    await target.eldReset();
    const c0 = await target.sample();
    const backs: BrkBackResult[] = await workers.all('brkBack', () => ({ closesAtMs, toleranceMs: 50 + clock.rttMs / 2, timeoutMs: Math.max(0, closesAtMs - hrMs()) + 30_000 }), COUNTDOWN_MS + 60_000);
    const c1 = await target.sample();
    const eldClose = await target.eldRead();
    const after = await workerStats(workers);

    const back = {
      expected: sum(backs, (x) => x.expected),
      back: sum(backs, (x) => x.back),
      early: sum(backs, (x) => x.early),
      extra: sum(backs, (x) => x.extra),
    };
    const backH = Hist.mergeAll(backs.map((x) => x.fromCloseMs));
    const backStampH = Hist.mergeAll(backs.map((x) => x.stampedMs));

    const openCpuMs = cpu(s0, s1);
    const refreshCpuMs = cpu(r0, r1);
    const perTokenUs = refreshOk ? (refreshCpuMs / refreshOk) * 1000 : null;
    const perAttendeeOpenUs = o.tokensOk ? (openCpuMs / o.tokensOk) * 1000 : null;
    const closeCpuMs = cpu(c0, c1);
    const perBackUs = back.back ? (closeCpuMs / back.back) * 1000 : null;
    const redis = (x: { redisCpuMs: number | null }, y: { redisCpuMs: number | null }) => (x.redisCpuMs !== null && y.redisCpuMs !== null ? y.redisCpuMs - x.redisCpuMs : null);
    const redisOpen = redis(s0, s1);
    const unexpected = after.unexpectedDisconnects - before.unexpectedDisconnects;
    const connected = a.ramp.connected;
    const full = n >= 10_000;
    const p99 = (h: Hist) => round(h.percentile(99), 1);

    const figures: Figure[] = [
      { key: 'placed', label: 'attendees holding room and token / connected', value: `${o.tokensOk} / ${connected}`, headline: true },
      { key: 'openAck', label: 'breakout:open ack round trip (placement included)', value: round(openMs, 1), unit: 'ms', headline: true },
      { key: 'assignedP50', label: 'open → own breakout:assigned p50', value: round(assignedH.percentile(50), 1), unit: 'ms' },
      { key: 'assignedP99', label: 'open → own breakout:assigned p99', value: p99(assignedH), unit: 'ms' },
      { key: 'tokenP50', label: 'open → own room’s token in hand p50', value: round(tokenH.percentile(50), 1), unit: 'ms' },
      { key: 'tokenP99', label: 'open → own room’s token in hand p99', value: p99(tokenH), unit: 'ms', headline: true },
      { key: 'tokenMax', label: 'open → own room’s token in hand max', value: round(tokenH.max, 1), unit: 'ms' },
      ...(tokenAckH.n ? [{ key: 'tokenAckP99', label: `breakout:videoToken ack p99 (right after an assignment that came without its token: ${tokenAckH.n})`, value: p99(tokenAckH), unit: 'ms' }] : []),
      ...(stampedH.n ? [{ key: 'stampedP99', label: 'server stamp → own breakout:assigned p99', value: p99(stampedH), unit: 'ms' }] : []),
      { key: 'backP50', label: 'round closed (closesAt) → own back-on-stage p50', value: round(backH.percentile(50), 1), unit: 'ms' },
      { key: 'backP99', label: 'round closed (closesAt) → own back-on-stage p99', value: p99(backH), unit: 'ms', headline: true },
      { key: 'backMax', label: 'round closed (closesAt) → own back-on-stage max', value: round(backH.max, 1), unit: 'ms' },
      { key: 'cpuPerPlacement', label: 'server CPU per attendee, open → last token (placement + assignment with its token signed in)', value: round(perAttendeeOpenUs, 1), unit: 'µs', vs: 'cpuPerMessageUs', headline: true },
      { key: 'cpuPerToken', label: 'server CPU per token asked for (breakout:videoToken, everyone refreshing at once)', value: round(perTokenUs, 1), unit: 'µs', headline: true },
      { key: 'cpuPerBack', label: 'server CPU per attendee back on stage (close → last one back)', value: round(perBackUs, 1), unit: 'µs' },
      ...(redisOpen !== null ? [{ key: 'redisOpen', label: 'redis-server CPU, open → last token (/proc, 10 ms ticks)', value: round(redisOpen, 0), unit: 'ms' }] : []),
      { key: 'refreshAckP99', label: 'token refresh ack p99 (everyone at once)', value: p99(refreshAck), unit: 'ms' },
      { key: 'refreshSpan', label: 'token refresh: first sent → last token', value: round(refreshSpan, 0), unit: 'ms' },
      { key: 'eldOpen', label: 'server event-loop delay open → last token p99 / max', value: `${round(eldOpen.worst.p99, 1)} / ${round(eldOpen.worst.max, 1)}`, unit: 'ms' },
      { key: 'eldClose', label: 'server event-loop delay around the close p99 / max', value: `${round(eldClose.worst.p99, 1)} / ${round(eldClose.worst.max, 1)}`, unit: 'ms' },
      { key: 'lastAssigned', label: 'open → last breakout:assigned', value: round(lastAssignedAt - openAtMs, 0), unit: 'ms' },
      { key: 'roomsUsed', label: 'rooms used (staff occupancy)', value: occ.rooms },
      { key: 'payload', label: 'breakout:assigned frame (this audience’s room size)', value: frame ? Buffer.byteLength(frame) : null, unit: 'bytes' },
      { key: 'roundFrame', label: 'breakout:roundChanged frame to every attendee (the round without its rooms but in a self-select round [BRK51]; sent at open, extend, broadcast, close and closed)', value: Math.max(0, ...opened.map((x) => x.roundFrameBytes)) || null, unit: 'bytes' },
      { key: 'clock', label: 'server clock offset / snapshot round trip', value: `${round(clock.offsetMs, 1)} / ${round(clock.rttMs, 1)}`, unit: 'ms' },
      { key: 'unexpected', label: 'unexpected disconnects', value: unexpected },
    ];
    const checks: Check[] = [
      { label: 'every attendee told one room, and holding its token', target: `${connected}`, actual: `${o.assigned} told a room, ${o.tokensOk} tokens (${o.tokenRoomOk} for the room told); refused: ${fmtCounts(refusals)}, timed out ${o.timedOut}`, pass: o.assigned === connected && o.tokensOk === connected && o.tokenRoomOk === connected },
      { label: 'nobody in two rooms or none (as told to each attendee)', target: '0 in two, 0 in none', actual: `${o.inTwoRooms} in two, ${o.inNoRoom} in none`, pass: o.inTwoRooms === 0 && o.inNoRoom === 0 },
      { label: 'staff occupancy: each attendee in exactly one room, as told, none over capacity, nobody unassigned', target: `${connected} people, 0 twice, 0 mismatched, 0 over ${capacity}, 0 unassigned`, actual: `${occ.people} people, ${occ.twice} twice, ${occ.mismatched} mismatched, ${occ.overCapacity} rooms over, ${occ.unassigned} unassigned`, pass: occ.people === connected && occ.twice === 0 && occ.mismatched === 0 && occ.overCapacity === 0 && occ.unassigned === 0 },
      { label: 'open → every attendee holding its room and token p99', target: `≤ ${TOKEN_P99_MS} ms`, actual: `${p99(tokenH)} ms`, pass: (tokenH.percentile(99) ?? Infinity) <= TOKEN_P99_MS, indicative: !full },
      { label: 'token refresh: every attendee gets a token', target: `${refreshSent}`, actual: `${refreshOk}`, pass: refreshOk === refreshSent && refreshSent === o.tokensOk },
      { label: 'everyone back on the stage, once, not before the round closed', target: `${back.expected}, 0 early, 0 extra`, actual: `${back.back}, ${back.early} early, ${back.extra} extra`, pass: back.back === back.expected && back.expected === o.assigned && back.early === 0 && back.extra === 0 },
      { label: 'round closed → every attendee back on the stage p99', target: `≤ ${BACK_P99_MS} ms`, actual: `${p99(backH)} ms`, pass: (backH.percentile(99) ?? Infinity) <= BACK_P99_MS, indicative: !full },
      { label: 'no disconnects', target: '0', actual: `${unexpected}`, pass: unexpected === 0 },
    ];
    return {
      params: { attendees: n, rooms: ROOMS, capacity, strategy: 'random', audience: 'everyone', countdownS: BREAKOUT_LIMITS.closeCountdownSec, loadProcesses: workers.count, audienceFrom: a.createdBy },
      figures,
      latencies: {
        'breakout:open ack': openH.summary(),
        'open → own breakout:assigned': assignedH.summary(),
        'open → own video token': tokenH.summary(),
        'breakout:videoToken ack (after assignment)': tokenAckH.summary(),
        'breakout:videoToken ack (refresh, everyone at once)': refreshAck.summary(),
        'closesAt → own back on stage': backH.summary(),
        ...(stampedH.n ? { 'server stamp → own breakout:assigned': stampedH.summary() } : {}),
        ...(backStampH.n ? { 'server stamp → own back on stage': backStampH.summary() } : {}),
      },
      checks,
      notes: [
        'Video tokens are minted by Rally alone (a LiveKit AccessToken signed with the API secret): opening a round does not call LiveKit in this build, so the bench servers get LIVEKIT_URL/KEY/SECRET of a LiveKit server that is not running (ws://127.0.0.1:9); nobody joins a call.',
        'Each attendee’s breakout:assigned carries its room’s token ([BRK45]), so the open phase is placement, the assignment fan-out and the signing; nobody asks. The token refresh (everyone at once, a room held) is the breakoutVideoToken command alone.',
        `Back on the stage is measured from closesAt, the server's time for the end of the ${BREAKOUT_LIMITS.closeCountdownSec} s countdown, converted to the shared clock through the moderator snapshot's serverTime (offset and round trip in the figures). The server's timer fires at closesAt on its own schedule, so the figure includes the timer's lateness.`,
        'The round stays in the event, closed: later scenarios (B8, B6) carry it in their snapshots, as a real event would.',
      ],
      ...(frame ? { baseline: { clients: n, rounds: 20, frames: [frame] } } : {}),
    };
  } finally {
    // A failed run must not leave a round open under the scenarios that follow.
    if (!closed) await staff.command('moderator', 'breakout:close', { roundId }).catch(() => {});
  }
}

export const b7Breakouts: Scenario = {
  id: 'B7',
  title: 'Breakouts: every attendee into 500 rooms (room + video token) and back on the stage',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => (o.quick ? 75_000 : 30 * 60_000),
  minMs: () => COUNTDOWN_MS + 20_000,
  run: (ctx) => runBreakouts(ctx, attendeesFor(ctx.opts)),
};
