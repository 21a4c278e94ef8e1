import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, JoinCode } from '@rally/shared';

/** What people type: spaces, dashes, lower case. */
export function normalizeCode(raw: string): string {
  return raw.replace(/[\s-]+/g, '').toUpperCase();
}

/** null when the code is well-formed, otherwise one sentence to show under the field ([UI4]). */
export function codeProblem(code: string): string | null {
  if (!code) return 'Enter the join code shown on the stage screen.';
  if (JoinCode.safeParse(code).success) return null;
  if (code.length !== JOIN_CODE_LENGTH) return `Join codes have ${JOIN_CODE_LENGTH} characters and “${code}” has ${code.length}: check the code on the stage screen.`;
  const bad = [...new Set([...code].filter((c) => !JOIN_CODE_ALPHABET.includes(c)))];
  return `“${code}” is not a Rally join code, codes never contain ${bad.map((c) => `“${c}”`).join(', ')}: check the code on the stage screen.`;
}
