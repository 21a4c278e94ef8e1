/** Which screen a token belongs to: one browser may be both an attendee and a moderator of an event. */
export type View = 'attendee' | 'presenter' | 'moderator' | 'stage';

const tokenKey = (code: string, view: View) => `rally:token:${code.toUpperCase()}:${view}`;

// Storage can throw (Safari private mode, disabled storage); Rally then works for this page load only.
export function loadToken(code: string, view: View): string | null {
  try {
    return localStorage.getItem(tokenKey(code, view));
  } catch {
    return null;
  }
}

export function saveToken(code: string, view: View, token: string): void {
  try {
    localStorage.setItem(tokenKey(code, view), token);
  } catch {
    /* see loadToken */
  }
}

export function clearToken(code: string, view: View): void {
  try {
    localStorage.removeItem(tokenKey(code, view));
  } catch {
    /* see loadToken */
  }
}

const ADMIN_KEY = 'rally:admin-token';

/** The admin token lives in sessionStorage: it dies with the tab, it is never written to disk for good. */
export function loadAdminToken(): string {
  try {
    return sessionStorage.getItem(ADMIN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveAdminToken(token: string): void {
  try {
    if (token) sessionStorage.setItem(ADMIN_KEY, token);
    else sessionStorage.removeItem(ADMIN_KEY);
  } catch {
    /* see loadToken */
  }
}

/** Role keys travel in the URL fragment (`#key=…`) so they never reach a server log. */
export function readKeyFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const key = params.get('key');
  return key && key.trim() ? key.trim() : null;
}
