import type { RallyErrorBody } from './errors.js';

/** The one reply shape of every command. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: RallyErrorBody };
