/**
 * [CLU4] The part of the Socket.IO stream that connection-state recovery replays, read and decoded
 * once per node and shared by every socket that recovers meanwhile.
 *
 * @socket.io/redis-streams-adapter (0.3.x) restores each session on its own: one XRANGE from the
 * socket's offset to the end of the stream and a JSON/msgpack decode of every entry, per socket.
 * In a reconnect storm every socket asks for nearly the same range, so a node decoded the same
 * entries a thousand times (2–3.7 s of `decode` per node and a quarter of the CPU in GC, bench B8).
 * Here:
 *  - concurrent requests are coalesced: while one read is in flight, new requests wait and the next
 *    read serves all of them at once. A read always starts after the requests it serves were made,
 *    so it sees every entry that existed when each socket asked (what the adapter's own XRANGE saw);
 *  - what was read stays in a window (bounded by entries and bytes, dropped when idle), so the next
 *    read only fetches the entries added since, and each entry is decoded once;
 *  - entries that can never be replayed (other namespaces, heartbeats, room joins, volatile and
 *    acknowledged broadcasts) are dropped at read time, by their type field, mostly without a parse.
 */

/** A stream entry as node-redis returns it from XRANGE. */
export interface RawEntry {
  id: string;
  message: Record<string, string>;
}

/** A broadcast that recovery may replay. `data` is shared by every socket: never mutate it. */
export interface Replayable {
  id: string;
  /** The packet's data: event name then arguments (the stream id is appended per socket). */
  data: readonly unknown[];
  rooms: ReadonlySet<string>;
  except: ReadonlySet<string>;
  /** Rough memory weight (length of the encoded entry), for the window's byte bound. */
  size: number;
}

export interface RecoveryWindowDeps {
  /** XRANGE: entries with start ≤ id ≤ end ('+' for the end of the stream), ascending, at most count. */
  range(start: string, end: string, count: number): Promise<RawEntry[]>;
  /** Decodes an entry worth replaying; null for anything recovery never replays. */
  replayable(entry: RawEntry): Replayable | null;
}

export interface RecoveryWindowOptions {
  /** Decoded broadcasts kept for later requests (older ones are dropped first). */
  maxEntries?: number;
  /** Same, by the size of their encoded form (decoded, they take a few times that on the heap). */
  maxBytes?: number;
  /** The window is dropped this long after the last request: it only serves bursts. */
  idleMs?: number;
  /** XRANGE page size, and how many pages one read may take before giving up. */
  pageSize?: number;
  maxPages?: number;
}

/** Stream ids are "<ms>-<seq>"; both parts fit a double. */
export function compareIds(a: string, b: string): number {
  const ia = a.indexOf('-');
  const ib = b.indexOf('-');
  const d = Number(a.slice(0, ia)) - Number(b.slice(0, ib));
  return d !== 0 ? d : Number(a.slice(ia + 1)) - Number(b.slice(ib + 1));
}

/** The smallest id after `id`: XRANGE's start is inclusive (exclusive ranges need Redis 6.2). */
export function nextId(id: string): string {
  const i = id.indexOf('-');
  return `${id.slice(0, i)}-${Number(id.slice(i + 1)) + 1}`;
}

interface Waiter {
  offset: string;
  resolve(entries: readonly Replayable[]): void;
  reject(err: unknown): void;
}

export class RecoveryWindow {
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly idleMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  /** The window holds every replayable entry with from < id ≤ to, ascending. null: empty window. */
  private from: string | null = null;
  private to: string | null = null;
  private items: Replayable[] = [];
  private bytes = 0;
  private waiting: Waiter[] = [];
  private inflight = false;
  private idle: ReturnType<typeof setTimeout> | null = null;
  /** Reads done, for tests and diagnostics. */
  reads = 0;

  constructor(
    private readonly deps: RecoveryWindowDeps,
    opts: RecoveryWindowOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    // A storm's range is usually a few hundred entries; past this, older offsets re-read their gap.
    this.maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
    this.idleMs = opts.idleMs ?? 10_000;
    this.pageSize = opts.pageSize ?? 1000;
    this.maxPages = opts.maxPages ?? 100;
  }

  /** Every replayable entry after `offset` up to the end of the stream as of a moment after this call, in order. */
  after(offset: string): Promise<readonly Replayable[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ offset, resolve, reject });
      this.kick();
    });
  }

  /** Drops the window and its timer (adapter close). Requests in flight still complete. */
  dispose(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.clear();
  }

  private kick(): void {
    if (this.inflight || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.inflight = true;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    let min = batch[0]!.offset;
    for (const w of batch) if (compareIds(w.offset, min) < 0) min = w.offset;
    this.refresh(min)
      .then(
        () => {
          for (const w of batch) w.resolve(this.slice(w.offset));
          this.trim();
        },
        (err: unknown) => {
          // The window may be half updated: start again from nothing next time.
          this.clear();
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        this.inflight = false;
        this.idle = setTimeout(() => this.clear(), this.idleMs);
        this.idle.unref?.();
        this.kick();
      });
  }

  /** Makes the window cover (min, end of the stream now]. */
  private async refresh(min: string): Promise<void> {
    if (this.from === null || this.to === null) {
      const read = await this.read(min, '+');
      this.from = min;
      this.to = read.last ?? min;
      this.items = read.items;
      this.bytes = read.bytes;
      return;
    }
    if (compareIds(min, this.from) < 0) {
      // An older offset than the window reaches: read the gap in front of it.
      const older = await this.read(min, this.from);
      this.items = older.items.concat(this.items);
      this.bytes += older.bytes;
      this.from = min;
    }
    const newer = await this.read(this.to, '+');
    for (const r of newer.items) this.items.push(r);
    this.bytes += newer.bytes;
    if (newer.last) this.to = newer.last;
  }

  /** Replayable entries with after < id ≤ end, page by page. */
  private async read(after: string, end: string): Promise<{ items: Replayable[]; bytes: number; last: string | null }> {
    const items: Replayable[] = [];
    let bytes = 0;
    let cursor = after;
    let last: string | null = null;
    for (let page = 0; page < this.maxPages; page++) {
      const entries = await this.deps.range(nextId(cursor), end, this.pageSize);
      this.reads++;
      for (const e of entries) {
        const r = this.deps.replayable(e);
        if (r) {
          items.push(r);
          bytes += r.size;
        }
      }
      if (entries.length > 0) cursor = last = entries[entries.length - 1]!.id;
      if (entries.length < this.pageSize) return { items, bytes, last };
    }
    // Entries arrive faster than one node can read them. The adapter would hand out what it had
    // read and silently lose the rest; refusing makes the socket start over with a fresh snapshot.
    throw new Error('recovery: the stream grows faster than it can be read');
  }

  private slice(offset: string): Replayable[] {
    // First item with id > offset (binary search: the window can hold thousands).
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.items[mid]!.id, offset) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return this.items.slice(lo);
  }

  private trim(): void {
    let drop = 0;
    let bytes = this.bytes;
    while (drop < this.items.length && (this.items.length - drop > this.maxEntries || bytes > this.maxBytes)) {
      bytes -= this.items[drop]!.size;
      drop++;
    }
    if (drop === 0) return;
    // Coverage now starts after the last dropped entry: an older offset reads the gap again.
    this.from = this.items[drop - 1]!.id;
    this.items = this.items.slice(drop);
    this.bytes = bytes;
  }

  private clear(): void {
    this.from = this.to = null;
    this.items = [];
    this.bytes = 0;
  }
}
