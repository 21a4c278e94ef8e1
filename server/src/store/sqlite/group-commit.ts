import type { Database } from 'better-sqlite3';

/**
 * [STORE39] Group commit: every write made in one turn of the event loop goes into one SQLite
 * transaction, committed when the turn's I/O callbacks are done (setImmediate). Whoever
 * acknowledges a write (a command's ack, a REST response) first awaits `durable()`, so nothing is
 * acknowledged before it is committed.
 *
 * Why: a commit costs more than the writes of a typical command (WAL frames and the wal-index for
 * every page touched), so a vote storm of thousands per second was mostly commits: one per vote for
 * its effect and one for its idempotency record (docs/PERFORMANCE.md). Batched, a turn that reads
 * a few hundred sockets commits once.
 *
 * How: `prepare` and `transaction` of the connection are wrapped before any module prepares its
 * statements, so every write statement and every transaction function first joins the open batch
 * (BEGIN IMMEDIATE if none). better-sqlite3 then runs each transaction function as a SAVEPOINT
 * inside it: a function that throws still undoes only its own writes, so the store's "one method,
 * one atomic step" rule holds. Reads run inside the batch and see its writes (one connection).
 */
export interface GroupCommit {
  /** Resolves once every write made before the call is committed; rejects if its batch was lost. */
  durable(): Promise<void>;
  /** Commits the open batch now (before close). */
  flush(): void;
  /**
   * [PERF3] Opens the turn's batch now if none is: what is read next is read under the write lock.
   * A method that throws only before its first write needs no transaction (savepoint) of its own.
   */
  begin(): void;
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE|WITH)\b/i;
const done: Promise<void> = Promise.resolve();

/** Commits and rollbacks of every connection in this process (see commitsInProcess). */
let commits = 0;
/**
 * [PERF25] A number that changes whenever any SQLite connection of this process has committed or
 * rolled back a batch. Embedded Rally is one process per database file ([PRES6]: its presence lives
 * in that process), so a connection whose figure has not moved since it last looked knows no other
 * connection has written, without asking SQLite (`PRAGMA data_version`, ~20 µs a call in a
 * reconnect storm's profile, where every participant read asked it).
 */
export const commitsInProcess = (): number => commits;
/** A write outside the group commit (a schema or migration step when a connection opens) counts as a commit. */
export const noteWriteOutsideBatch = (): void => void commits++;

export function installGroupCommit(db: Database, onError: (e: unknown) => void = () => {}): GroupCommit {
  let open = false;
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let batch: Promise<void> | null = null;

  const commit = () => {
    if (!open) return;
    open = false;
    const settle = waiters;
    waiters = [];
    batch = null;
    try {
      // A statement error that makes SQLite roll the whole transaction back (I/O, disk full) leaves
      // nothing to commit: the batch is lost, and so must be every acknowledgement waiting for it.
      if (!db.inTransaction) throw new Error('the write batch was rolled back by SQLite');
      commits++;
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      commits++;
      onError(e);
      for (const w of settle) w.reject(e);
      return;
    }
    for (const w of settle) w.resolve();
  };

  const join = () => {
    if (open) return;
    db.exec('BEGIN IMMEDIATE');
    open = true;
    setImmediate(commit);
  };

  const rawPrepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const stmt = rawPrepare(sql);
    if (!WRITE.test(sql)) return stmt;
    // Own properties shadow the statement's prototype methods; RETURNING writes use get/all.
    const s = stmt as unknown as Record<'run' | 'get' | 'all', (...a: unknown[]) => unknown>;
    for (const m of ['run', 'get', 'all'] as const) {
      const call = s[m]!.bind(stmt);
      s[m] = (...args: unknown[]) => {
        join();
        return call(...args);
      };
    }
    return stmt;
  }) as typeof db.prepare;

  const rawTransaction = db.transaction.bind(db);
  db.transaction = ((fn: (...a: unknown[]) => unknown) => {
    const tx = rawTransaction(fn);
    return (...args: unknown[]) => {
      join();
      return tx(...args);
    };
  }) as typeof db.transaction;

  return {
    durable() {
      if (!open) return done;
      batch ??= new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      return batch;
    },
    flush: commit,
    begin: join,
  };
}
