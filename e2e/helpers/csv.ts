import { readFile } from 'node:fs/promises';
import type { Download } from '@playwright/test';

// The server writes every CSV with toCsv (CRLF after each record); the integration tests' reader
// already handles exactly that, so the browser tests read the same exports with the same code.
export { parseCsv } from '../../server/test/helpers/csv';

/** The text of a file the browser downloaded (a CSV export). */
export async function readDownload(download: Download): Promise<string> {
  return readFile((await download.path())!, 'utf8');
}
