/**
 * `npm run soak [-- options]`: [REL29] a long run of ordinary event traffic (attendees joining and
 * leaving, votes, questions, polls launched and closed) against a real Rally process, sampling the
 * server's heap after forced full GCs (bench/lib/server-agent.ts). After the warm-up the heap must
 * stay flat: a leak that costs nothing in a 20 s test costs the venue on the second day of an SKO.
 * Not part of `npm test` (it takes 10 minutes by default). Exit code 1 when memory is not flat or
 * commands failed.
 */
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@rally/shared';
import { createBenchEvent, connectStaff, joinAs } from './lib/rally.js';
import { startTarget, type Mode, type Target } from './lib/target.js';

const HELP = `Usage: npm run soak -- [options]

  --minutes N      how long the traffic runs (default 10)
  --warmup N       minutes before the memory baseline is taken (default: a fifth of the run, at most 2)
  --attendees N    people in the event's pool; about two thirds are connected at any time (default 200)
  --mode M         embedded | cluster (cluster: two nodes on one redis-server; default embedded)
  --sample-every S seconds between memory samples (default 15)
  -h, --help`;

/** Flat: after the warm-up, the heap's fitted growth over the run stays under both bounds. */
const FLAT_MAX_MB = 8;
const FLAT_MAX_RATIO = 0.1;

interface Person {
  name: string;
  token: string;
  socket: Socket | null;
}

interface Sample {
  atS: number;
  heapMb: number;
  rssMb: number;
}

const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parse() {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      warmup: { type: 'string' },
      attendees: { type: 'string', default: '200' },
      mode: { type: 'string', default: 'embedded' },
      'sample-every': { type: 'string', default: '15' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const minutes = Number(values.minutes);
  const warmup = values.warmup !== undefined ? Number(values.warmup) : Math.min(2, minutes / 5);
  const attendees = Number(values.attendees);
  const sampleEvery = Number(values['sample-every']);
  const mode = values.mode as Mode;
  if (!(minutes > 0) || !(warmup >= 0) || warmup >= minutes || !(attendees >= 10) || !(sampleEvery >= 5) || !['embedded', 'cluster'].includes(mode)) {
    console.error(HELP);
    process.exit(2);
  }
  return { minutes, warmup, attendees, sampleEvery, mode };
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den ? num / den : 0;
}

async function main(): Promise<void> {
  const o = parse();
  console.log(`soak: ${o.minutes} min of traffic (${o.warmup} min warm-up), ${o.attendees} attendees, ${o.mode} mode`);
  const target: Target = await startTarget(o.mode, { tag: 'soak', nodes: o.mode === 'cluster' ? 2 : 1, bundles: null });
  const stats = { joins: 0, resumes: 0, leaves: 0, votes: 0, questions: 0, polls: 0, failed: 0 };
  const failures: string[] = [];
  const fail = (what: string) => {
    stats.failed++;
    if (failures.length < 10) failures.push(what);
  };
  try {
    await target.settled();
    const urlFor = (i: number) => target.urls[i % target.urls.length]!;
    const ev = await createBenchEvent(target.urls[0]!, target.adminToken, 'Soak SKO');
    const mod = await connectStaff(target.urls[0]!, (await joinAs(target.urls[0]!, ev.code, 'Soak moderator', ev.moderatorKey)).token);
    const send = (s: Socket, name: string, payload: Record<string, unknown>): Promise<boolean> =>
      s
        .timeout(10_000)
        .emitWithAck(name, { id: `soak-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, ...payload })
        .then((a: { ok: boolean; error?: { code: string } }) => {
          if (!a.ok) fail(`${name}: ${a.error?.code}`);
          return a.ok;
        })
        .catch(() => {
          fail(`${name}: no ack`);
          return false;
        });

    let seq = 0;
    const people: Person[] = [];
    const newPerson = async (): Promise<Person> => {
      const name = `Soak attendee ${seq++}`;
      const r = await fetch(`${urlFor(seq)}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: ev.code, name, mode: seq % 2 ? 'room' : 'remote' }) });
      if (!r.ok) throw new Error(`join: ${r.status}`);
      stats.joins++;
      return { name, token: ((await r.json()) as { token: string }).token, socket: null };
    };
    const connect = (p: Person, i: number): Promise<void> =>
      new Promise((resolve) => {
        const s = io(urlFor(i), { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: p.token, protocolVersion: PROTOCOL_VERSION } });
        const t = setTimeout(() => {
          fail('connect: no snapshot');
          s.disconnect();
          resolve();
        }, 20_000);
        s.once('snapshot', () => {
          clearTimeout(t);
          p.socket = s;
          resolve();
        });
        s.once('connect_error', (e: Error) => {
          clearTimeout(t);
          fail(`connect: ${e.message}`);
          resolve();
        });
      });
    const leave = (p: Person) => {
      p.socket?.disconnect();
      p.socket = null;
      stats.leaves++;
    };

    for (let i = 0; i < o.attendees; i++) people.push(await newPerson());
    const onlineTarget = Math.round((o.attendees * 2) / 3);
    await Promise.all(people.slice(0, onlineTarget).map((p, i) => connect(p, i)));

    let pollId: string | null = null;
    const relaunch = async () => {
      if (pollId) await send(mod, 'poll:close', { pollId });
      const a = (await mod.timeout(10_000).emitWithAck('poll:launchAdhoc', {
        id: `soak-poll-${stats.polls}`,
        draft: { kind: 'single', question: `Soak poll ${stats.polls}`, options: ['Yes', 'No', 'Maybe'], settings: { anonymous: false, resultsVisibility: 'live', allowChange: true, durationSec: null } },
      })) as { ok: boolean; data?: { id: string } };
      if (a.ok && a.data) {
        pollId = a.data.id;
        stats.polls++;
      } else fail('poll:launchAdhoc');
    };
    await relaunch();

    const samples: Sample[] = [];
    const started = Date.now();
    const endAt = started + o.minutes * 60_000;
    let nextSample = started;
    let nextPoll = started + 20_000;
    // Each second: a few leave, as many come back (a reload: the join resumes with the token), one
    // brand-new person joins and one retires for good, a tenth of those connected vote, one asks.
    while (Date.now() < endAt) {
      const tick = Date.now();
      const online = people.filter((p) => p.socket);
      const offline = people.filter((p) => !p.socket);
      const leaving = Math.max(1, Math.round(online.length * 0.02));
      for (let k = 0; k < leaving; k++) {
        const p = pick(online.filter((x) => x.socket));
        if (p) leave(p);
      }
      // As many come back as left, steering toward two thirds online: the audience's size stays put,
      // so memory that grows is not just more people connected.
      const steer = Math.sign(onlineTarget - online.length);
      const back = offline.slice(0, Math.max(0, leaving + steer));
      await Promise.all(
        back.map(async (p, i) => {
          const r = await fetch(`${urlFor(i)}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: ev.code, name: p.name, token: p.token }) });
          if (!r.ok) return fail(`resume: ${r.status}`);
          stats.resumes++;
          await connect(p, i);
        }),
      );
      const retired = people.shift()!;
      if (retired.socket) leave(retired);
      const fresh = await newPerson();
      people.push(fresh);
      await connect(fresh, seq);

      const voters = people.filter((p) => p.socket).filter(() => Math.random() < 0.1);
      if (pollId) {
        const id = pollId;
        await Promise.all(voters.map((p) => send(p.socket!, 'poll:vote', { pollId: id, vote: { kind: 'single', optionId: pick(['o1', 'o2', 'o3'])! } }).then((ok) => ok && stats.votes++)));
      }
      const asker = pick(people.filter((p) => p.socket));
      if (asker && (await send(asker.socket!, 'question:submit', { text: `Soak question ${stats.questions} about the roadmap?`, anonymous: Math.random() < 0.3 }))) stats.questions++;

      if (Date.now() >= nextPoll) {
        await relaunch();
        nextPoll = Date.now() + 20_000;
      }
      if (Date.now() >= nextSample) {
        const s = await target.sample(true);
        const atS = Math.round((Date.now() - started) / 1000);
        samples.push({ atS, heapMb: mb(s.heapUsedBytes), rssMb: mb(s.rssBytes) });
        console.log(`  ${String(atS).padStart(4)} s  heap ${mb(s.heapUsedBytes)} MB  rss ${mb(s.rssBytes)} MB  online ${people.filter((p) => p.socket).length}  ${JSON.stringify(stats)}`);
        nextSample = Date.now() + o.sampleEvery * 1000;
      }
      const spent = Date.now() - tick;
      if (spent < 1000) await sleep(1000 - spent);
    }
    const last = await target.sample(true);
    samples.push({ atS: Math.round((Date.now() - started) / 1000), heapMb: mb(last.heapUsedBytes), rssMb: mb(last.rssBytes) });
    for (const p of people) p.socket?.disconnect();
    mod.disconnect();

    const after = samples.filter((s) => s.atS >= o.warmup * 60);
    if (after.length < 3) throw new Error(`too few samples after the warm-up (${after.length}): run longer or sample more often`);
    const perMin = slope(after.map((s) => s.atS / 60), after.map((s) => s.heapMb));
    const spanMin = (after.at(-1)!.atS - after[0]!.atS) / 60;
    const growth = perMin * spanMin;
    const base = after[0]!.heapMb;
    const flat = growth < FLAT_MAX_MB && growth < base * FLAT_MAX_RATIO;
    console.log('\nsoak result');
    console.table({
      'heap after warm-up (MB)': base,
      'heap at the end (MB)': after.at(-1)!.heapMb,
      'fitted growth (MB/min)': Math.round(perMin * 100) / 100,
      'fitted growth over the run (MB)': Math.round(growth * 10) / 10,
      'rss after warm-up (MB)': after[0]!.rssMb,
      'rss at the end (MB)': after.at(-1)!.rssMb,
      ...stats,
    });
    console.log(`memory after warm-up: ${flat ? 'FLAT' : 'NOT FLAT'} (limit: under ${FLAT_MAX_MB} MB and ${FLAT_MAX_RATIO * 100} % of ${base} MB over ${spanMin.toFixed(1)} min)`);
    if (stats.failed) console.log(`commands failed: ${stats.failed} (first: ${failures.join('; ')})`);
    process.exitCode = flat && stats.failed === 0 ? 0 : 1;
  } finally {
    await target.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
