/** The data of a successful ack; a refusal fails the test with the server's code and message. */
export async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message?: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`command failed: ${r.error.code} ${r.error.message ?? ''}`.trimEnd());
  return r.data;
}
