import type { JoinNotice } from '@rally/shared';

/**
 * [STAGE12] A join that asked for `room` and got `remote` carries a notice. The join form hands it
 * to the attendee screen through sessionStorage (the join and the screen are separate routes).
 */
const key = (code: string) => `rally:join-notice:${code.toUpperCase()}`;

export function saveJoinNotice(code: string, notice: JoinNotice | undefined): void {
  try {
    if (notice) sessionStorage.setItem(key(code), JSON.stringify(notice));
    else sessionStorage.removeItem(key(code));
  } catch {
    /* storage unavailable: the notice is simply not shown */
  }
}

export function takeJoinNotice(code: string): JoinNotice | null {
  try {
    const raw = sessionStorage.getItem(key(code));
    if (!raw) return null;
    sessionStorage.removeItem(key(code));
    const v = JSON.parse(raw) as Partial<JoinNotice>;
    return typeof v.message === 'string' && typeof v.reason === 'string' ? (v as JoinNotice) : null;
  } catch {
    return null;
  }
}

/** `?room=CODE` from the stage screen's QR link, upper-cased with spaces dropped. */
export function roomCodeFromSearch(search: string): string {
  const v = new URLSearchParams(search).get('room') ?? '';
  return v.replace(/\s+/g, '').toUpperCase().slice(0, 16);
}
