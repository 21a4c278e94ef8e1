import { ErrorCode, ROSTER_COLUMNS, type RallyErrorBody, type RosterEntry } from '@rally/shared';

/*
 * [BRK36]–[BRK38] The console's side of the attendee list REST routes: read the list, replace it
 * with a file (uploaded with progress, which fetch cannot report), and say what the import changed.
 * Both routes take the moderator's own participant token as Bearer, like every console export.
 */

/** [BRK37] One refused line: CSV names the file's line, JSON the entry (0: the file as a whole). */
export type ImportProblem = { line: number; message: string } | { entry: number; message: string };

export type UploadOutcome =
  | { ok: true; entries: RosterEntry[] }
  | { ok: false; problems: ImportProblem[]; message: string }
  | { ok: false; problems: null; message: string };

/** What a good import did to the list, by email (the list's key): a new file replaces the whole list. */
export interface RosterChanges {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}

const rosterPath = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}/roster`;
export const templatePath = (eventId: string) => `${rosterPath(eventId)}/template.csv`;

export function rosterChanges(before: readonly RosterEntry[], after: readonly RosterEntry[]): RosterChanges {
  const old = new Map(before.map((e) => [e.email, e]));
  const kept = new Set<string>();
  const out: RosterChanges = { added: 0, updated: 0, unchanged: 0, removed: 0 };
  for (const e of after) {
    const was = old.get(e.email);
    kept.add(e.email);
    if (!was) out.added++;
    else if (ROSTER_COLUMNS.every((c) => was[c] === e[c])) out.unchanged++;
    else out.updated++;
  }
  out.removed = before.filter((e) => !kept.has(e.email)).length;
  return out;
}

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;

/** "12 people on the list: 10 added, 1 updated, 1 unchanged; 2 removed (not in this file)." */
export function describeChanges(total: number, c: RosterChanges): string {
  const parts = [`${c.added} added`, `${c.updated} updated`];
  if (c.unchanged > 0) parts.push(`${c.unchanged} unchanged`);
  const removed = c.removed > 0 ? `; ${c.removed} removed (not in this file)` : '';
  return `Imported: ${people(total)} on the list. ${parts.join(', ')}${removed}.`;
}

/** "Line 3: email must be an email address", as a person reads it. */
export function problemText(p: ImportProblem): string {
  const where = 'line' in p ? `Line ${p.line}` : p.entry > 0 ? `Entry ${p.entry}` : 'The file';
  const message = p.message.charAt(0).toUpperCase() + p.message.slice(1);
  return `${where}: ${message}`;
}

function errorOf(body: unknown, status: number): RallyErrorBody {
  const e = (body as { error?: Partial<RallyErrorBody> } | null)?.error;
  if (e && typeof e.message === 'string' && typeof e.code === 'string') return e as RallyErrorBody;
  return { code: status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.BAD_REQUEST, message: `Rally answered ${status}` };
}

/** [BRK38] The event's list (moderators and the organiser only). */
export async function fetchRoster(eventId: string, token: string): Promise<{ ok: true; entries: RosterEntry[] } | { ok: false; message: string }> {
  try {
    const res = await fetch(rosterPath(eventId), { headers: { authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'same-origin' });
    const body = (await res.json().catch(() => null)) as { entries?: RosterEntry[] } | null;
    if (res.ok && body?.entries) return { ok: true, entries: body.entries };
    return { ok: false, message: errorOf(body, res.status).message };
  } catch {
    return { ok: false, message: "can't reach Rally; check your connection and try again" };
  }
}

/**
 * [BRK36] [BRK37] Replaces the list with a CSV (or JSON) file. `onProgress` gets the fraction of
 * the file sent (0–1), then null while the server checks it: XMLHttpRequest reports upload
 * progress, fetch does not.
 */
export function uploadRoster(eventId: string, token: string, file: File, onProgress: (sent: number | null) => void): Promise<UploadOutcome> {
  const isJson = /\.json$/i.test(file.name) || file.type === 'application/json';
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', rosterPath(eventId));
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', isJson ? 'application/json' : 'text/csv');
    xhr.upload.onprogress = (e) => onProgress(e.lengthComputable && e.total > 0 ? e.loaded / e.total : 0);
    xhr.upload.onload = () => onProgress(null);
    xhr.onerror = () => resolve({ ok: false, problems: null, message: "can't reach Rally to import the file; check your connection and try again" });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: the status says it */
      }
      const entries = (body as { entries?: RosterEntry[] } | null)?.entries;
      if (xhr.status >= 200 && xhr.status < 300 && entries) return resolve({ ok: true, entries });
      const problems = (body as { errors?: ImportProblem[] } | null)?.errors;
      const message = errorOf(body, xhr.status).message;
      resolve(problems && problems.length > 0 ? { ok: false, problems, message } : { ok: false, problems: null, message });
    };
    xhr.send(file);
  });
}
