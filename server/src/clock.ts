/** Injected everywhere time matters, so domain rules can be tested with a fake clock. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
export const isoNow = (clock: Clock): string => new Date(clock.now()).toISOString();

/** [SEC23] [SEC49] A time to its minute (UTC): the finest an anonymous answer or question shows. */
export const toMinute = (iso: string): string => `${iso.slice(0, 16)}:00.000Z`;
