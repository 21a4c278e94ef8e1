/** Shared by the Playwright config and the specs: the server the e2e run starts, and how to reach it. */
// RALLY_E2E_PORT lets several checkouts run their e2e tiers side by side on one machine.
export const E2E_PORT = Number(process.env.RALLY_E2E_PORT ?? 3199);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
// 40 characters; only for this throwaway server.
export const SECRET = 'e2e-secret-0123456789-abcdefghijklmnopqr';
