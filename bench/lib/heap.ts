import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from './target.js';

/** Live heap by (node type, constructor or kind): how many objects and how many bytes (self size). */
export type HeapByType = Map<string, { count: number; bytes: number }>;

/**
 * Reads a V8 heap snapshot and sums self sizes by type. Meant for quick-sized runs: the snapshot
 * JSON is about twice the heap and is parsed whole (a 10,000-attendee heap would not fit a string).
 */
export function heapByType(path: string): HeapByType {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
    strings: string[];
  };
  const f = snap.snapshot.meta.node_fields;
  const width = f.length;
  const iType = f.indexOf('type');
  const iName = f.indexOf('name');
  const iSize = f.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const out: HeapByType = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]!] ?? '?';
    // Strings are grouped as one kind (their text is the "name"); objects and closures by constructor/function.
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' ? '' : (snap.strings[snap.nodes[i + iName]!] ?? '?');
    const key = `${type}${name ? ` ${name.slice(0, 60)}` : ''}`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + iSize]!;
    out.set(key, e);
  }
  return out;
}

/** Heap snapshots of every node of the target, summed; the files are removed once read. */
export async function snapshotTarget(target: Target, tag: string): Promise<HeapByType> {
  const sum: HeapByType = new Map();
  for (const [i, n] of target.nodes.entries()) {
    const path = join(tmpdir(), `rally-bench-${process.pid}-${tag}-${i}.heapsnapshot`);
    try {
      await n.agent('heapSnapshot', 10 * 60_000, path);
      for (const [k, v] of heapByType(path)) {
        const e = sum.get(k) ?? { count: 0, bytes: 0 };
        e.count += v.count;
        e.bytes += v.bytes;
        sum.set(k, e);
      }
    } finally {
      rmSync(path, { force: true });
    }
  }
  return sum;
}

/** What grew between two snapshots, per attendee, largest first. */
export function growthPerAttendee(before: HeapByType, after: HeapByType, attendees: number, top = 15): { type: string; perAttendee: number; bytesPerAttendee: number }[] {
  const rows: { type: string; perAttendee: number; bytesPerAttendee: number }[] = [];
  for (const [k, a] of after) {
    const b = before.get(k) ?? { count: 0, bytes: 0 };
    const bytes = a.bytes - b.bytes;
    if (bytes <= 0) continue;
    rows.push({ type: k, perAttendee: Math.round(((a.count - b.count) / attendees) * 10) / 10, bytesPerAttendee: Math.round(bytes / attendees) });
  }
  return rows.sort((x, y) => y.bytesPerAttendee - x.bytesPerAttendee).slice(0, top);
}
