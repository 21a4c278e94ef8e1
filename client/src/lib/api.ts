import { sentence } from './text';
import {
  ErrorCode,
  type CreateEventRequest,
  type CreateEventResponse,
  type JoinRequest,
  type JoinResponse,
  type PublicEvent,
  type RallyErrorBody,
} from '@rally/shared';

/** A refused REST call, carrying the server's typed error (or a client-side stand-in). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorBody(v: unknown): v is { error: RallyErrorBody } {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as RallyErrorBody).code === 'string' && typeof (e as RallyErrorBody).message === 'string';
}

async function request<T>(method: string, path: string, opts: { body?: unknown; adminToken?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.adminToken) headers.authorization = `Bearer ${opts.adminToken}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(ErrorCode.UNAVAILABLE, "Can't reach Rally: check your connection and try again.", 0);
  }
  let payload: unknown = null;
  const text = await res.text();
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!res.ok) {
    if (isErrorBody(payload)) throw new ApiError(payload.error.code, sentence(payload.error.message), res.status);
    throw new ApiError(res.status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.BAD_REQUEST, `Rally answered with an error (${res.status}): please try again in a moment.`, res.status);
  }
  // The server validates what it sends with the shared schemas; the client trusts its own origin here.
  return payload as T;
}

export const api = {
  lookupEvent: (code: string) =>
    request<{ event: PublicEvent }>('GET', `/api/events/by-code/${encodeURIComponent(code)}`).then((r) => r.event),
  join: (body: JoinRequest) => request<JoinResponse>('POST', '/api/join', { body }),
  createEvent: (adminToken: string, body: CreateEventRequest) =>
    request<CreateEventResponse>('POST', '/api/events', { body, adminToken }),
  listEvents: (adminToken: string) =>
    request<{ events: CreateEventResponse[] }>('GET', '/api/events', { adminToken }).then((r) => r.events),
  rotateKeys: (adminToken: string, eventId: string) =>
    request<CreateEventResponse>('POST', `/api/events/${encodeURIComponent(eventId)}/keys/rotate`, { adminToken }),
  /** [OPS51] */
  archiveEvent: (adminToken: string, eventId: string) =>
    request<CreateEventResponse>('POST', `/api/events/${encodeURIComponent(eventId)}/archive`, { adminToken }),
  /** [OPS52] */
  deleteEvent: (adminToken: string, eventId: string) =>
    request<{ eventId: string; deleted: true }>('DELETE', `/api/events/${encodeURIComponent(eventId)}`, { adminToken }),
};
