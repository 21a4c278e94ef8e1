/** The guides there are, one per role that has a screen with a header (the stage screen has none). */
export const HELP_ROLES = ['attendee', 'presenter', 'moderator', 'organiser'] as const;
export type HelpRole = (typeof HELP_ROLES)[number];

export const isHelpRole = (s: string | undefined): s is HelpRole => (HELP_ROLES as readonly string[]).includes(s ?? '');

/**
 * [UI38] Which guide a screen's Help link opens, from its address alone, so the shared header needs
 * no prop from each screen: staff screens (and their key join forms) by their path, the organiser
 * page, a guide itself; everything else is an attendee's (home, join, the event page).
 */
export function helpRoleFor(pathname: string): HelpRole {
  const help = /^\/help\/([a-z]+)\/?$/.exec(pathname);
  if (help && isHelpRole(help[1])) return help[1];
  if (/^\/e\/[^/]+\/presenter\/?$/.test(pathname)) return 'presenter';
  if (/^\/e\/[^/]+\/moderator\/?$/.test(pathname)) return 'moderator';
  if (/^\/organiser\/?$/.test(pathname)) return 'organiser';
  return 'attendee';
}

/**
 * Where "Back" on a guide leads: the page the Help link was followed from, when it is a path of
 * this site (never another origin: `//evil.example` and `/\evil` are refused), else home.
 */
export function backPath(from: string | null): string {
  if (!from || !from.startsWith('/') || from.startsWith('//') || from.startsWith('/\\') || from.startsWith('/help/')) return '/';
  return from;
}

/** The Help link's target for a screen: its role's guide, remembering where to come back to. */
export function helpHref(pathname: string, search = ''): string {
  const role = helpRoleFor(pathname);
  if (pathname.startsWith('/help/')) return pathname + search;
  return `/help/${role}?from=${encodeURIComponent(pathname + search)}`;
}
