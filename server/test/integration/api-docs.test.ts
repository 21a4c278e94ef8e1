import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JoinRequest, commandSchemas, factSchemas } from '@rally/shared';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  rawPath?: string;
  handle: { stack?: Layer[] };
}

/** Every route Express has mounted, as `METHOD path`, by walking the app's router stack (Express 5). */
function mountedRoutes(): string[] {
  const app = s.app.web as unknown as { router: { stack: Layer[] } };
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) if (layer.route.methods[m]) out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk(app.router.stack, '');
  // The REST API is under /api plus the two probes; the rest is the web client (static files, SPA).
  return out.filter((r) => / \/api\//.test(r) || / \/(healthz|readyz)$/.test(r));
}

const toOpenApi = (route: string) => route.replace(/:([A-Za-z_]+)/g, '{$1}');

async function getJson(path: string) {
  const res = await fetch(s.url + path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(await res.text());
}

describe('API documents', () => {
  it('[OPS80] /api/openapi.json is OpenAPI 3.1 with exactly the REST routes app.ts mounts', async () => {
    const doc = await getJson('/api/openapi.json');
    expect(doc.openapi).toMatch(/^3\.1\./);
    const mounted = mountedRoutes();
    expect(mounted.length).toBeGreaterThan(40);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(mounted.map(toOpenApi).sort());
    // Routes that parse a body say what it is; every operation answers errors in the one shape.
    expect(doc.paths['/api/join'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('code');
    expect(doc.paths['/api/events'].post.responses['201']).toBeDefined();
    for (const ops of Object.values(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const op of Object.values(ops)) expect(op.responses['4XX']).toEqual(expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }));
    }
  });

  it('[OPS81] /api/asyncapi.json is AsyncAPI 3.0 with a send operation and ack per command and a receive operation per fact', async () => {
    const doc = await getJson('/api/asyncapi.json');
    expect(doc.asyncapi).toBe('3.0.0');
    const ops = Object.values(doc.operations as Record<string, { action: string; title: string; channel: { $ref: string }; reply?: unknown }>);
    const sent = ops.filter((o) => o.action === 'send');
    const received = ops.filter((o) => o.action === 'receive');
    expect(sent.map((o) => o.title).sort()).toEqual(Object.keys(commandSchemas).sort());
    expect(received.map((o) => o.title).sort()).toEqual(Object.keys(factSchemas).sort());
    for (const o of sent) expect(o.reply).toBeDefined();
    // Each operation's channel exists and is addressed by the Socket.IO event name.
    for (const o of ops) {
      const channel = doc.channels[o.channel.$ref.replace('#/channels/', '')];
      expect(channel.address).toBe(o.title);
    }
  });

  it('[OPS83] a payload passes the generated JSON Schema exactly when it passes the zod schema the server uses', async () => {
    // No independent JSON Schema validator is installed (no ajv): zod's own z.fromJSONSchema reads
    // the served documents back, so this checks the documents carry the constraints, not zod itself.
    const asyncDoc = await getJson('/api/asyncapi.json');
    const openDoc = await getJson('/api/openapi.json');
    const fromDoc = (schema: unknown) => z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    const commandPayload = (name: string) => fromDoc(asyncDoc.components.messages[name.replace(/:/g, '.')].payload);
    const id = 'cmd-0000001';
    const cases: Array<[z.ZodType, z.ZodType, unknown[]]> = [
      [
        commandPayload('poll:vote'),
        commandSchemas['poll:vote'],
        [
          { id, pollId: 'p1', vote: { kind: 'single', optionId: 'o1' } },
          { id: 'short', pollId: 'p1', vote: { kind: 'single', optionId: 'o1' } },
          { id, pollId: 'p1', vote: { kind: 'single' } },
          { id, pollId: 'p1', vote: { kind: 'single', optionId: 'o1' }, extra: 1 },
          { id, pollId: 'p1', vote: { kind: 'multiple', optionIds: [] } },
        ],
      ],
      [
        commandPayload('participant:update'),
        commandSchemas['participant:update'],
        [{ id, mode: 'remote' }, { id, mode: 'somewhere' }, { id }, { mode: 'room' }, { id, team: 'x'.repeat(500) }],
      ],
      [commandPayload('reaction:send'), commandSchemas['reaction:send'], [{ id, emoji: 'nope' }, { id }, { id: 42, emoji: 'x' }]],
      [
        fromDoc(openDoc.paths['/api/join'].post.requestBody.content['application/json'].schema),
        JoinRequest,
        [{ code: 'ACDEFG', name: 'Ann' }, { code: 'ACDEFG' }, { code: 'ACDEFG', name: 'Ann', mode: 'elsewhere' }, { code: 'ACDEFG', name: 'Ann', admin: true }],
      ],
    ];
    for (const [documented, server, samples] of cases) {
      for (const sample of samples) expect([sample, documented.safeParse(sample).success]).toEqual([sample, server.safeParse(sample).success]);
    }
    // Where the server normalises before it checks (a join code is trimmed and upper-cased, then must
    // use the code alphabet), the document describes what is accepted as sent: looser, never stricter.
    const join = cases[3]!;
    for (const code of [' acdefg ', 'ABCDEF']) {
      expect(join[0].safeParse({ code, name: 'Ann' }).success).toBe(true);
    }
    expect(JoinRequest.safeParse({ code: ' acdefg ', name: 'Ann' }).success).toBe(true);
  });

  it('[OPS82] /api/docs is a self-contained page under the strict CSP: no inline script, nothing from another origin', async () => {
    const res = await fetch(`${s.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const html = await res.text();
    // No inline script and nothing from another origin: the script is ours, from the same server.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect((body ?? '').trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attrs ?? '')![1]!;
      expect(src.startsWith('/')).toBe(true);
      const js = await fetch(s.url + src);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      const text = await js.text();
      expect(text).toContain('/api/openapi.json');
      expect(text).toContain('/api/asyncapi.json');
    }
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});
