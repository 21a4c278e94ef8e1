import { Router } from 'express';
import type { Store } from '../store/store.js';

/** Liveness (the process answers) and readiness (the store answers too). */
export function healthRouter(store: Store, isDraining: () => boolean): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  r.get('/readyz', async (_req, res) => {
    if (isDraining()) return void res.status(503).json({ ok: false, reason: 'draining' });
    try {
      // A store that hangs (Redis offline queue) must read as not ready, not as a stuck probe.
      await Promise.race([store.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
      res.json({ ok: true, store: store.kind });
    } catch {
      res.status(503).json({ ok: false, reason: 'store unreachable', store: store.kind });
    }
  });
  return r;
}
