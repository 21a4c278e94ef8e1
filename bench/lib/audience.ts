import { createBenchEvent, eventUpdatedFrames, type BenchEvent } from './rally.js';
import { joinAll, rampConnect, targetOptions, workerCount, type JoinPhase, type RampPhase, type RunOptions } from './scenario.js';
import { snapshotTarget, type HeapByType } from './heap.js';
import { CLUSTER_NODES, startTarget, type Mode, type Target, type TargetSample } from './target.js';
import { startWorkers, type LoadWorkers } from './workers.js';
import { StaffPool } from './staff.js';

/**
 * An audience: one system under test (embedded or cluster) with N attendees joined and connected
 * from the load processes. Joining and ramping 10,000 sockets takes minutes, so the scenarios of a
 * mode share it (B1 holds it, B0 broadcasts to it, B8 drops it) unless one of them spoils it.
 */
export interface Audience {
  mode: Mode;
  n: number;
  /** Rally nodes serving it: 1 embedded; cluster 2, or 1 for B9's one-node reference run. */
  nodes: number;
  target: Target;
  workers: LoadWorkers;
  event: BenchEvent;
  /** The exact `event:updated` frames Rally sends to it (the bare-ws baseline sends the same bytes). */
  frames: string[];
  join: JoinPhase;
  ramp: RampPhase;
  /** Server samples after a forced GC: settled and empty, after the joins, after everyone connected. */
  mem: { empty: TargetSample; joined: TargetSample; connected: TargetSample };
  /** With --heap-snapshot: the empty server's live heap by type. */
  heapEmpty: HeapByType | null;
  /** The scenario whose time paid for the setup. */
  createdBy: string;
  /** Why the next scenario must not reuse it (clients not back, state changed), or null. */
  spoiled: string | null;
  /** Moderator and presenter sockets held by the runner (see staffOf); closed with the audience. */
  staff: StaffPool | null;
  /**
   * The command baseline's bare Socket.IO server and its clients in these load processes
   * (lib/command-baseline.ts): connected by the first storm scenario, kept for the next ones
   * (connecting 10,000 costs more than their storms), closed for any other scenario.
   */
  bareCommands: { target: Target; clients: number } | null;
}

/** Closes the command baseline's clients (so none sees its server go as a lost connection), then its server. */
export async function closeBareCommands(a: Audience): Promise<void> {
  const b = a.bareCommands;
  if (!b) return;
  a.bareCommands = null;
  await a.workers.all('sioCommandsClose', () => ({}), 30_000).catch(() => {});
  await b.target.stop().catch(() => {});
}

/** The audience's staff pool, joined on first use. */
export function staffOf(a: Audience): StaffPool {
  a.staff ??= new StaffPool(a.target.urls[0]!, a.event);
  return a.staff;
}

export class AudiencePool {
  private current: Audience | null = null;
  /** Targets started ahead of their mode (quick runs), so their start-up does not count against it. */
  private prestarted = new Map<Mode, Promise<Target>>();
  /** What a creation in progress has started so far, so an abort can stop it mid-way. */
  private building: { target?: Target; workers?: LoadWorkers; aborted: boolean } | null = null;

  constructor(
    private readonly opts: RunOptions,
    private readonly lifetimeMs: number,
  ) {}

  /** `nodes`: cluster mode's Rally nodes (default two; B9's reference run asks for one). */
  async get(mode: Mode, n: number, by: string, log: (m: string) => void, rampDeadline = Infinity, keepBareCommands = false, nodes?: number): Promise<{ audience: Audience; fresh: boolean }> {
    const want = mode === 'embedded' ? 1 : (nodes ?? CLUSTER_NODES);
    const cur = this.current;
    if (cur && cur.mode === mode && cur.n === n && cur.nodes === want && !cur.spoiled) {
      // Only the storm scenarios share them; the others measure without 10,000 extra sockets in the load processes.
      if (!keepBareCommands) await closeBareCommands(cur);
      return { audience: cur, fresh: false };
    }
    await this.release();
    this.current = await this.create(mode, n, by, log, rampDeadline, want);
    return { audience: this.current, fresh: true };
  }

  /**
   * Starts a mode's system under test now, while nothing is being measured (quick runs start both
   * modes at the beginning; an idle cluster costs next to nothing while embedded runs).
   */
  prestart(mode: Mode): void {
    if (this.prestarted.has(mode)) return;
    const p = startTarget(mode, targetOptions(this.opts, mode));
    p.catch(() => {});
    this.prestarted.set(mode, p);
  }

  /** Stops everything, prestarted targets included. */
  async close(): Promise<void> {
    await this.release();
    const rest = [...this.prestarted.values()];
    this.prestarted.clear();
    for (const p of rest) await p.then((t) => t.stop()).catch(() => {});
  }

  /** Stops the current audience, and any being built (its pending steps then fail). */
  async release(): Promise<void> {
    const a = this.current;
    const b = this.building;
    this.current = null;
    this.building = null;
    if (b) {
      b.aborted = true;
      await b.target?.stop();
      await b.workers?.stop();
    }
    if (a) {
      a.staff?.close();
      await closeBareCommands(a);
      // Server first (killed outright: closing thousands of sockets gracefully measures nothing).
      await a.target.stop();
      await a.workers.stop();
    }
  }

  private async create(mode: Mode, n: number, by: string, log: (m: string) => void, rampDeadline: number, nodes: number): Promise<Audience> {
    const b: { target?: Target; workers?: LoadWorkers; aborted: boolean } = { aborted: false };
    this.building = b;
    const step = <T>(x: T): T => {
      if (b.aborted) throw new Error('audience set-up aborted');
      return x;
    };
    try {
      // A prestarted target has the mode's default shape (cluster: two nodes).
      const pre = mode === 'embedded' || nodes === CLUSTER_NODES ? this.prestarted.get(mode) : undefined;
      if (pre) this.prestarted.delete(mode);
      const tag = `${mode}-${n}${mode === 'cluster' && nodes !== CLUSTER_NODES ? `-${nodes}node` : ''}`;
      const target = step(await (pre ?? startTarget(mode, { ...targetOptions(this.opts, tag), nodes })));
      b.target = target;
      const event = step(await createBenchEvent(target.urls[0]!, target.adminToken, `Bench ${mode} ${n}`));
      const workers = step(await startWorkers(workerCount(this.opts, n), this.lifetimeMs));
      b.workers = workers;
      step(await target.settled());
      const empty = step(await target.sample(true));
      const heapEmpty = this.opts.heapSnapshot ? step(await snapshotTarget(target, 'empty')) : null;
      log(`audience: ${n} attendees join (${target.urls.length} node${target.urls.length > 1 ? 's' : ''}, ${workers.count} load process${workers.count > 1 ? 'es' : ''})`);
      const join = step(await joinAll(workers, target, event.code, n));
      const joined = step(await target.sample(true));
      log(`audience: ${join.joined} connect in batches of 500`);
      const ramp = step(await rampConnect(workers, target, join.joined, { deadline: rampDeadline, log }));
      const connected = step(await target.sample(true));
      const frames = step(await eventUpdatedFrames(target.urls[0]!, event));
      const why = ramp.stopReason === 'time' ? ' (ramp stopped: out of time)' : ramp.stopReason === 'failures' ? ' (ramp stopped: more than half of a batch failed)' : '';
      log(`audience: ${ramp.connected} connected in ${(ramp.rampMs / 1000).toFixed(1)} s${why}`);
      if (this.building === b) this.building = null;
      return { mode, n, nodes: target.nodes.length, target, workers, event, frames, join, ramp, mem: { empty, joined, connected }, heapEmpty, createdBy: by, spoiled: null, staff: null, bareCommands: null };
    } catch (e) {
      if (this.building === b) this.building = null;
      await b.target?.stop();
      await b.workers?.stop();
      throw e;
    }
  }
}
