import { staffOf } from '../lib/audience.js';
import { connectStaff, joinAs } from '../lib/rally.js';
import { idleCpuRate, nobodyConnected, workerStats, type Check, type Figure, type Scenario } from '../lib/scenario.js';
import { fmtCounts, opsPerClientFor, runStormAll, serverUpvotes, tickStatsAll } from '../lib/storm.js';
import { commandId, round, sleep } from '../lib/util.js';
import { commandBaselineReport, compareWithCommandBaseline, runCommandBaseline } from '../lib/command-baseline.js';
import { attendeesFor } from './b0-broadcast.js';

const RATE = 5000;
const QUESTIONS = 4;
const ACK_P99_MS = 200;
const UPDATES_PER_S = 2;
const MAX_PER_ATTENDEE_PER_S = 2;
const SETTLE_MS = 1500;
const durationFor = (quick: boolean) => (quick ? 5_000 : 10_000);

/**
 * B5: Q&A, 5,000 upvotes/s for 10 s (quick: 5 s) while every attendee watches the list. Four
 * approved questions (asked by four extra attendees the runner joins, approved by a moderator);
 * each attendee toggles its upvote on them in turn (up, up, up, up, then back down, ...), so both
 * directions of question:upvote are exercised. At 10,000 attendees that is 0.5 ops/s each; with
 * fewer the rate is capped at 2/s each (Rally's command budget is 3/s).
 *
 * Exactness: each load process models the server's state from the acks (an acked `up` leaves the
 * upvote on, an acked `down` off; an unacked op makes that pair unknown) and the moderator's
 * snapshot must give exactly those counts. Every watcher's view after the last
 * question:votesUpdated must equal them too.
 */
export const b5QaUpvotes: Scenario = {
  id: 'B5',
  title: 'Q&A upvote storm: 5,000/s toggled upvotes, everyone watching',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => durationFor(o.quick) + (o.quick ? 25_000 : 20 * 60_000),
  minMs: (o) => durationFor(o.quick) + 8_000,
  async run(ctx) {
    const n = attendeesFor(ctx.opts);
    const durationMs = durationFor(ctx.opts.quick);
    const { audience: a } = await ctx.audience(n, { reserveMs: durationMs + 12_000, keepBareCommands: true });
    if (a.ramp.connected === 0) return nobodyConnected(n, a.ramp.stopReason === 'time' ? 'the ramp ran out of time' : 'no connection succeeded');
    const { target, workers } = a;
    const staff = staffOf(a);
    const before = await workerStats(workers);
    const clients = before.connected;
    const rate = Math.min(RATE, MAX_PER_ATTENDEE_PER_S * clients);
    const opsPerClient = opsPerClientFor((rate * durationMs) / 1000, clients);

    // Four askers of the runner's own (the attendees in the load processes only upvote).
    const url = target.urls[0]!;
    const questionIds: string[] = [];
    for (let k = 0; k < QUESTIONS; k++) {
      const { token } = await joinAs(url, a.event.code, `bench asker ${k}`);
      const s = await connectStaff(url, token);
      try {
        const ack = (await s.timeout(15_000).emitWithAck('question:submit', { id: commandId('q'), text: `Bench question ${k}: what is on the roadmap for region ${k}?`, anonymous: false })) as { ok?: boolean; data?: { id: string }; error?: { code?: string } };
        if (!ack?.ok || !ack.data) throw new Error(`question:submit refused: ${ack?.error?.code ?? '?'}`);
        questionIds.push(ack.data.id);
      } finally {
        s.disconnect();
      }
    }
    for (const id of questionIds) await staff.command('moderator', 'question:approve', { questionId: id });
    const base = await serverUpvotes(staff, questionIds);
    await workers.all('watchTicks', () => ({ fact: 'question:votesUpdated' }), 30_000);
    await sleep(500);

    ctx.log(`${rate} upvotes/s for ${durationMs / 1000} s from ${clients} attendees on ${QUESTIONS} questions`);
    const { msPerMs: idleMsPerMs, last: s0 } = await idleCpuRate(target);
    await target.eldReset();
    const stormArgs = { plan: { kind: 'upvote', questionIds }, opsPerClient, durationMs, retryFraction: 0, retryDelayMs: [0, 0] as [number, number], ackTimeoutMs: 10_000 } as const;
    const storm = await runStormAll(workers, stormArgs);
    const s1 = await target.sample();
    const eld = await target.eldRead();
    await sleep(SETTLE_MS);
    const final = await serverUpvotes(staff, questionIds);
    const ticks = await tickStatsAll(workers, 'question:votesUpdated', storm.firstSendAt, storm.lastAckAt + SETTLE_MS, final);
    const after = await workerStats(workers);
    // The same upvotes at the same rate on a bare Socket.IO server, right after (issue 18).
    const bare = await runCommandBaseline(ctx, a, storm.clients, 'question:upvote', stormArgs);
    const bareReport = commandBaselineReport(bare, durationMs, storm.clients);

    const cpuMs = s1.cpuMs - s0.cpuMs - idleMsPerMs * (s1.at - s0.at);
    const ack = storm.ack.summary();
    const mismatched = questionIds.filter((q) => final[q] !== (base[q] ?? 0) + (storm.expected[q] ?? 0));
    const achieved = storm.achievedRate ?? 0;
    const unexpected = after.unexpectedDisconnects - before.unexpectedDisconnects;
    const full = rate === RATE && durationMs === 10_000 && n >= 10_000;
    const short = (q: string) => q.slice(0, 6);
    const figures: Figure[] = [
      { key: 'rate', label: 'upvote ops per second offered (target rate)', value: `${round(achieved, 0)} (${rate})`, headline: true },
      { key: 'ops', label: 'ops acked ok / sent', value: `${storm.ok} / ${storm.sent}` },
      { key: 'refusals', label: 'refused or unanswered', value: `${fmtCounts(storm.refusals)}; ${storm.timedOut} timed out; ${storm.unavailableRetried} UNAVAILABLE sent again under the same id after the storm, ${storm.unavailableSettled} answered ok then` },
      { key: 'counts', label: 'final counts, server / from acks', value: questionIds.map((q) => `${short(q)} ${final[q]}/${(base[q] ?? 0) + (storm.expected[q] ?? 0)}`).join(', '), headline: true },
      { key: 'ackP50', label: 'upvote ack round trip p50', value: round(ack.p50, 1), unit: 'ms' },
      { key: 'ackP99', label: 'upvote ack round trip p99', value: round(ack.p99, 1), unit: 'ms', headline: true },
      { key: 'sendLagP99', label: 'generator lag behind schedule p99', value: round(storm.sendLag.percentile(99), 1), unit: 'ms' },
      { key: 'updates', label: 'question:votesUpdated per client per second while they came, worst client / densest stretch', value: `${round(ticks.rate.max, 2)} / ${round(ticks.peak.max, 2)}`, headline: true },
      { key: 'converged', label: 'watchers whose list shows the final counts', value: `${ticks.converged} / ${ticks.watching}` },
      { key: 'cpuPerOp', label: 'server CPU per accepted upvote (count ticks included)', value: round(storm.ok ? cpuMs / storm.ok : null, 3), unit: 'ms', headline: true },
      { key: 'eld', label: 'server event-loop delay during the storm p99 / max', value: `${round(eld.worst.p99, 1)} / ${round(eld.worst.max, 1)}`, unit: 'ms' },
      { key: 'unexpected', label: 'unexpected disconnects', value: unexpected },
    ];
    compareWithCommandBaseline(figures, bare, { cpuPerOp: 'cpuPerCommandMs', ackP99: 'ackP99Ms' });
    const checks: Check[] = [
      { label: 'offered rate held (generator kept up)', target: `≥ 95 % of ${rate}/s`, actual: `${round(achieved, 0)}/s`, pass: achieved >= 0.95 * rate },
      { label: 'every upvote op acked ok', target: `${storm.sent}`, actual: `${storm.ok}; refused ${fmtCounts(storm.refusals)}; ${storm.timedOut} timed out`, pass: storm.sent > 0 && storm.ok === storm.sent },
      { label: 'exact counts (server = acked toggles; an UNAVAILABLE one asked again after the storm)', target: `${QUESTIONS} questions exact`, actual: mismatched.length ? `${mismatched.length} differ: ${mismatched.map((q) => `${short(q)} ${final[q]} vs ${(base[q] ?? 0) + (storm.expected[q] ?? 0)}`).join(', ')}` : `exact${storm.unknown ? `, ${storm.unknown} unknown` : ''}`, pass: mismatched.length === 0 && storm.unknown === 0 },
      { label: 'ack p99', target: `≤ ${ACK_P99_MS} ms`, actual: `${round(ack.p99, 1)} ms`, pass: ack.p99 !== null && ack.p99 <= ACK_P99_MS, indicative: !full },
      { label: 'list updates per second per client (worst client, while they came)', target: `≤ ${UPDATES_PER_S}`, actual: `${round(ticks.rate.max, 1)}`, pass: ticks.rate.n > 0 && round(ticks.rate.max, 1)! <= UPDATES_PER_S },
      { label: 'every watcher converged on the final counts', target: `${ticks.watching}`, actual: `${ticks.converged}${ticks.mismatches.length ? ` (e.g. ${ticks.mismatches.join('; ')})` : ''}`, pass: ticks.watching > 0 && ticks.converged === ticks.watching },
      { label: 'no disconnects', target: '0', actual: `${unexpected}`, pass: unexpected === 0 },
    ];
    return {
      params: { attendees: n, ratePerS: rate, durationS: durationMs / 1000, questions: QUESTIONS, opsPerAttendee: opsPerClient, loadProcesses: workers.count, audienceFrom: a.createdBy },
      figures,
      latencies: {
        'upvote ack': ack,
        'gap between question:votesUpdated arrivals on a client': ticks.gap.summary(),
        'generator lag behind schedule': storm.sendLag.summary(),
        ...bareReport.latencies,
      },
      checks,
      notes: [
        'List updates are question:votesUpdated messages (the coalesced counts); upvotes cause no other list message. Rate as in B3: (messages − 1) / max(1 s, first → last arrival) per client.',
        ...(rate < RATE ? [`${clients} attendees can offer ${rate} ops/s within Rally’s per-participant budget (2/s each), not ${RATE}.`] : []),
        ...(durationMs < 10_000 ? [`Held for ${durationMs / 1000} s, not 10 s (quick run).`] : []),
        ...bareReport.notes,
      ],
      commandBaseline: bare,
    };
  },
};
