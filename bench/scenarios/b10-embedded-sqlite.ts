import type { Check, Figure, Scenario, ScenarioResult } from '../lib/scenario.js';

const SOURCES = ['B2', 'B3'] as const;

/**
 * B10: B2 and B3 must hold in embedded mode, where the store is SQLite in the one server process.
 * Embedded B2 and B3 are exactly that run, so B10 is a report view over them rather than a third
 * run of the same thing: it lists their checks against their targets (pass/fail each), and fails
 * when either did not run. `--only B10` runs B2 and B3 (see `requires`).
 */
export const b10EmbeddedSqlite: Scenario = {
  id: 'B10',
  title: 'Embedded (SQLite): B2 and B3 hold',
  modes: ['embedded'],
  requires: SOURCES,
  budgetMs: () => 0,
  derive(results: readonly ScenarioResult[]) {
    const figures: Figure[] = [];
    const checks: Check[] = [];
    for (const id of SOURCES) {
      const r = results.find((x) => x.id === id && x.mode === 'embedded');
      if (!r || (r.status !== 'pass' && r.status !== 'fail')) {
        const why = !r ? 'not run' : r.status === 'skipped' ? 'skipped (out of time)' : r.status === 'error' ? `error: ${r.error?.split('\n')[0] ?? ''}` : r.status;
        checks.push({ label: `${id} ran in embedded mode`, target: 'ran', actual: why, pass: false });
        continue;
      }
      figures.push(...r.figures.filter((f) => f.headline).map((f) => ({ ...f, key: `${id.toLowerCase()}.${f.key}`, label: `${id}: ${f.label}` })));
      // Their ratio checks were evaluated already (baselines come before report views): copy the verdicts.
      checks.push(...r.checks.map(({ ratio: _r, ref: _f, ...c }) => ({ ...c, label: `${id}: ${c.label}` })));
    }
    return {
      params: { store: 'SQLite (embedded mode: one process, DATA_DIR on local disk)', reads: 'B2 and B3 (embedded) of this run' },
      figures,
      checks,
      notes: ['A report view: B10 runs nothing itself. It shows embedded B2 and B3 (the SQLite store) against their targets; their own sections have every figure.'],
    };
  },
  async run() {
    throw new Error('B10 is a report view over B2 and B3 (derive), not a run');
  },
};
