let seq = 0;

/**
 * A label no other test in this run uses: every spec shares one server and one data directory, so
 * event, attendee and question names must not collide across tests (or across reruns).
 */
export const unique = (label: string) => `${label} ${Date.now().toString(36)}${++seq}`;
