import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * [OPS93] docs/OPERATIONS.md stays true to the code: every variable server/src/config.ts reads is
 * in it (a new one, such as a drain setting, fails here until it is documented), the README links
 * it, and every benchmark report it cites exists.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string) => readFileSync(ROOT + p, 'utf8');

/** The environment variables of ConfigSchema: its keys, one per line, four spaces in. */
function configVariables(): string[] {
  const src = read('server/src/config.ts');
  const body = src.slice(src.indexOf('const ConfigSchema'), src.indexOf('.superRefine', src.indexOf('const ConfigSchema')));
  return [...body.matchAll(/^ {4}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
}

describe('docs/OPERATIONS.md', () => {
  const doc = read('docs/OPERATIONS.md');

  it('[OPS93] names every configuration variable the server reads', () => {
    const vars = configVariables();
    expect(vars).toContain('REDIS_URL');
    expect(vars).toContain('METRICS_HOST');
    expect(vars.filter((v) => !doc.includes(`\`${v}\``))).toEqual([]);
  });

  it('[OPS93] is linked from the README and cites benchmark reports that exist', () => {
    expect(read('README.md')).toContain('docs/OPERATIONS.md');
    const cited = [...doc.matchAll(/`(bench\/results\/[^`]+\.md)`/g)].map((m) => m[1]!);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((p) => !existsSync(ROOT + p))).toEqual([]);
    for (const section of ['## Sizing', '## Deployment', '## Configuration', '## Backups', '## Graceful drain', '## Upgrades and migrations', '## Retention', '## On the day']) expect(doc).toContain(section);
  });
});
