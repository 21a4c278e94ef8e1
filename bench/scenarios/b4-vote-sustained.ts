import { staffOf } from '../lib/audience.js';
import { idleCpuRate, nobodyConnected, workerStats, type Check, type Figure, type Scenario } from '../lib/scenario.js';
import { createPoll, fmtCounts, opsPerClientFor, runStormAll, serverTally } from '../lib/storm.js';
import { round, sleep } from '../lib/util.js';
import { commandBaselineReport, compareWithCommandBaseline, runCommandBaseline } from '../lib/command-baseline.js';
import { attendeesFor } from './b0-broadcast.js';

const RATE = 2000;
const ACK_P99_MS = 100;
/** Rally allows 30 commands per participant per 10 s; a generator above 2/s per attendee would measure the rate limiter. */
const MAX_PER_ATTENDEE_PER_S = 2;
const durationFor = (quick: boolean) => (quick ? 6_000 : 60_000);

/**
 * B4: 2,000 votes/s for 60 s (quick: 6 s). One poll that allows changing a vote, so the same
 * attendees can keep voting: each attendee's votes go round the options, every vote differs from
 * that attendee's previous one, and so every vote moves two counters and bumps the tally. That is
 * what a live audience changing its mind costs, and it keeps one live poll as on a real stage (a
 * fresh poll per batch of votes would measure launches too). At 10,000 attendees each votes every
 * 5 s; with fewer attendees the rate is capped at 2 votes/s each (the rate limit is 3/s) and the
 * report says so.
 *
 * Exactness comes for free: the final tally must equal, option by option, the last acked vote of
 * every attendee.
 */
export const b4VoteSustained: Scenario = {
  id: 'B4',
  title: 'Sustained voting: 2,000 votes/s (changing votes)',
  modes: ['embedded', 'cluster'],
  budgetMs: (o) => durationFor(o.quick) + (o.quick ? 25_000 : 30 * 60_000),
  minMs: (o) => durationFor(o.quick) + 8_000,
  async run(ctx) {
    const n = attendeesFor(ctx.opts);
    const durationMs = durationFor(ctx.opts.quick);
    const { audience: a } = await ctx.audience(n, { reserveMs: durationMs + 10_000, keepBareCommands: true });
    if (a.ramp.connected === 0) return nobodyConnected(n, a.ramp.stopReason === 'time' ? 'the ramp ran out of time' : 'no connection succeeded');
    const { target, workers } = a;
    const staff = staffOf(a);
    const before = await workerStats(workers);
    const clients = before.connected;
    const rate = Math.min(RATE, MAX_PER_ATTENDEE_PER_S * clients);
    const opsPerClient = opsPerClientFor((rate * durationMs) / 1000, clients);

    const poll = await createPoll(staff, 'Bench sustained voting: which option now?', true);
    await staff.command('presenter', 'poll:launch', { pollId: poll.id });
    await sleep(500);

    ctx.log(`${rate} votes/s for ${durationMs / 1000} s from ${clients} attendees (${opsPerClient} each)`);
    const { msPerMs: idleMsPerMs, last: s0 } = await idleCpuRate(target);
    await target.eldReset();
    const stormArgs = { plan: { kind: 'vote', pollId: poll.id, optionIds: poll.optionIds }, opsPerClient, durationMs, retryFraction: 0, retryDelayMs: [0, 0] as [number, number], ackTimeoutMs: 10_000 } as const;
    const storm = await runStormAll(workers, stormArgs);
    const s1 = await target.sample();
    const eld = await target.eldRead();
    await sleep(300);
    const tally = await serverTally(staff, poll.id);
    await staff.command('presenter', 'poll:close', { pollId: poll.id }).catch(() => {});
    const after = await workerStats(workers);
    // The same votes at the same rate on a bare Socket.IO server, right after (issue 18).
    const bare = await runCommandBaseline(ctx, a, storm.clients, 'poll:vote', stormArgs);
    const bareReport = commandBaselineReport(bare, durationMs, storm.clients);

    const cpuMs = s1.cpuMs - s0.cpuMs - idleMsPerMs * (s1.at - s0.at);
    const ack = storm.ack.summary();
    const exact = tally !== null && tally.total === storm.voters && poll.optionIds.every((o) => (tally.options[o] ?? 0) === (storm.expected[o] ?? 0));
    const achieved = storm.achievedRate ?? 0;
    const unexpected = after.unexpectedDisconnects - before.unexpectedDisconnects;
    const full = rate === RATE && durationMs === 60_000;
    const figures: Figure[] = [
      { key: 'rate', label: 'votes per second offered (target rate)', value: `${round(achieved, 0)} (${rate})`, headline: true },
      { key: 'votes', label: 'votes acked ok / sent', value: `${storm.ok} / ${storm.sent}` },
      { key: 'refusals', label: 'refused or unanswered', value: `${fmtCounts(storm.refusals)}; ${storm.timedOut} timed out; ${storm.unavailableRetried} UNAVAILABLE sent again under the same id after the storm, ${storm.unavailableSettled} answered ok then` },
      { key: 'ackP50', label: 'vote ack round trip p50', value: round(ack.p50, 1), unit: 'ms' },
      { key: 'ackP99', label: 'vote ack round trip p99', value: round(ack.p99, 1), unit: 'ms', headline: true },
      { key: 'ackMax', label: 'vote ack round trip max', value: round(ack.max, 1), unit: 'ms' },
      { key: 'sendLagP99', label: 'generator lag behind schedule p99', value: round(storm.sendLag.percentile(99), 1), unit: 'ms' },
      { key: 'tally', label: 'server tally / attendees with an acked vote', value: `${tally?.total ?? '—'} / ${storm.voters}` },
      { key: 'cpuPerVote', label: 'server CPU per accepted vote (results ticks included)', value: round(storm.ok ? cpuMs / storm.ok : null, 3), unit: 'ms', headline: true },
      { key: 'cpuPct', label: 'server CPU during the storm', value: round((cpuMs / Math.max(1, s1.at - s0.at)) * 100, 0), unit: '% of a core' },
      { key: 'eld', label: 'server event-loop delay during the storm p99 / max', value: `${round(eld.worst.p99, 1)} / ${round(eld.worst.max, 1)}`, unit: 'ms', headline: true },
      { key: 'unexpected', label: 'unexpected disconnects', value: unexpected },
    ];
    compareWithCommandBaseline(figures, bare, { cpuPerVote: 'cpuPerCommandMs', ackP99: 'ackP99Ms' });
    const checks: Check[] = [
      { label: 'offered rate held (generator kept up)', target: `≥ 95 % of ${rate}/s`, actual: `${round(achieved, 0)}/s`, pass: achieved >= 0.95 * rate },
      { label: 'every vote acked ok', target: `${storm.sent}`, actual: `${storm.ok}; refused ${fmtCounts(storm.refusals)}; ${storm.timedOut} timed out`, pass: storm.sent > 0 && storm.ok === storm.sent },
      { label: 'ack p99', target: `≤ ${ACK_P99_MS} ms`, actual: `${round(ack.p99, 1)} ms`, pass: ack.p99 !== null && ack.p99 <= ACK_P99_MS, indicative: !full },
      { label: 'tally exact (each attendee counted once, on their last vote)', target: `${storm.voters} voters, per option`, actual: exact ? 'exact' : `server ${JSON.stringify(tally)} vs acked ${JSON.stringify(storm.expected)}`, pass: exact && storm.unknown === 0 },
      { label: 'no disconnects', target: '0', actual: `${unexpected}`, pass: unexpected === 0 },
    ];
    return {
      params: { attendees: n, ratePerS: rate, durationS: durationMs / 1000, votesPerAttendee: opsPerClient, allowChange: true, loadProcesses: workers.count, audienceFrom: a.createdBy },
      figures,
      latencies: { 'vote ack': ack, 'generator lag behind schedule': storm.sendLag.summary(), ...bareReport.latencies },
      checks,
      notes: [
        ...(rate < RATE ? [`${clients} attendees can offer ${rate} votes/s within Rally’s per-participant budget (2/s each), not ${RATE}: the ack figures are for that rate.`] : []),
        ...(durationMs < 60_000 ? [`Held for ${durationMs / 1000} s, not 60 s (quick run): indicative.`] : []),
        ...bareReport.notes,
      ],
      commandBaseline: bare,
    };
  },
};
