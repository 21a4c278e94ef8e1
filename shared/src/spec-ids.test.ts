import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['shared/src', 'server/src', 'server/test', 'client/src', 'e2e'];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(test|spec)\.tsx?$/.test(name) || /contract\.ts$/.test(name)) yield p;
  }
}

describe('the specification', () => {
  it('[SPEC1] every rule ID a test cites is defined in docs/SPEC.md', () => {
    const spec = readFileSync(join(ROOT, 'docs/SPEC.md'), 'utf8');
    const defined = new Set([...spec.matchAll(/\*\*([A-Z]+[0-9]+)\*\*/g)].map((m) => m[1]));
    const cited = new Set<string>();
    for (const dir of SOURCE_DIRS) {
      for (const f of files(join(ROOT, dir))) {
        for (const m of readFileSync(f, 'utf8').matchAll(/\[([A-Z]+[0-9]+)\]/g)) cited.add(m[1]!);
      }
    }
    expect([...cited].filter((id) => !defined.has(id)).sort()).toEqual([]);
  });
});
