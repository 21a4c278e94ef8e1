import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installGroupCommit } from '../../src/store/sqlite/group-commit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database file with group commit, and a second connection that sees only committed data. */
function open() {
  const dir = mkdtempSync(join(tmpdir(), 'rally-gc-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  const batch = installGroupCommit(db);
  const reader = new Database(file, { readonly: true });
  const committed = () => reader.prepare('SELECT k, v FROM t ORDER BY k').all() as { k: string; v: number }[];
  return { db, batch, committed, close: () => (batch.flush(), reader.close(), db.close()) };
}

describe('SQLite group commit', () => {
  it('[STORE39] writes of one event-loop turn are invisible to others until the turn ends, then all committed together', async () => {
    const s = open();
    const put = s.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const bump = s.db.transaction((k: string) => s.db.prepare('UPDATE t SET v = v + 1 WHERE k = ?').run(k));
    put.run('a', 1);
    put.run('b', 2);
    bump('a');
    // The writer reads its own batch; another connection sees nothing yet.
    expect(s.db.prepare('SELECT v FROM t WHERE k = ?').get('a')).toEqual({ v: 2 });
    expect(s.committed()).toEqual([]);
    await s.batch.durable();
    expect(s.committed()).toEqual([
      { k: 'a', v: 2 },
      { k: 'b', v: 2 },
    ]);
    s.close();
  });

  it('[STORE39] a transaction that throws undoes only its own writes; the rest of the batch commits', async () => {
    const s = open();
    const put = s.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const failing = s.db.transaction(() => {
      put.run('x', 1);
      throw new Error('refused');
    });
    put.run('a', 1);
    expect(() => failing()).toThrow('refused');
    expect(() => put.run('a', 9)).toThrow(); // a statement error (duplicate key) keeps the batch too
    put.run('b', 2);
    await s.batch.durable();
    expect(s.committed()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
    ]);
    s.close();
  });

  it('[STORE39] durable() waits for the batch open when it is called, and resolves at once when none is', async () => {
    const s = open();
    await s.batch.durable(); // nothing written: nothing to wait for
    s.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('a', 1);
    let settled = false;
    const wait = s.batch.durable().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await wait;
    expect(s.committed()).toEqual([{ k: 'a', v: 1 }]);
    // The next turn's writes form a new batch.
    s.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('b', 1);
    expect(s.committed()).toHaveLength(1);
    await s.batch.durable();
    expect(s.committed()).toHaveLength(2);
    s.close();
  });

  it('[STORE39] flush() commits at once (before close), and reads alone open no batch', () => {
    const s = open();
    s.db.prepare('SELECT * FROM t').all();
    expect(s.db.inTransaction).toBe(false);
    s.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('a', 1);
    expect(s.db.inTransaction).toBe(true);
    s.batch.flush();
    expect(s.committed()).toEqual([{ k: 'a', v: 1 }]);
    s.close();
  });
});
