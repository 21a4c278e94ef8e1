import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Embedded mode may run without SECRET / ADMIN_TOKEN: they are generated once and kept in the
 * data folder, so tokens survive a restart and the organiser token stays the same.
 */
export function persistentSecret(dataDir: string, name: string, bytes: number): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, name);
  if (existsSync(file)) {
    const v = readFileSync(file, 'utf8').trim();
    if (v) return v;
  }
  const v = randomBytes(bytes).toString('base64url');
  writeFileSync(file, v + '\n', { mode: 0o600 });
  return v;
}
