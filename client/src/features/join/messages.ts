import { ApiError } from '../../lib/api';

/** One wording for "that code does not work", wherever a code is looked up. */
export function lookupErrorMessage(err: ApiError | null, code: string): string {
  if (err?.code === 'NOT_FOUND' || err?.code === 'BAD_REQUEST')
    return `No event uses the code “${code}”. Check the code on the stage screen and try again.`;
  if (err) return err.message;
  return 'Something went wrong while looking up the event. Please try again.';
}

export function asApiError(err: unknown): ApiError | null {
  return err instanceof ApiError ? err : null;
}
