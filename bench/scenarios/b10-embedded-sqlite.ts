import { pendingScenario } from './pending.js';

/** B10: embedded mode (one process, SQLite) runs B2 and B3 with their targets. */
export const b10EmbeddedSqlite = pendingScenario('B10', 'Embedded (SQLite): B2 and B3', 'B2 and B3 in the bench', ['embedded']);
