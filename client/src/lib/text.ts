/** Server messages are written lower-case to compose ("a name is required"); on screen they are sentences. */
export function sentence(message: string): string {
  const t = message.trim();
  if (!t) return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?…)]$/.test(first) ? first : `${first}.`;
}
