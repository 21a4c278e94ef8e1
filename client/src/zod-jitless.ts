import { z } from 'zod';

// [SEC42] Imported first by main.tsx, before any schema is built: zod compiles object parsers with
// `new Function` and probes for it even when told nothing, and under Rally's Content Security Policy
// (no 'unsafe-eval') that probe is reported as a violation on every page. Parsing without the
// compiled fast path costs the client nothing it would notice.
z.config({ jitless: true });
